"""A canonical form of the caller's text, with a map back to its offsets.

``extract`` runs the model on :func:`clean_text` output, so NFD input, tabs,
runs of spaces, CRLF, zero-width, format and control characters give the same
entities as clean NFC text; every predicted span is then mapped back with
:meth:`CleanText.to_original`, so offsets always index the caller's string.

Cleaning is linear in the text and cheap where the text is already clean:
stretches of ordinary characters separated by single spaces or line breaks are
copied in one piece and mapped by one offset, and a text that is already
canonical is recognized by one regular-expression match (the tokenizer relies
on this when ``extract`` hands it text it has cleaned).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

_NEWLINES = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")
# Information separators: whitespace to Python, but never used as such in text.
_SEPARATORS = frozenset("\x1c\x1d\x1e\x1f")
# Invisible characters that are not of category Cf: variation selectors, the combining
# grapheme joiner, Mongolian free variation selectors, Hangul fillers
# (Unicode's Default_Ignorable_Code_Point set, minus its Cf members).
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)
_DROPPED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})


def is_invisible(ch: str) -> bool:
    """True for characters that change nothing a reader sees: format characters
    (category Cf: zero-width space and joiners, BOM, soft hyphen, bidi marks and
    isolates, tag characters), variation selectors and other default-ignorable
    code points. They are dropped from the canonical form and, inside a word,
    never split it."""
    if unicodedata.category(ch) == "Cf":
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _IGNORABLE_RANGES)


def _kind(ch: str) -> str:
    """'drop', 'nl' (line break), 'sp' (other whitespace) or 'ch' (kept)."""
    if ch in _NEWLINES:
        return "nl"
    if ch in _SEPARATORS:
        return "drop"
    if ch.isspace():
        return "sp"
    if unicodedata.category(ch) in _DROPPED_CATEGORIES or is_invisible(ch):
        return "drop"
    return "ch"


def _is_plain(ch: str) -> bool:
    """A character that stands for itself in the canonical form: kept, not a mark,
    not combining and unchanged by NFC."""
    return (
        _kind(ch) == "ch"
        and unicodedata.category(ch)[0] != "M"
        and not unicodedata.combining(ch)
        and unicodedata.normalize("NFC", ch) == ch
    )


@lru_cache(maxsize=1)
def _plain_run() -> re.Pattern[str]:
    """Runs of plain characters joined by single spaces or line breaks: such a run is
    its own canonical form. Built on first use from the Basic Multilingual Plane
    (about 30 ms); other characters take the slower path, which handles every case."""
    ranges: list[list[int]] = []
    for cp in range(0x10000):
        if _is_plain(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    cls = "".join(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges)
    return re.compile(f"[{cls}]+(?:[ \\n][{cls}]+)*")


class CleanText:
    """``text`` is the canonical form of ``original``; :meth:`to_original` maps a
    span of ``text`` to the span of ``original`` that produced it.

    The map is stored as segments of ``text``: a linear segment maps character
    ``c`` to ``original[o + c - s]``; any other segment (a whitespace run folded to
    one character, a cluster of a letter and its marks) maps each of its
    characters to the same original span.
    """

    __slots__ = ("original", "text", "_seg_clean", "_seg_orig", "_seg_end")

    def __init__(self, original: str, text: str, seg_clean: list[int], seg_orig: list[int], seg_end: list[int]):
        self.original = original
        self.text = text
        self._seg_clean = seg_clean  # first canonical index of each segment
        self._seg_orig = seg_orig  # original start of its first character
        self._seg_end = seg_end  # original end of every character, or -1 for a linear segment

    @property
    def is_identity(self) -> bool:
        """True when ``text`` is ``original`` character for character."""
        return self.text is self.original or (len(self._seg_clean) <= 1 and self.text == self.original)

    def _start(self, c: int) -> int:
        k = bisect_right(self._seg_clean, c) - 1
        return self._seg_orig[k] + (c - self._seg_clean[k] if self._seg_end[k] < 0 else 0)

    def _end(self, c: int) -> int:
        k = bisect_right(self._seg_clean, c) - 1
        end = self._seg_end[k]
        return self._seg_orig[k] + c - self._seg_clean[k] + 1 if end < 0 else end

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the canonical text to a span of the original string."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}..{end} is outside the canonical text of {len(self.text)} characters")
        return self._start(start), self._end(end - 1)

    @property
    def starts(self) -> tuple[int, ...]:
        """Original start of every canonical character (built on request)."""
        return tuple(self._start(c) for c in range(len(self.text)))

    @property
    def ends(self) -> tuple[int, ...]:
        """Original end of every canonical character (built on request)."""
        return tuple(self._end(c) for c in range(len(self.text)))

    def __repr__(self) -> str:
        return f"CleanText(text={self.text[:40]!r}{'...' if len(self.text) > 40 else ''}, {len(self._seg_clean)} segments)"


def clean_text(original: str) -> CleanText:
    """NFC, invisible and control characters dropped, whitespace runs folded.

    A whitespace run that holds a line break becomes one ``"\\n"``, any other run
    one space; leading and trailing whitespace is removed. Format characters
    (zero-width, bidi isolates, tags, ...), variation selectors and information
    separators (U+001C-U+001F) are dropped, and never split the word they sit in.
    The result depends only on the text as a reader sees it, not on its encoding
    details.

    Examples
    --------
    >>> clean = clean_text("Lạ\\u2066ng  Sơn\\r\\n")
    >>> clean.text, clean.to_original(0, 8)
    ('Lạng Sơn', (0, 10))
    """
    plain = _plain_run()
    if not original or plain.fullmatch(original):
        return CleanText(original, original, [0], [0], [-1])
    out: list[str] = []
    seg_clean: list[int] = []
    seg_orig: list[int] = []
    seg_end: list[int] = []
    size = 0  # characters in out so far

    def emit(piece: str, start: int, end: int) -> None:
        """Append ``piece``; ``end`` < 0 maps it linearly from ``start``, else all of it to (start, end)."""
        nonlocal size
        if end < 0 and seg_end and seg_end[-1] < 0 and seg_orig[-1] + size - seg_clean[-1] == start:
            pass  # continues the previous linear segment
        else:
            seg_clean.append(size)
            seg_orig.append(start)
            seg_end.append(end)
        out.append(piece)
        size += len(piece)

    pending_ws: str | None = None  # "nl" or "sp" while inside a whitespace run
    ws_start = 0
    i, n = 0, len(original)
    while i < n:
        ch = original[i]
        kind = _kind(ch)
        if kind == "drop":
            i += 1
            continue
        if kind in ("nl", "sp"):
            if pending_ws is None:
                pending_ws, ws_start = kind, i
            elif kind == "nl":
                pending_ws = "nl"
            i += 1
            continue
        if pending_ws is not None:
            if size:
                fold = "\n" if pending_ws == "nl" else " "
                emit(fold, ws_start, -1 if i - ws_start == 1 and original[ws_start] == fold else i)
            pending_ws = None
        # a stretch of plain text is copied as it is, all but its last character,
        # which may carry marks (handled below with the general case)
        m = plain.match(original, i)
        if m is not None and m.end() - i > 1:
            emit(original[i : m.end() - 1], i, -1)
            i = m.end() - 1
        # a visible character with its combining marks, composed to NFC; dropped
        # characters between them do not break the cluster, but do not end it either
        j = end = i + 1
        while j < n:
            if unicodedata.combining(original[j]):
                j = end = j + 1
            elif _kind(original[j]) == "drop":
                j += 1
            else:
                break
        if end == i + 1:
            cluster = original[i]
        else:
            cluster = "".join(c for c in original[i:end] if unicodedata.combining(c) or _kind(c) != "drop")
        composed = unicodedata.normalize("NFC", cluster)
        emit(composed, i, -1 if end == i + 1 and composed == cluster and len(composed) == 1 else end)
        i = end
    return CleanText(original, "".join(out), seg_clean, seg_orig, seg_end)
