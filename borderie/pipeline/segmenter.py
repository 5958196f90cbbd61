"""underthesea's word segmenter, decoded here: the same model, the same words, less time.

``underthesea.word_tokenize`` runs its CRF in three steps: a regular-expression
tokenizer (syllables and punctuation), a featurizer that writes 43 feature strings
for every syllable (the syllable and its neighbours, their lower case, digits, title
case and dictionary look-ups), and a tagger that reads those strings back. The
featurizer is most of its time: it builds about 5 million strings for 170,000 words.

:class:`CRFSegmenter` reads the same model file from underthesea's wheel (a
CRFsuite model: weights per feature string and label, and label transitions) and the
same dictionary, and scores a line without writing those strings: the templates that
look at one syllable are summed once per distinct syllable (a bounded cache), the
templates over pairs and triples of syllables are looked up once per window in tables
that hold every template's weight for that text, and the flags (digits, title case,
dictionary) are added as arrays. Viterbi decoding over the two labels (B-W, I-W)
follows CRFsuite, ties included. About four times faster than ``word_tokenize`` on
real news. The output is underthesea's own, word for word: ``tests/test_segmenter.py`` compares
the two on real news, and :func:`load_segmenter` falls back to
``underthesea.word_tokenize`` when the model file is missing or not the one this
decoder knows (another underthesea release).
"""

from __future__ import annotations

import functools
import re
import struct
from pathlib import Path
from typing import Callable

import numpy as np

# the model this decoder was written for, inside underthesea's wheel
MODEL_DIR = ("pipeline", "word_tokenize", "models", "ws_crf_vlsp2013_20230727")
# the featurizer's templates, in the model's own notation (features.bin); checked at load
TEMPLATES = (
    "T[-2]", "T[-1]", "T[0]", "T[1]", "T[2]",
    "T[-2,-1]", "T[-1,0]", "T[0,1]", "T[1,2]", "T[-2,0]", "T[-1,1]", "T[0,2]",
    "T[-2].lower", "T[-1].lower", "T[0].lower", "T[1].lower", "T[2].lower",
    "T[-2,-1].lower", "T[-1,0].lower", "T[0,1].lower", "T[1,2].lower",
    "T[-1].isdigit", "T[0].isdigit", "T[1].isdigit",
    "T[-2].istitle", "T[-1].istitle", "T[0].istitle", "T[1].istitle", "T[2].istitle", "T[0,1].istitle", "T[0,2].istitle",
    "T[-2].is_in_dict", "T[-1].is_in_dict", "T[0].is_in_dict", "T[1].is_in_dict", "T[2].is_in_dict",
    "T[-2,-1].is_in_dict", "T[-1,0].is_in_dict", "T[0,1].is_in_dict", "T[1,2].is_in_dict",
    "T[-2,0].is_in_dict", "T[-1,1].is_in_dict", "T[0,2].is_in_dict",
)
LABELS = ("B-W", "I-W")
# size of the per-syllable caches (functools.lru_cache)
CACHE_SIZE = 200_000

_OFFSETS = (-2, -1, 0, 1, 2)
_PAIRS = ((-2, -1), (-1, 0), (0, 1), (1, 2))
_TRIPLES = ((-2, 0), (-1, 1), (0, 2))


_ZERO = (0.0, 0.0)
# what underthesea's featurizer calls a number: an i32, as Rust's str::parse reads one
_I32 = re.compile(r"[+-]?[0-9]+")


def _isdigit(word: str) -> bool:
    return _I32.fullmatch(word) is not None and -(2**31) <= int(word) < 2**31


def _istitle(text: str) -> bool:
    """underthesea's title case: every space-separated part starts with a character
    that upper-casing leaves alone ("UBND", "9/6" and "," are title case)."""
    return all(part[:1].upper() == part[:1] for part in text.split(" "))


class ModelFormatError(ValueError):
    """The segmentation model is not the CRFsuite file this decoder reads."""


