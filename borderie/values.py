"""Normalized values of QUANTITY and DATE mentions.

``quantity_value("131.000 lượt phương tiện") == (131000, "lượt phương tiện")``;
``date_value("ngày 16/3/2016") == "2016-03-16"``; a date without a year takes
``year`` from document metadata when it is given, and stays ``None`` otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date as _date

_UNITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mươi": 10,
}
_SCALES = {"trăm": 100, "nghìn": 1000, "ngàn": 1000, "vạn": 10_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}


def _nfc_lower(s: str) -> str:
    return unicodedata.normalize("NFC", s).lower()


def parse_number(token: str) -> float | int | None:
    """Digits with dot thousands and comma decimals: ``131.000`` -> 131000, ``0,5`` -> 0.5."""
    t = token.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t):
        return int(t.replace(".", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})*,\d+", t):
        return float(t.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+,\d+", t):
        return float(t.replace(",", "."))
    if re.fullmatch(r"\d+\.\d{1,2}", t):  # "2.5" written with an English decimal point
        return float(t)
    if re.fullmatch(r"\d+", t):
        return int(t)
    return None


def _spelled(words: list[str]) -> tuple[int | None, int]:
    """Parse a spelled-out number at the start of ``words``; returns (value, words used)."""
    total = 0
    current = 0
    used = 0
    seen = False
    for w in words:
        if w in _UNITS:
            v = _UNITS[w]
            if w in ("mười",):
                current += 10
            elif w == "mươi":
                current = (current or 1) * 10
            else:
                current += v
            seen = True
        elif w in _SCALES and seen:
            scale = _SCALES[w]
            if scale >= 1000:
                total = (total + (current or 1)) * scale
                current = 0
            else:
                current = (current or 1) * scale
        elif w in ("linh", "lẻ") and seen:
            pass
        else:
            break
        used += 1
    if not seen:
        return None, 0
    return total + current, used


def quantity_value(text: str) -> tuple[float | int | None, str | None]:
    """Return ``(value, unit)`` for a QUANTITY mention; ``(None, None)`` if no number is found."""
    words = unicodedata.normalize("NFC", text).split()
    if not words:
        return None, None
    m = re.match(r"^(\d[\d.,]*)(\D.*)?$", words[0])
    value: float | int | None
    if m:
        value = parse_number(m.group(1).rstrip(".,"))
        rest = ([m.group(2)] if m.group(2) else []) + words[1:]
    else:
        value, used = _spelled([w.lower() for w in words])
        rest = words[used:]
    if value is None:
        return None, None
    # multiplier words right after the number: "200 triệu đồng", "2,3 tỷ USD"
    while rest and rest[0].lower() in _SCALES:
        value = value * _SCALES[rest.pop(0).lower()]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value, (" ".join(rest) or None)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?")


def _iso(y: int | None, m: int, d: int | None = None) -> str | None:
    if y is None:
        return None
    try:
        return _date(y, m, d).isoformat() if d else f"{y:04d}-{m:02d}"
    except ValueError:
        return None


def date_value(text: str, year: int | None = None) -> str | None:
    """ISO value of a DATE mention where the text (plus ``year``) fixes it.

    Days give ``YYYY-MM-DD``, ranges ``start/end`` (ISO 8601 intervals), months
    ``YYYY-MM``, quarters ``YYYY-Qn``, years ``YYYY``; anything vaguer gives ``None``.
    """
    t = _nfc_lower(text)
    t = re.sub(r"^(ngày|hôm|sáng|chiều|tối|trưa|đêm|rạng sáng)\s+", "", t)
    # day range within one month: "25-27/12", "2 đến 3-11", "25-27/12/2025"
    m = re.fullmatch(r"(\d{1,2})\s*(?:-|–|đến|tới)\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?", t)
    if m:
        d1, d2, mo = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = int(m.group(4)) if m.group(4) else year
        a, b = _iso(y, mo, d1), _iso(y, mo, d2)
        return f"{a}/{b}" if a and b else None
    m = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?(?:\s*năm\s*(\d{4}))?", t)
    if m:
        y = int(m.group(3) or m.group(4) or 0) or year
        return _iso(y, int(m.group(2)), int(m.group(1)))
    m = re.fullmatch(r"(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?", t)
    if m:
        y = int(m.group(3)) if m.group(3) else year
        return _iso(y, int(m.group(2)), int(m.group(1)))
    m = re.fullmatch(r"tháng\s+(\d{1,2})(?:\s*[/.\-]\s*(\d{4})|\s+năm\s+(\d{4}))?", t)
    if m:
        y = int(m.group(2) or m.group(3) or 0) or year
        return _iso(y, int(m.group(1)))
    m = re.fullmatch(r"quý\s+(i{1,3}|iv|[1-4])(?:\s*(?:/|năm)\s*(\d{4}))?", t)
    if m:
        q = _ROMAN.get(m.group(1)) or int(m.group(1))
        y = int(m.group(2)) if m.group(2) else year
        return f"{y:04d}-Q{q}" if y else None
    m = re.fullmatch(r"(?:năm\s+)?(\d{4})", t)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(?:năm\s+|hai năm\s+)?(\d{4})\s*(?:-|–|đến)\s*(\d{4})", t)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    return None


def year_of(meta: dict | None) -> int | None:
    """The year of a document's ``meta["date"]`` (ISO or starting with a year), if any."""
    if not meta:
        return None
    d = str(meta.get("date") or "")
    m = re.match(r"(\d{4})", d)
    return int(m.group(1)) if m else None
