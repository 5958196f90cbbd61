"""The ``borderie_relations`` spaCy component: pair classifier + argument attacher.

For every ordered pair of entities in a sentence whose labels some relation
allows, :func:`~.features.pair_features` describes the pair; a multinomial
logistic regression picks a relation label or ``NONE``. A second (binary)
classifier attaches arguments (quantity, date, location, event) to each
relation found. Predictions land in ``doc._.relations`` as plain dicts whose
``head``/``tail``/``args`` are indices into ``doc.ents``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from ...schema import RELATION_SPECS, ROLE_LABELS
from .features import SentenceContext, arg_features, doc_norms, pair_features
from .model import LinearModel

NONE = "NONE"
# Events whose partners share them (SCHEMA.md), and the words that join partners.
SHARED_EVENTS = frozenset({"ARRESTED", "SEIZED", "PROCESSED", "RETURNED"})
PARTNER_LINKS = frozenset({"phối hợp với", "phối hợp", "cùng", "cùng với", "và", "với", ","})
PARTNER_WORDS = PARTNER_LINKS | {"lực lượng", "đã", "chủ trì", "chủ trì,", "các", "đơn vị"}
# Label pairs any relation allows, with the relations that allow them.
_PAIR_RELATIONS: dict[tuple[str, str], list[str]] = {}
for _spec in RELATION_SPECS.values():
    for _h in _spec.heads:
        for _t in _spec.tails:
            _PAIR_RELATIONS.setdefault((_h, _t), []).append(_spec.label)


def relation(label: str, head: int, tail: int, args: dict[str, int] | None = None, score: float = 1.0) -> dict:
    """A relation of ``doc._.relations``: a plain dict (serializable with the Doc),
    ``head``/``tail``/``args`` values are indices into ``doc.ents``."""
    return {"label": label, "head": head, "tail": tail, "args": dict(args or {}), "score": score}


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


def sentence_contexts(doc: Doc, max_entities: int | None = None) -> Iterator[tuple[int, SentenceContext]]:
    """``(offset, context)`` per sentence with entities (at most ``max_entities`` each)."""
    norms = doc_norms(doc)
    for offset, ents in sentence_groups(doc):
        yield offset, SentenceContext(doc, norms, ents[:max_entities] if max_entities else ents)


def partner_groups(ctx: SentenceContext, found: dict[tuple[str, int, int], float]) -> list[list[int]]:
    """Groups of units acting together: neighbouring ORG (or COUNTRY) entities joined only
    by "phối hợp với", "cùng", "và", commas and the like ("X phối hợp với Y, Z và W bắt ...").
    A unit followed by its parent ("Đồn X, BĐBP Y": a PART_OF found) is not a partner."""
    parents = {(i, j) for (label, i, j) in found if label == "PART_OF"}
    groups: list[list[int]] = []
    ents = ctx.ents
    for k, e in enumerate(ents):
        if e.label_ not in ("ORG", "COUNTRY"):
            continue
        prev = groups[-1][-1] if groups else None
        if prev is not None and prev == k - 1 and ents[prev].label_ == e.label_ and (prev, k) not in parents and (k, prev) not in parents:
            gap = ctx.words(ents[prev].end, e.start)
            if gap and len(gap) <= 4 and all(w in PARTNER_WORDS for w in gap) and any(w in PARTNER_LINKS for w in gap):
                groups[-1].append(k)
                continue
        groups.append([k])
    return [g for g in groups if len(g) > 1]


def share_partners(ctx: SentenceContext, found: dict[tuple[str, int, int], float]) -> dict[tuple[str, int, int], float]:
    """SCHEMA.md: partners joined by "phối hợp với" / "cùng" share the event. For an event
    relation found for one unit of a partner group, the same relation for the others,
    with the score of the relation they share."""
    out: dict[tuple[str, int, int], float] = {}
    for group in partner_groups(ctx, found):
        for (label, i, j), score in found.items():
            if label not in SHARED_EVENTS or i not in group or j in group:
                continue
            for other in group:
                spec = RELATION_SPECS[label]
                if other != i and ctx.ents[other].label_ in spec.heads:
                    out[(label, other, j)] = max(out.get((label, other, j), 0.0), score)
    return out


def reciprocal_returns(ctx: SentenceContext, found: dict[tuple[str, int, int], float]) -> dict[tuple[str, int, int], float]:
    """GUIDELINES 4.23: "X trao trả cho phía Y ...; phía Y trao trả N ..." - the second clause
    leaves out its receiver, which is the first clause's giver. For a RETURNED(X -> Y) found
    with the giver written first, the RETURNED(Y' -> X) for a later mention Y' of Y (same
    words) that is the subject of a return trigger after a clause break (";") and hands over
    to no one named in its own clause; scored as the relation it mirrors."""
    out: dict[tuple[str, int, int], float] = {}
    ents, norms = ctx.ents, ctx.norms
    starts = {e.start for e in ents}
    for (label, i, j), score in found.items():
        if label != "RETURNED" or not ents[i].start < ents[j].start:
            continue
        receiver = norms[ents[j].start : ents[j].end]
        for k in range(j + 1, len(ents)):
            e = ents[k]
            if norms[e.start : e.end] != receiver or ctx.semicolons(ents[j].end, e.start) == 0:
                continue
            trig = next((tr for tr in ctx.triggers if tr.start >= e.end and ctx.path_cost(e.end, tr.start) <= 1), None)
            if trig is None or trig.type != "return":
                continue
            clause_end = next((x for x in range(trig.end, ctx.end) if norms[x] in (";", ".")), ctx.end)
            # "cho [Z]" or "cho phía [Z]" in the second clause names its own receiver
            named_receiver = any(
                norms[x] == "cho" and (x + 1 in starts or (norms[x + 1 : x + 2] == ["phía"] and x + 2 in starts)) for x in range(trig.end, clause_end)
            )
            if not named_receiver and (label, k, i) not in found:
                out[(label, k, i)] = score
            break
    return out


def role_candidates(ents: list[Span], role: str, i: int, j: int) -> list[int]:
    return [a for a, e in enumerate(ents) if a not in (i, j) and e.label_ in ROLE_LABELS[role]]


class RelationExtractor:
    """spaCy component that writes relations (see :func:`relation`) to ``doc._.relations``."""

    def __init__(self, nlp: Language, name: str = "borderie_relations", *, threshold: float = 0.5, arg_threshold: float = 0.5, max_entities: int = 60, share_partners: bool = True, reciprocal: bool = True):
        self.name = name
        self.cfg = {"threshold": threshold, "arg_threshold": arg_threshold, "max_entities": max_entities, "share_partners": share_partners, "reciprocal": reciprocal}
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
        classes = self.pair_model.classes
        for offset, ctx in sentence_contexts(doc, self.cfg["max_entities"]):
            ents = ctx.ents
            pairs = list(candidate_pairs(ents))
            if not pairs:
                continue
            probs = self.pair_model.proba([pair_features(ctx, i, j) for i, j in pairs])
            found: dict[tuple[str, int, int], float] = {}
            for (i, j), p in zip(pairs, probs):
                k = int(np.argmax(p))
                label = classes[k]
                if label == NONE or p[k] < self.cfg["threshold"]:
                    continue
                spec = RELATION_SPECS[label]
                if ents[i].label_ in spec.heads and ents[j].label_ in spec.tails:
                    found[(label, i, j)] = round(float(p[k]), 4)
            if self.cfg.get("share_partners", True):
                found.update({key: score for key, score in share_partners(ctx, found).items() if key not in found})
            if self.cfg.get("reciprocal", True):
                found.update(reciprocal_returns(ctx, found))
            for (label, i, j), args in zip(found, self._attach(ctx, list(found))):
                out.append(relation(label, offset + i, offset + j, {r: offset + a for r, a in args.items()}, found[(label, i, j)]))
        out.sort(key=lambda r: (r["head"], r["tail"], r["label"]))
        return out

    def _attach(self, ctx: SentenceContext, relations: list[tuple[str, int, int]]) -> list[dict[str, int]]:
        """The arguments of each relation of one sentence: per role, the candidate the
        argument classifier scores highest, if above ``arg_threshold``. All candidates of
        the sentence are scored in one product (each row's score depends on its row only)."""
        attached: list[dict[str, int]] = [{} for _ in relations]
        if self.arg_model is None:
            return attached
        groups: list[tuple[int, str, list[int]]] = []
        rows: list[dict[str, float]] = []
        for n, (label, i, j) in enumerate(relations):
            for role in sorted(RELATION_SPECS[label].roles):
                cands = role_candidates(ctx.ents, role, i, j)
                if cands:
                    groups.append((n, role, cands))
                    rows.extend(arg_features(ctx, label, i, j, role, a) for a in cands)
        if not rows:
            return attached
        probs = self.arg_model.proba(rows)[:, 1]
        start = 0
        for n, role, cands in groups:
            p = probs[start : start + len(cands)]
            start += len(cands)
            best = int(np.argmax(p))
            if p[best] >= self.cfg["arg_threshold"]:
                attached[n][role] = cands[best]
        return attached

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
