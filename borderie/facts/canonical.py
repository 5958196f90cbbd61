"""Canonical names: which mentions name the same body, in one module of rules.

Two mentions are one entity when they have the same label and the same key
(:func:`canonical_key`). The key folds what varies in Vietnamese news without changing
what is named:

1. Unicode: NFC, ``Ð``/``đ`` look-alikes, non-breaking spaces, quotes and dots.
2. Tone placement: the tone of an open ``oa``, ``oe``, ``uy`` syllable goes on the first
   vowel ("Thanh Hoá" = "Thanh Hóa", "ma tuý" = "ma túy"); ``quý`` is left alone.
3. Case ("ĐỒN BIÊN PHÒNG" = "Đồn Biên phòng").
4. Abbreviations written with a capital (``BĐBP``, ``CKQT``, ``UBND``, ``TP.``, ... in
   :data:`ABBREVIATIONS`) are spelt out; a lower-case word is never expanded.
5. By label:
   - ORG and LOC: "tỉnh" before a name is dropped ("Bộ đội Biên phòng tỉnh Lạng Sơn" = "BĐBP
     Lạng Sơn", "tỉnh An Giang" = "An Giang"), and "thành phố" before the five cities governed as
     provinces ("thành phố Hà Nội" = "Hà Nội"); a city keeps its word ("thành phố Lào Cai" is not
     the province); district, commune and village words are kept (they often share a name).
   - ORG: "Bộ Chỉ huy" before a named provincial Border Guard is dropped
     (the command stands for the force); a gate inside a name is keyed as a GATE is.
   - GATE: "quốc tế", "quốc gia", "chính", "phụ" after "cửa khẩu" are dropped, and a bare
     gate name gets "cửa khẩu" ("CKQT Hữu Nghị" = "cửa khẩu quốc tế Hữu Nghị" = "Hữu Nghị").
   - COUNTRY: state titles and "nước" are dropped, short and misspelt forms mapped
     (:data:`COUNTRY_ALIASES`: "Việt" = "Việt Nam", "CHDCND Lào" = "Lào").
   - MARKER: "quốc giới" and "số" are dropped ("mốc quốc giới số 1116" = "mốc 1116").
6. Scope: a name that does not say which body it is ("UBND tỉnh", "Công an huyện", "Đồn
   Biên phòng", a counted group "Năm đồn Biên phòng", a lone given name "Nhất") is one
   entity per document only (:func:`is_local`).

:func:`resolve_document` adds the one rule that needs the document: a person named by
the last syllables of exactly one full name of the same document ("ông Nhất" after
"Vi Văn Nhất") is that person.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

# Labels whose mentions become canonical entities (DATE and QUANTITY are values, not bodies).
ENTITY_LABELS = ("PER", "ORG", "GATE", "MARKER", "LOC", "COUNTRY", "TITLE", "DOC", "EVENT")

# Written with at least one capital, as a whole word (a trailing dot allowed).
ABBREVIATIONS: dict[str, str] = {
    "BĐBP": "bộ đội biên phòng",
    "BP": "biên phòng",
    "ĐBP": "đồn biên phòng",
    "BCH": "bộ chỉ huy",
    "BCHQS": "bộ chỉ huy quân sự",
    "BTL": "bộ tư lệnh",
    "CKQT": "cửa khẩu quốc tế",
    "CK": "cửa khẩu",
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "CA": "công an",
    "TP": "thành phố",
    "TX": "thị xã",
    "TT": "thị trấn",
    "HCM": "hồ chí minh",
    "TPHCM": "thành phố hồ chí minh",
    "QĐND": "quân đội nhân dân",
    "CHDCND": "cộng hòa dân chủ nhân dân",
    "CHND": "cộng hòa nhân dân",
    "CHXHCN": "cộng hòa xã hội chủ nghĩa",
}

COUNTRY_ALIASES: dict[str, str] = {
    "việt": "việt nam",
    "vn": "việt nam",
    "trung": "trung quốc",
    "trung hoa": "trung quốc",
    "tq": "trung quốc",
    "camphuchia": "campuchia",
    "cam pu chia": "campuchia",
    "căm pu chia": "campuchia",
    "cambodia": "campuchia",
    "laos": "lào",
    "thái": "thái lan",
}
_STATE_TITLES = ("cộng hòa xã hội chủ nghĩa", "cộng hòa dân chủ nhân dân", "cộng hòa nhân dân", "vương quốc", "nhà nước", "nước")
_GATE_GRADES = ("quốc tế", "quốc gia", "chính", "phụ", "song phương")
_GATE_WORDS = ("cửa khẩu", "lối mở", "đường mòn", "cặp cửa khẩu", "bến")
# Cities governed as provinces: "thành phố Hà Nội" = "Hà Nội"; elsewhere "thành phố Lào Cai" (the city)
# is not "tỉnh Lào Cai" = "Lào Cai" (the province).
_CENTRAL_CITIES = ("hà nội", "hải phòng", "đà nẵng", "hồ chí minh", "cần thơ")
_CITY_WORD = re.compile(r"\bthành phố (?=(?:" + "|".join(_CENTRAL_CITIES) + r")\b)")
# A key ending in one of these (or equal to a bare unit word) names no one body by itself.
_LEVEL_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "thôn", "bản", "địa phương")
_BARE_NAMES = frozenset({"đồn", "đồn biên phòng", "công an", "ủy ban nhân dân", "hội đồng nhân dân", "bộ chỉ huy", "bộ chỉ huy quân sự",
                         "tổ công tác", "chính quyền", "hải quan", "trạm kiểm soát biên phòng", "đồn công an", "chi cục hải quan", "đội",
                         "phòng", "cục", "sở", "trung tâm", "ban chỉ huy", "bộ chỉ huy bộ đội biên phòng", "bộ chỉ huy biên phòng"})
# A sub-unit ("Phòng Phòng chống ma túy và tội phạm", "Đội Đặc nhiệm") exists in every province: it names
# one body only with its parent or place ("... Bộ đội Biên phòng tỉnh Quảng Ninh", "Ban Chỉ huy An ninh tỉnh Hủa Phăn").
_SUB_UNITS = ("phòng", "đội", "ban", "tổ", "trạm", "tiểu ban", "tiểu đoàn", "đại đội")
_PARENT = re.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|bộ đội biên phòng|biên phòng|công an|hải quan|đồn|cửa khẩu|quân khu|bộ) \S")

# A counted group of units ("Năm đồn Biên phòng", "các đồn") is not one body across documents.
_COUNT_WORDS = frozenset("một hai ba bốn năm sáu bảy tám chín mười các những nhiều".split())
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_OPEN_GLIDE = re.compile(r"(?<![qQ])([oO][aAeE]|[uU][yY])$")
_LOOKALIKES = str.maketrans({"Ð": "Đ", "Ɖ": "Đ", "ð": "đ", "\u00a0": " ", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_PUNCT = re.compile(r"[\"'“”‘’«»()\[\],;:!?]+")


def tone_first(syllable: str) -> str:
    """Move the tone of an open ``oa``/``oe``/``uy`` syllable to its first vowel: ``hoá`` -> ``hóa``."""
    d = unicodedata.normalize("NFD", syllable)
    tones = [c for c in d if c in _TONES]
    if len(tones) != 1 or not d.endswith(tones[0]):
        return syllable
    base = "".join(c for c in d if c not in _TONES)
    m = _OPEN_GLIDE.search(base)
    if not m:
        return syllable
    i = m.start() + 1
    return unicodedata.normalize("NFC", base[:i] + tones[0] + base[i:])


def _words(text: str) -> list[str]:
    """Words of ``text`` with abbreviations spelt out (case kept for what is not expanded)."""
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    text = re.sub(r"\b(TP|Tp|TX|Tx)\.(?=\w)", r"\1. ", text)  # "TP.HCM" -> "TP. HCM"
    text = _PUNCT.sub(" ", text)
    text = re.sub(r"[-–—/]", " ", text)
    out: list[str] = []
    for word in text.split():
        bare = word.rstrip(".")
        if not bare:
            continue
        full = ABBREVIATIONS.get(bare.upper()) if bare != bare.lower() else None
        out.extend(full.split() if full else [bare])
    return out


def _strip_prefix(key: str, prefixes: Iterable[str]) -> str:
    for p in prefixes:
        if key.startswith(p + " "):
            return key[len(p) + 1 :]
    return key


def _gate(key: str) -> str:
    """``cửa khẩu quốc tế hữu nghị`` / ``hữu nghị`` -> ``cửa khẩu hữu nghị``."""
    for grade in _GATE_GRADES:
        key = key.replace(f"cửa khẩu {grade} ", "cửa khẩu ")
    if not any(key == w or key.startswith(w + " ") for w in _GATE_WORDS):
        key = "cửa khẩu " + key
    return key


@lru_cache(maxsize=200_000)
def canonical_key(text: str, label: str) -> str:
    """The comparison key of a mention: same label and key means the same entity.

    Examples
    --------
    >>> canonical_key("BĐBP Lạng Sơn", "ORG") == canonical_key("Bộ đội Biên phòng tỉnh Lạng Sơn", "ORG")
    True
    >>> canonical_key("CKQT Hữu Nghị", "GATE")
    'cửa khẩu hữu nghị'
    """
    key = " ".join(tone_first(w).lower() for w in _words(text))
    if label in ("ORG", "LOC"):
        key = _CITY_WORD.sub("", re.sub(r"\btỉnh (?=\S)", "", key))
    if label == "ORG":
        key = re.sub(r"^bộ chỉ huy (?=bộ đội biên phòng \S)", "", key)
        key = re.sub(r"cửa khẩu (?:quốc tế|quốc gia|chính|phụ) ", "cửa khẩu ", key)
    elif label == "GATE":
        key = _gate(key)
    elif label == "COUNTRY":
        for _ in range(2):
            key = _strip_prefix(key, _STATE_TITLES)
        key = COUNTRY_ALIASES.get(key, key)
    elif label == "MARKER":
        key = re.sub(r"\b(?:quốc giới|số) ", "", key)
    return key


def is_local(key: str, label: str, text: str = "") -> bool:
    """True when a name does not say which body it is ("UBND tỉnh", "Đồn Biên phòng", a
    sub-unit without its parent or place): one entity per document. ``text`` is the mention
    as written (the key has lost "tỉnh"); without it the key is read."""
    if label == "PER":
        return len(key.split()) < 2  # a lone given name ("Nhất")
    if label not in ("ORG", "LOC", "GATE"):
        return False
    first = key.split(" ", 1)[0]
    if label == "ORG" and (first in _COUNT_WORDS or first.isdigit()):
        return True
    if label == "ORG" and any(key.startswith(u + " ") for u in _SUB_UNITS):
        written = " ".join(w.lower() for w in _words(text)) if text else key
        rest = written.split(" ", 1)[1] if " " in written else ""
        return not _PARENT.search(rest)
    if key in _BARE_NAMES or key.replace("cửa khẩu ", "", 1) in ("", "cửa khẩu"):
        return True
    return any(key == w or key.endswith(" " + w) for w in _LEVEL_WORDS)


def entity_id(text: str, label: str, doc_id: str = "") -> str | None:
    """The entity id of a mention: ``LABEL:key``, with ``@doc_id`` for local names; None for DATE/QUANTITY."""
    if label not in ENTITY_LABELS:
        return None
    key = canonical_key(text, label)
    if not key:
        return None
    return f"{label}:{key}@{doc_id}" if is_local(key, label, text) else f"{label}:{key}"


def resolve_document(mentions: list[tuple[str, str]], doc_id: str = "") -> list[str | None]:
    """Entity ids for the ``(text, label)`` mentions of one document, with the in-document rules.

    A PER mention of one or two syllables that equals the last syllables of exactly one
    longer person name in the same document gets that person's id.
    """
    ids = [entity_id(text, label, doc_id) for text, label in mentions]
    persons = [canonical_key(text, "PER") if label == "PER" else "" for text, label in mentions]
    full_names = {key for key in persons if len(key.split()) >= 3}
    for n, key in enumerate(persons):
        if key and len(key.split()) <= 2:
            owners = [f for f in full_names if f.endswith(" " + key)]
            if len(owners) == 1:
                ids[n] = entity_id(owners[0], "PER", doc_id)
    return ids
