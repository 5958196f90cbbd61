"""A canonical form of the caller's text, with a map back to its offsets.

``extract`` runs the model on :func:`clean_text` output, so NFD input, tabs,
runs of spaces, CRLF, zero-width and control characters give the same entities
as clean NFC text; every predicted span is then mapped back with
:meth:`CleanText.to_original`, so offsets always index the caller's string.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Characters dropped from the canonical form: zero-width, BOM, soft hyphen, bidi marks.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
_NEWLINES = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")


def _kind(ch: str) -> str:
    """'drop', 'nl' (line break), 'sp' (other whitespace) or 'ch' (kept)."""
    if ch in _INVISIBLE:
        return "drop"
    if ch in _NEWLINES:
        return "nl"
    if ch.isspace():
        return "sp"
    if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
        return "drop"
    return "ch"


@dataclass(frozen=True)
class CleanText:
    """``text`` is the canonical form; ``starts[i]``/``ends[i]`` give the span of
    the caller's string that produced ``text[i]``."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the canonical text to a span of the original string."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}..{end} is outside the canonical text of {len(self.text)} characters")
        return self.starts[start], self.ends[end - 1]


def clean_text(original: str) -> CleanText:
    """NFC, invisible and control characters dropped, whitespace runs folded.

    A whitespace run that holds a line break becomes one ``"\\n"``, any other run
    one space; leading and trailing whitespace is removed. The result depends only
    on the text as a reader sees it, not on its encoding details.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
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
        # a visible character: take it with its combining marks, compose to NFC
        j = i + 1
        while j < n and (unicodedata.combining(original[j]) or original[j] in _INVISIBLE):
            j += 1
        cluster = "".join(c for c in original[i:j] if c not in _INVISIBLE)
        if pending_ws is not None:
            if out:
                out.append("\n" if pending_ws == "nl" else " ")
                starts.append(ws_start)
                ends.append(i)
            pending_ws = None
        composed = unicodedata.normalize("NFC", cluster)
        for c in composed:
            out.append(c)
            starts.append(i)
            ends.append(j)
        i = j
    return CleanText(original, "".join(out), tuple(starts), tuple(ends))
