"""Vietnamese word segmentation with underthesea as a spaCy tokenizer.

underthesea rewrites what it segments (tone placement, spacing), so its words
are aligned back onto the caller's string here: ``Doc.text`` is always the
input, and a multi-syllable word ("Biên phòng") is one token with a space inside.
Where a word cannot be aligned, the rest of that line falls back to a
syllable-and-punctuation tokenizer, so no text is ever lost or moved.

Cost: ``extract`` hands the tokenizer text it has already made canonical, which
:func:`~borderie.cleaning.clean_text` recognizes with one regular-expression
match, so a document is cleaned once. Segmentation is underthesea's model run by
:class:`~borderie.pipeline.segmenter.CRFSegmenter` (the same words as
``underthesea.word_tokenize``, about four times faster), once per line or per
2,000-character chunk of a longer line.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Callable, Iterable

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..cleaning import clean_text, is_invisible

_FALLBACK = re.compile(r"\d+(?:[.,]\d+)+|[\w\u0300-\u036f]+(?:['’][\w\u0300-\u036f]+)*|[^\w\s]", re.UNICODE)
_LINE = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x85]+")
# underthesea is quadratic-ish on very long lines: segment at most this many characters at once.
_MAX_CHUNK = 2000
# doc.user_data key under which the tokenizer leaves the text it was given, so later
# components need not rebuild it from the tokens (see :func:`doc_text`)
TEXT_KEY = "borderie.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, from the tokenizer's copy when it is still the Doc's text."""
    text = doc.user_data.get(TEXT_KEY)
    if isinstance(text, str) and len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        return text
    return doc.text


def _key(s: str) -> str:
    """Comparison key that ignores tone placement, case and composition."""
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).casefold()


def _default_segmenter() -> Callable[[str], list[str]]:
    from .segmenter import load_segmenter

    return load_segmenter()


def _chunks(line: str) -> Iterable[tuple[int, str]]:
    """Split an over-long line at sentence punctuation or spaces."""
    start = 0
    while len(line) - start > _MAX_CHUNK:
        window = line[start : start + _MAX_CHUNK]
        cut = max(window.rfind(". "), window.rfind("; "), window.rfind(", "))
        if cut < _MAX_CHUNK // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = _MAX_CHUNK - 1
        yield start, line[start : start + cut + 1]
        start += cut + 1
    yield start, line[start:]


def align_words(text: str, words: list[str], offset: int = 0, *, refine: bool = True) -> tuple[list[tuple[int, int]], int]:
    """Align segmenter words to ``text``.

    Returns the token spans (shifted by ``offset``) and the position in ``text``
    where alignment stopped (``len(text)`` when every word aligned). With
    ``refine`` a word may become several tokens (see ``refine_span``); without it
    there is exactly one span per aligned word, from its first to its last syllable.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    for word in words:
        p = pos
        while p < n and text[p].isspace():
            p += 1
        if word and text.startswith(word, p) and " ".join(word.split()) == word:
            # the common case, the word as it stands in the text: the same spans as
            # the syllable-by-syllable alignment below, found in one comparison
            q = p + len(word)
            if refine:
                spans.extend((offset + a, offset + b) for a, b in refine_span(text, p, q))
            else:
                spans.append((offset + p, offset + q))
            pos = q
            continue
        syl_spans: list[tuple[int, int]] = []
        for syl in word.split():
            while p < n and text[p].isspace():
                p += 1
            q = p + len(syl)
            if not (text.startswith(syl, p) or _key(text[p:q]) == _key(syl)):
                return spans, pos
            syl_spans.append((p, q))
            p = q
        if not syl_spans:
            continue
        joined = all(text[a_end:b_start] == " " for (_, a_end), (b_start, _) in zip(syl_spans, syl_spans[1:]))
        if not refine:
            spans.append((offset + syl_spans[0][0], offset + syl_spans[-1][1]))
        elif joined:
            spans.extend((offset + a, offset + b) for a, b in refine_span(text, syl_spans[0][0], syl_spans[-1][1]))
        else:  # a word may only join syllables separated by one plain space
            spans.extend((offset + a, offset + b) for a, b in syl_spans)
        pos = p
    return spans, pos


_PIECE = re.compile(r"[^\s\-–—/]+|[\-–—/]")
_SPLITS = re.compile(r"[\s\-–—/]")


def _case_class(piece: str) -> str:
    ch = piece[0]
    if ch.isupper():
        return "upper"
    if ch.isalpha():
        return "lower"
    return piece  # digits and punctuation never join another piece


def refine_span(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a segmenter word where a name can begin or end inside it.

    underthesea sometimes joins a proper name with the next common word
    ("Tuyên Quang hợp") or keeps "Việt Nam-Lào" as one word; entities start
    and end at such points, so words are cut at hyphens and slashes and where
    syllables change between capitalized and lower-case.
    """
    if end <= start:
        return []
    if _SPLITS.search(text, start, end) is None:  # one syllable: nothing to cut
        return [(start, end)]
    pieces = [(start + m.start(), start + m.end()) for m in _PIECE.finditer(text[start:end])]
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        if out:
            pa, pb = out[-1]
            prev_piece = text[pa:pb].split(" ")[-1]
            if text[pb:a] == " " and _case_class(prev_piece) == _case_class(text[a:b]) and _case_class(prev_piece) in ("upper", "lower"):
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


