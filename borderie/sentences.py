"""Sentence boundaries for Vietnamese news text.

A plain function over the original string, so the corpus tools and the
spaCy pipeline share one definition. Boundaries fall at line breaks (headlines,
captions, bullet lines are their own sentences) unless the line goes on with a
lower-case word or the line before ends with a comma or a word that never ends
a sentence (``cho``, ``của``, ``phía``, ...): a sentence wrapped in the middle.
A line ending with the closing mark ``./.`` always ends its sentence. Boundaries
also fall after ``.``, ``!``, ``?``, ``…`` or ``./.`` when whitespace and a capital,
digit, quote or bullet follow. Dots inside numbers (``131.000``, ``9.12``), initials
(``T.T. K.``) and common abbreviations (``TP.``, ``Th.S.``) do not end a sentence.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    {"tp", "tx", "tt", "ths", "ts", "pgs", "gs", "bs", "ks", "ls", "st", "mr", "mrs", "ms", "dr", "no", "số", "q", "p", "h", "v.v", "vv", "đ/c"}
)
# Words that never end a sentence or a headline: a line ending in one goes on in the next line.
_OPEN_ENDED = frozenset({"cho", "tại", "với", "của", "và", "phía", "các", "những", "giữa", "là"})
# End of sentence candidate: terminal punctuation, optional closing quotes/brackets.
_END = re.compile(r"(?:\./\.|\.{3}|[.!?…])[\"'”’»)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+[\"'“‘«(\[\-–—•*+]?\s*[0-9A-ZÀ-ỸĐ]", re.UNICODE)


def _is_upper_start(ch: str) -> bool:
    return ch.isupper() or ch.isdigit()


def _continues(before: str, line: str) -> bool:
    """Whether ``line`` carries on the sentence of the line ``before`` (a line break mid-sentence)."""
    last = (before.rsplit(maxsplit=1) or [""])[-1]
    if last.endswith("./."):
        return False
    if last.endswith(",") or last.lower() in _OPEN_ENDED:
        return True
    word = re.match(r"\s*(\w+)", line)
    return bool(word) and word.group(1)[0].islower() and not any(c.isupper() for c in word.group(1))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the sentences of ``text``.

    Spans exclude surrounding whitespace and never overlap; empty lines give
    no span. ``text[start:end]`` is the sentence as the caller wrote it.
    """
    # blocks of lines joined where a line break falls inside a sentence
    blocks: list[list[int]] = []
    before = ""
    for line in re.finditer(r"[^\n\r\u2028\u2029]+", text):
        if not line.group().strip():
            continue
        if blocks and _continues(before, line.group()):
            blocks[-1][1] = line.end()
        else:
            blocks.append([line.start(), line.end()])
        before = line.group()
    spans: list[tuple[int, int]] = []
    for lstart, lend in blocks:
        body = text[lstart:lend]
        cut = 0
        for m in _END.finditer(body):
            end = m.end()
            if not _NEXT_START.match(body, end):
                continue
            if m.group().startswith(".") and not m.group().startswith("./.") and not m.group().startswith("..."):
                # the word before the dot: initials and abbreviations do not end sentences
                word = re.search(r"([\w/.]+)$", body[cut : m.start()])
                if word:
                    w = word.group(1).lower()
                    if w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()) or re.fullmatch(r"(?:\w\.)+\w", w):
                        continue
            _add(spans, text, lstart + cut, lstart + end)
            cut = end
        _add(spans, text, lstart + cut, lstart + len(body))
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