def read_crfsuite(path: str | Path) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Labels, attribute strings, state weights (attributes x labels) and transition
    weights (labels x labels) of a CRFsuite model file (``lCRF`` / ``FOMC`` v100)."""
    data = Path(path).read_bytes()
    if len(data) < 48:
        raise ModelFormatError(f"{path}: {len(data)} bytes, too short for a CRFsuite model")
    magic, size, kind, version, _, n_labels, n_attrs, off_feat, off_labels, off_attrs, _, _ = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
    if magic != b"lCRF" or kind != b"FOMC" or version != 100 or size != len(data):
        raise ModelFormatError(f"{path}: not a CRFsuite 1st-order model (magic {magic!r}, type {kind!r}, version {version})")
    chunk, _, n_feat = struct.unpack_from("<4sII", data, off_feat)
    if chunk != b"FEAT":
        raise ModelFormatError(f"{path}: no feature chunk at offset {off_feat}")
    feats = np.frombuffer(data, dtype=np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")]), count=n_feat, offset=off_feat + 12)

    def strings(offset: int, expected: int) -> list[str]:
        chunk, _, _, _, n, bwd = struct.unpack_from("<4sIIIII", data, offset)
        if chunk != b"CQDB" or n != expected:
            raise ModelFormatError(f"{path}: string table at {offset} is not a CQDB of {expected} entries")
        out = []
        for i, rec in enumerate(np.frombuffer(data, "<u4", count=n, offset=offset + bwd).tolist()):
            rid, ksize = struct.unpack_from("<II", data, offset + rec)
            if rid != i:
                raise ModelFormatError(f"{path}: string table entry {i} is numbered {rid}")
            out.append(data[offset + rec + 8 : offset + rec + 7 + ksize].decode("utf-8"))
        return out

    labels = strings(off_labels, n_labels)
    attrs = strings(off_attrs, n_attrs)
    state = np.zeros((n_attrs, n_labels))
    trans = np.zeros((n_labels, n_labels))
    s = feats[feats["type"] == 0]
    t = feats[feats["type"] == 1]
    if len(s) + len(t) != n_feat:
        raise ModelFormatError(f"{path}: feature types other than state (0) and transition (1)")
    np.add.at(state, (s["src"].astype(np.int64), s["dst"].astype(np.int64)), s["w"])
    np.add.at(trans, (t["src"].astype(np.int64), t["dst"].astype(np.int64)), t["w"])
    return labels, attrs, state, trans


class CRFSegmenter:
    """``underthesea.word_tokenize(text)``, the same words, with cached feature sums.

    Build it with :func:`load_segmenter`, or from a model folder holding underthesea's
    ``models.bin``, ``features.bin`` and ``dictionary.bin``.
    """

    def __init__(self, model_dir: str | Path):
        import joblib  # underthesea saved its template list and dictionary with joblib

        from underthesea.pipeline.text_normalize import token_normalize
        from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
        from underthesea.pipeline.word_tokenize import regex_tokenize

        model_dir = Path(model_dir)
        templates = tuple(joblib.load(model_dir / "features.bin"))
        if templates != TEMPLATES:
            raise ModelFormatError(f"{model_dir}: the model uses other feature templates than this decoder knows")
        labels, attrs, state, trans = read_crfsuite(model_dir / "models.bin")
        if tuple(labels) != LABELS:
            raise ModelFormatError(f"{model_dir}: labels {labels}, expected {list(LABELS)}")
        self._dictionary = frozenset(joblib.load(model_dir / "dictionary.bin"))
        # underthesea's syllable tokenizer (regex_tokenize.tokenize without fixed words),
        # with each syllable's normalization cached
        self._patterns = re.compile("(" + "|".join(regex_tokenize.regex_patterns) + ")", re.VERBOSE | re.UNICODE)
        self._normalize_text = normalize_characters_in_text
        self._normalize_token = functools.lru_cache(maxsize=CACHE_SIZE)(token_normalize)
        # (B-W, I-W) weights of every feature the model knows, by template and value
        self._by_template: dict[str, dict[str, tuple[float, float]]] = {}
        for attr, (b, i) in zip(attrs, state.tolist()):
            template, _, value = attr.partition("=")
            self._by_template.setdefault(template, {})[value] = (b, i)
        self._trans = trans.tolist()
        self._unigram_cached = functools.lru_cache(maxsize=CACHE_SIZE)(self._unigram)
        # per window size: tables of the text and lower-case templates, and the weights of
        # the flag templates (True, False) per template
        self._tables = {}
        for templates in (_PAIRS, _TRIPLES):
            flags = {}
            for flag in ("is_in_dict", "istitle"):
                yes, no = np.zeros((len(templates), 2)), np.zeros((len(templates), 2))
                for col, (a, b) in enumerate(templates):
                    yes[col] = self._w(f"T[{a},{b}].{flag}", "True")
                    no[col] = self._w(f"T[{a},{b}].{flag}", "False")
                flags[flag] = (yes, no)
            self._tables[templates] = (self._window_tables(templates, ""), self._window_tables(templates, ".lower"), flags)
        self._bos, self._eos = self._border("BOS"), self._border("EOS")

    # -- feature sums -------------------------------------------------------

    def _w(self, template: str, value: str) -> tuple[float, float]:
        return self._by_template.get(template, {}).get(value, _ZERO)

    def _sum(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        return np.array([self._w(t, v) for t, v in pairs]).sum(axis=0) if pairs else np.zeros(2)

    def _border(self, word: str) -> dict[str, np.ndarray]:
        """Sums of the features whose template reaches before the line (BOS) or past it (EOS)."""
        out = {}
        for k in _OFFSETS:
            names = [f"T[{k}]", f"T[{k}].lower", f"T[{k}].istitle", f"T[{k}].is_in_dict"] + ([f"T[{k}].isdigit"] if -1 <= k <= 1 else [])
            out[str(k)] = self._sum([(t, word) for t in names])
        for a, b in _PAIRS + _TRIPLES:
            names = [f"T[{a},{b}]", f"T[{a},{b}].is_in_dict"]
            if (a, b) in _PAIRS:
                names.append(f"T[{a},{b}].lower")
            if (a, b) in ((0, 1), (0, 2)):
                names.append(f"T[{a},{b}].istitle")
            out[f"{a},{b}"] = self._sum([(t, word) for t in names])
        return out

    def _unigram(self, word: str) -> np.ndarray:
        """(5, 2): the sums of the one-syllable templates at offsets -2..2 for ``word``."""
        lower = word.lower()
        title = str(_istitle(word))
        in_dict = str(lower in self._dictionary)
        digit = str(_isdigit(word))
        out = np.empty((5, 2))
        for n, k in enumerate(_OFFSETS):
            pairs = [(f"T[{k}]", word), (f"T[{k}].lower", lower), (f"T[{k}].istitle", title), (f"T[{k}].is_in_dict", in_dict)]
            if -1 <= k <= 1:
                pairs.append((f"T[{k}].isdigit", digit))
            out[n] = self._sum(pairs)
        return out

    def _window_tables(self, templates: tuple[tuple[int, int], ...], suffix: str) -> dict[str, np.ndarray]:
        """Window text -> (len(templates), 2) weights of ``T[a,b]<suffix>=text`` for every
        template at once, so a window costs one look-up, not one per template."""
        table: dict[str, np.ndarray] = {}
        for col, (a, b) in enumerate(templates):
            for value, w in self._by_template.get(f"T[{a},{b}]{suffix}", {}).items():
                table.setdefault(value, np.zeros((len(templates), 2)))[col] = w
        return table

    def _windows(self, texts: list[str], lowers: list[str], title: np.ndarray, templates: tuple[tuple[int, int], ...]) -> np.ndarray:
        """(len(texts), len(templates), 2): the sums of the templates over windows of
        two or three syllables (``texts``: the windows joined by spaces; ``title``:
        whether each window is title case)."""
        raw, low, flags = self._tables[templates]
        out = np.zeros((len(texts), len(templates), 2))
        for table, keys in ((raw, texts), (low, lowers)):
            if table:
                get = table.get
                hits = [(j, w) for j, w in enumerate(map(get, keys)) if w is not None]
                if hits:
                    rows, weights = zip(*hits)
                    out[list(rows)] += np.stack(weights)
        in_dict = np.array([x in self._dictionary for x in lowers], dtype=bool)
        yes, no = flags["is_in_dict"]
        out += np.where(in_dict[:, None, None], yes, no)
        yes, no = flags["istitle"]
        out += np.where(title[:, None, None], yes, no)
        return out

    def emissions(self, tokens: list[str]) -> np.ndarray:
        """(n, 2): the summed state weights of B-W and I-W at each syllable."""
        n = len(tokens)
        em = np.zeros((n, 2))
        u = np.stack([self._unigram_cached(t) for t in tokens])
        title = np.array([t[:1].upper() == t[:1] for t in tokens], dtype=bool)
        for col, k in enumerate(_OFFSETS):  # position i sees syllable i+k at offset k
            lo, hi = max(0, -k), min(n, n - k)
            if hi > lo:
                em[lo:hi] += u[lo + k : hi + k, col]
            em[: min(lo, n)] += self._bos[str(k)]
            em[max(hi, lo) :] += self._eos[str(k)]
        lowers = [t.lower() for t in tokens]
        for templates, size in ((_PAIRS, 2), (_TRIPLES, 3)):
            m = n - size + 1  # windows of `size` syllables, window j starting at syllable j
            if m > 0:
                texts = [" ".join(w) for w in zip(*(tokens[d:] for d in range(size)))]
                lows = [" ".join(w) for w in zip(*(lowers[d:] for d in range(size)))]
                titles = np.logical_and.reduce([title[d : d + m] for d in range(size)])
                w = self._windows(texts, lows, titles, templates)
            for col, (a, b) in enumerate(templates):  # position i sees the window starting at i+a
                lo, hi = max(0, -a), min(n, n - b)
                if hi > lo:
                    em[lo:hi] += w[lo + a : hi + a, col]
                em[: min(lo, n)] += self._bos[f"{a},{b}"]
                em[max(hi, lo) :] += self._eos[f"{a},{b}"]
        return em

    def tags(self, tokens: list[str]) -> list[int]:
        """Viterbi labels (0 = B-W, 1 = I-W) of ``tokens``, as CRFsuite decodes them."""
        if not tokens:
            return []
        em = self.emissions(tokens).tolist()
        (t00, t01), (t10, t11) = self._trans
        s0, s1 = em[0]
        back: list[tuple[int, int]] = []
        for e0, e1 in em[1:]:
            a, b = s0 + t00, s1 + t10  # into B-W from B-W / I-W
            c, d = s0 + t01, s1 + t11  # into I-W
            p0, n0 = (0, a) if a >= b else (1, b)
            p1, n1 = (0, c) if c >= d else (1, d)
            back.append((p0, p1))
            s0, s1 = n0 + e0, n1 + e1
        label = 0 if s0 >= s1 else 1
        out = [label]
        for p in reversed(back):
            label = p[label]
            out.append(label)
        out.reverse()
        return out

    def syllables(self, text: str) -> list[str]:
        """``underthesea...regex_tokenize.tokenize(text)``: syllables and punctuation, normalized."""
        return [self._normalize_token(m.group()) for m in self._patterns.finditer(self._normalize_text(text))]

    def __call__(self, text: str) -> list[str]:
        tokens = self.syllables(text)
        words: list[str] = []
        for token, tag in zip(tokens, self.tags(tokens)):
            if tag == 1 and words:
                words[-1] = words[-1] + " " + token
            else:
                words.append(token)
        return words


def model_dir() -> Path:
    """underthesea's word segmentation model folder, inside its installed package."""
    import underthesea

    return Path(underthesea.__file__).parent.joinpath(*MODEL_DIR)


@functools.lru_cache(maxsize=1)
def load_segmenter() -> Callable[[str], list[str]]:
    """The fast decoder of underthesea's segmentation model, or, when the installed
    underthesea ships another model, ``underthesea.word_tokenize`` itself.
    Loaded once per process (about 0.2 s) and shared by every tokenizer."""
    try:
        return CRFSegmenter(model_dir())
    except (OSError, ImportError, ModelFormatError):  # another model, or underthesea reorganized
        from underthesea import word_tokenize

        return word_tokenize