def _merge_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlaps joined: a segmenter word and a fallback token that
    share characters (odd combining marks, e.g. "Ướ́c") become one token."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if b <= a:
            continue
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class WordTokenizer:
    """spaCy tokenizer: underthesea word segmentation aligned to the input text."""

    def __init__(self, vocab: Vocab, *, segment: bool = True, segmenter: Callable[[str], list[str]] | None = None):
        self.vocab = vocab
        self.segment = segment
        self._segmenter = segmenter

    @property
    def segmenter(self) -> Callable[[str], list[str]]:
        if self._segmenter is None:
            self._segmenter = _default_segmenter()
        return self._segmenter

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the tokens of ``text`` (whitespace excluded).

        Segmentation runs on the canonical form of the text (NFC, invisible
        characters dropped), so NFD input or a stray zero-width space gives the
        same token boundaries; spans are mapped back to ``text``.
        """
        clean = clean_text(text)  # one regular-expression match when text is already canonical
        spans = self._clean_spans(clean.text)
        if clean.is_identity:
            return spans
        out = []
        for s, e in spans:
            s, e = clean.to_original(s, e)
            while e < len(text) and is_invisible(text[e]):  # "Sơn\u200b trao": no token of its own
                e += 1
            out.append((s, e))
        return _merge_overlaps(out)

    def _clean_spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for line in _LINE.finditer(text):
            for cstart, chunk in _chunks(line.group()):
                base = line.start() + cstart
                done = 0
                if self.segment and chunk.strip():
                    try:
                        words = self.segmenter(chunk)
                    except Exception:  # underthesea failure on odd input: fall back, never crash
                        words = []
                    aligned, done = align_words(chunk, words, base)
                    spans.extend(aligned)
                for m in _FALLBACK.finditer(chunk, done):
                    spans.append((base + m.start(), base + m.end()))
        return _merge_overlaps(spans)

    def __call__(self, text: str) -> Doc:
        if not isinstance(text, str):
            raise TypeError(f"WordTokenizer expects a str, got {type(text).__name__}")
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for start, end in self.token_spans(text) + [(len(text), len(text))]:
            gap = text[pos:start]
            if gap:
                if words and gap[0] == " ":
                    spaces[-1] = True
                    gap = gap[1:]
                if gap:
                    words.append(gap)
                    spaces.append(False)
            if end > start:
                words.append(text[start:end])
                spaces.append(False)
            pos = end
        # guarded invariant, checked on the strings (doc.text rebuilds them token by token)
        assert "".join(w + " " if sp else w for w, sp in zip(words, spaces)) == text, "tokenizer lost or moved text"
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # serialization: the only state is a flag; the segmenter ships in underthesea's wheel
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return json.dumps({"segment": self.segment}).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "WordTokenizer":
        self.segment = bool(json.loads(data.decode("utf-8")).get("segment", True))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "WordTokenizer":
        return self.from_bytes((Path(path) / "cfg.json").read_bytes())
