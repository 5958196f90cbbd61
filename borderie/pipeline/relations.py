"""Relation extraction: a linear classifier over entity pairs in one sentence.

For every ordered pair of entities in a sentence whose labels some relation
allows, :func:`pair_features` describes the pair (entity types, order, distance,
the words between, cue verbs, voice markers such as "do ... trao trả" and
"cho"); a multinomial logistic regression (scikit-learn at training time, plain
numpy at run time) picks a relation label or ``NONE``. A second classifier
attaches arguments (quantity, date, location, event) to each relation found.

Weights are stored as JSON and ``.npy`` arrays (no pickle); predictions land in
``doc._.relations`` as plain dicts whose ``head``/``tail``/``args`` index ``doc.ents``.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..schema import RELATION_SPECS, ROLE_LABELS

NONE = "NONE"
# Label pairs any relation allows, with the relations that allow them.
_PAIR_RELATIONS: dict[tuple[str, str], list[str]] = {}
for _spec in RELATION_SPECS.values():
    for _h in _spec.heads:
        for _t in _spec.tails:
            _PAIR_RELATIONS.setdefault((_h, _t), []).append(_spec.label)

# Cue words by the relation they signal (NFC, lower case, matched on token norms).
CUES: dict[str, tuple[str, ...]] = {
    "return": ("trao trả", "bàn giao", "trục xuất", "tiếp nhận", "nhận lại", "hồi hương", "trả", "giao"),
    "arrest": ("bắt giữ", "bắt quả tang", "bắt", "tạm giữ", "khống chế", "phát hiện", "khởi tố", "triệt phá"),
    "seize": ("thu giữ", "thu", "tịch thu", "tạm giữ", "thu được", "tang vật", "bắt giữ"),
    "process": ("làm thủ tục", "thủ tục", "giải quyết", "kiểm soát", "thông quan", "xuất nhập cảnh", "xuất cảnh", "nhập cảnh"),
    "exchange": ("trao đổi", "thư", "thông tin", "gặp gỡ", "liên lạc"),
    "meet": ("hội đàm", "hội kiến", "gặp", "tiếp", "làm việc", "hội nghị", "họp", "thăm", "chào", "đón", "tiếp đón", "hội ngộ"),
    "lead": ("trưởng đoàn", "dẫn đầu", "làm trưởng đoàn", "do", "chủ trì"),
    "part": ("thuộc", "trực thuộc", "của"),
}
_CUE_OF = {w: k for k, words in CUES.items() for w in words}


def _norm(s: str) -> str:
    return unicodedata.normalize("NFC", s).lower().strip()


def relation(label: str, head: int, tail: int, args: dict[str, int] | None = None, score: float = 1.0) -> dict:
    """A relation of ``doc._.relations``: a plain dict (serializable with the Doc),
    ``head``/``tail``/``args`` values are indices into ``doc.ents``."""
    return {"label": label, "head": head, "tail": tail, "args": dict(args or {}), "score": score}


def _bucket(n: int) -> str:
    for limit in (0, 1, 2, 3, 5, 8, 12, 20, 35):
        if n <= limit:
            return str(limit)
    return "far"


def _words(doc: Doc, start: int, end: int) -> list[str]:
    return [_norm(t.text) for t in doc[start:end] if not t.is_space]


def pair_features(doc: Doc, ents: list[Span], i: int, j: int) -> dict[str, float]:
    """Features of the ordered pair (head ``ents[i]``, tail ``ents[j]``) in one sentence."""
    h, t = ents[i], ents[j]
    first, second = (h, t) if h.start < t.start else (t, h)
    order = "ht" if h.start < t.start else "th"
    pair = f"{h.label_}>{t.label_}"
    between = _words(doc, first.end, second.start)
    n_between_ents = abs(j - i) - 1
    f: dict[str, float] = {
        f"pair={pair}": 1,
        f"pair_order={pair}|{order}": 1,
        f"dist={pair}|{order}|{_bucket(len(between))}": 1,
        f"nents={order}|{_bucket(n_between_ents)}": 1,
    }
    if len(between) <= 25:
        for w in between:
            f[f"bw={w}"] = 1
            f[f"bw_pair={pair}|{order}|{w}"] = 1
            cue = _CUE_OF.get(w)
            if cue:
                f[f"cue_between={pair}|{cue}"] = 1
    else:
        f["far_between"] = 1
    if between:
        f[f"first_between={order}|{between[0]}"] = 1
        f[f"last_between={order}|{between[-1]}"] = 1
        f[f"between_len1={pair}|{order}|{between[0] if len(between) == 1 else '*'}"] = 1
    else:
        f[f"adjacent={pair}|{order}"] = 1
    for e in ents[min(i, j) + 1 : max(i, j)]:
        f[f"ent_between={e.label_}"] = 1
        f[f"ent_between_pair={pair}|{e.label_}"] = 1
    sent = h.sent
    left = _words(doc, max(sent.start, first.start - 3), first.start)
    right = _words(doc, second.end, min(sent.end, second.end + 3))
    for k, w in enumerate(reversed(left)):
        f[f"left{k}={w}"] = 1
    for k, w in enumerate(right):
        f[f"right{k}={w}"] = 1
    if left:
        f[f"left0_pair={pair}|{order}|{left[-1]}"] = 1
    if right:
        f[f"right0_pair={pair}|{order}|{right[0]}"] = 1
    # voice: "X tiếp nhận ... do Y trao trả" — a "do" right before the head
    before_head = _words(doc, max(sent.start, h.start - 2), h.start)
    if "do" in before_head:
        f[f"do_before_head={pair}|{order}"] = 1
    before_tail = _words(doc, max(sent.start, t.start - 2), t.start)
    if "do" in before_tail:
        f[f"do_before_tail={pair}|{order}"] = 1
    if "cho" in before_tail or "cho phía" in " ".join(before_tail):
        f[f"cho_before_tail={pair}|{order}"] = 1
    sent_words = set(_words(doc, sent.start, sent.end))
    for w in sent_words:
        cue = _CUE_OF.get(w)
        if cue:
            f[f"cue_sent={pair}|{cue}"] = 1
    if between[:1] == ["("] or left[-1:] == ["("]:
        f[f"paren={pair}|{order}"] = 1
    f[f"commas={pair}|{order}|{_bucket(between.count(','))}"] = 1
    for ent, role in ((h, "h"), (t, "t")):
        if ent.label_ in ("COUNTRY", "TITLE"):
            f[f"{role}_text={_norm(ent.text)}"] = 1
        # the entity's own neighbourhood: "; phía [Trung Quốc] trao trả ..." makes it a clause subject
        before = _words(doc, max(sent.start, ent.start - 2), ent.start)
        after = _words(doc, ent.end, min(sent.end, ent.end + 2))
        if before:
            f[f"{role}_before={pair}|{before[-1]}"] = 1
        if len(before) == 2:
            f[f"{role}_before2={pair}|{before[0]} {before[1]}"] = 1
        if after:
            f[f"{role}_after={pair}|{after[0]}"] = 1
            cue = _CUE_OF.get(after[0])
            if cue:
                f[f"{role}_after_cue={pair}|{order}|{cue}"] = 1
        f[f"{role}_first={ent.label_}|{_norm(ent[0].text)}"] = 1
        f[f"{role}_last={ent.label_}|{_norm(ent[-1].text)}"] = 1
    f["bias_pair=" + pair] = 1
    return f


def arg_features(doc: Doc, ents: list[Span], rel_label: str, h: int, t: int, role: str, a: int) -> dict[str, float]:
    """Features for attaching ``ents[a]`` as ``role`` of the relation (h, t)."""
    arg, head, tail = ents[a], ents[h], ents[t]
    lo, hi = min(head.start, tail.start), max(head.end, tail.end)
    pos = "before" if arg.end <= lo else ("after" if arg.start >= hi else "inside")
    near = min(abs(arg.start - head.end), abs(arg.start - tail.end), abs(head.start - arg.end), abs(tail.start - arg.end))
    same = [k for k, e in enumerate(ents) if e.label_ == arg.label_ and k not in (h, t)]
    rank = sorted(same, key=lambda k: min(abs(ents[k].start - tail.end), abs(ents[k].start - head.end))).index(a)
    key = f"{rel_label}|{role}"
    f: dict[str, float] = {
        f"k={key}": 1,
        f"k_label={key}|{arg.label_}": 1,
        f"k_pos={key}|{pos}": 1,
        f"k_dist={key}|{_bucket(near)}": 1,
        f"k_rank={key}|{min(rank, 3)}": 1,
        f"k_n={key}|{min(len(same), 4)}": 1,
        f"k_pos_rank={key}|{pos}|{min(rank, 3)}": 1,
    }
    words = [_norm(x.text) for x in arg if not x.is_space]
    if words:
        f[f"k_last={key}|{words[-1]}"] = 1
        f[f"k_first={key}|{words[0]}"] = 1
    left = _words(doc, max(arg.sent.start, arg.start - 2), arg.start)
    for w in left:
        f[f"k_left={key}|{w}"] = 1
    # an arg separated from the nearest end by a clause break is less likely
    a_lo, a_hi = (arg.end, min(head.start, tail.start)) if pos == "before" else (max(head.end, tail.end), arg.start)
    gap = _words(doc, a_lo, a_hi) if pos != "inside" else []
    if ";" in gap:
        f[f"k_semicolon={key}"] = 1
    f[f"k_gap={key}|{_bucket(len(gap))}"] = 1
    return f


class LinearModel:
    """Multinomial logistic regression weights in a JSON-safe form."""

    def __init__(self, features: list[str], classes: list[str], coef: np.ndarray, intercept: np.ndarray):
        self.features = features
        self.index = {f: k for k, f in enumerate(features)}
        self.classes = classes
        self.coef = coef.astype(np.float32)
        self.intercept = intercept.astype(np.float32)

    def proba(self, rows: list[dict[str, float]]) -> np.ndarray:
        scores = np.tile(self.intercept, (len(rows), 1)) if len(self.intercept) else np.zeros((len(rows), 0))
        for r, row in enumerate(rows):
            for name, value in row.items():
                k = self.index.get(name)
                if k is not None:
                    scores[r] += self.coef[:, k] * value
        if scores.shape[1] == 1:  # binary model: one column of logits for class 1
            p1 = 1 / (1 + np.exp(-scores[:, 0]))
            return np.stack([1 - p1, p1], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    @classmethod
    def from_sklearn(cls, vectorizer, clf) -> "LinearModel":
        return cls(list(vectorizer.get_feature_names_out()), [str(c) for c in clf.classes_], clf.coef_, clf.intercept_)

    def to_disk(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / "model.json").write_text(json.dumps({"features": self.features, "classes": self.classes}, ensure_ascii=False), encoding="utf-8")
        np.save(path / "coef.npy", self.coef, allow_pickle=False)
        np.save(path / "intercept.npy", self.intercept, allow_pickle=False)

    @classmethod
    def from_disk(cls, path: Path) -> "LinearModel":
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
        coef = np.load(path / "coef.npy", allow_pickle=False)
        intercept = np.load(path / "intercept.npy", allow_pickle=False)
        return cls(meta["features"], meta["classes"], coef, intercept)


def candidate_pairs(ents: list[Span]) -> Iterator[tuple[int, int]]:
    """Ordered pairs of entities (indices into ``ents``) that some relation allows."""
    for i, h in enumerate(ents):
        for j, t in enumerate(ents):
            if i != j and (h.label_, t.label_) in _PAIR_RELATIONS:
                yield i, j


def sentence_groups(doc: Doc) -> Iterator[tuple[int, list[Span]]]:
    """``(offset, entities)`` per sentence; ``offset`` is the index of the first in ``doc.ents``."""
    ents = list(doc.ents)
    k = 0
    if not ents:
        return
    for sent in doc.sents:
        group = []
        start = k
        while k < len(ents) and ents[k].start < sent.end:
            group.append(ents[k])
            k += 1
        if group:
            yield start, group


class RelationExtractor:
    """spaCy component that writes relations (see :func:`relation`) to ``doc._.relations``."""

    def __init__(self, nlp: Language, name: str = "borderie_relations", *, threshold: float = 0.5, arg_threshold: float = 0.5, max_entities: int = 60):
        self.name = name
        self.cfg = {"threshold": threshold, "arg_threshold": arg_threshold, "max_entities": max_entities}
        self.pair_model: LinearModel | None = None
        self.arg_model: LinearModel | None = None

    @property
    def is_trained(self) -> bool:
        return self.pair_model is not None

    def __call__(self, doc: Doc) -> Doc:
        doc._.relations = self.predict(doc)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def predict(self, doc: Doc) -> list[dict]:
        if self.pair_model is None:
            raise ValueError(
                f"The '{self.name}' component has no weights. Train it with `borderie train` "
                "or load a trained model with borderie.load()."
            )
        out: list[dict] = []
        for offset, ents in sentence_groups(doc):
            ents = ents[: self.cfg["max_entities"]]
            pairs = list(candidate_pairs(ents))
            if not pairs:
                continue
            probs = self.pair_model.proba([pair_features(doc, ents, i, j) for i, j in pairs])
            classes = self.pair_model.classes
            for (i, j), p in zip(pairs, probs):
                order = np.argsort(-p)
                for k in order:
                    label = classes[k]
                    if label == NONE:
                        break
                    spec = RELATION_SPECS[label]
                    if ents[i].label_ in spec.heads and ents[j].label_ in spec.tails and p[k] >= self.cfg["threshold"]:
                        args = {r: offset + a for r, a in self._attach(doc, ents, label, i, j).items()}
                        out.append(relation(label, offset + i, offset + j, args, round(float(p[k]), 4)))
                    break
        return out

    def _attach(self, doc: Doc, ents: list[Span], label: str, i: int, j: int) -> dict[str, int]:
        args: dict[str, int] = {}
        if self.arg_model is None:
            return args
        for role in sorted(RELATION_SPECS[label].roles):
            cands = [a for a, e in enumerate(ents) if a not in (i, j) and e.label_ in ROLE_LABELS[role]]
            if not cands:
                continue
            p = self.arg_model.proba([arg_features(doc, ents, label, i, j, role, a) for a in cands])[:, 1]
            best = int(np.argmax(p))
            if p[best] >= self.cfg["arg_threshold"]:
                args[role] = cands[best]
        return args

    # serialization: cfg.json plus the two linear models as JSON + .npy
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_text(json.dumps(self.cfg), encoding="utf-8")
        if self.pair_model is not None:
            self.pair_model.to_disk(path / "pairs")
        if self.arg_model is not None:
            self.arg_model.to_disk(path / "args")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RelationExtractor":
        path = Path(path)
        self.cfg.update(json.loads((path / "cfg.json").read_text(encoding="utf-8")))
        if (path / "pairs").exists():
            self.pair_model = LinearModel.from_disk(path / "pairs")
        if (path / "args").exists():
            self.arg_model = LinearModel.from_disk(path / "args")
        return self
