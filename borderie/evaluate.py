"""Scoring per SCHEMA.md: entities exact and lenient, relations loose and strict.

``score(gold_docs, pred_docs)`` compares two lists of :class:`Document` with the
same texts. Relation counts run over the union of gold and predicted relations,
so a gold relation that was never proposed is a miss. Whether the predicted
relations stand on predicted entities (end to end) or on gold entities is a
property of the predictions; the harness runs both and labels them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from .schema import ENTITY_LABELS, RELATION_LABELS, Document
from .sentences import sentence_spans

# The mission's own relations: what happened at the border, as opposed to who is who
# (HAS_TITLE, LEADS, MEMBER_OF, PART_OF, LOCATED_IN). Reported as their own figure.
EVENT_RELATIONS: tuple[str, ...] = ("RETURNED", "ARRESTED", "SEIZED", "PROCESSED", "EXCHANGED", "MET")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict[str, float]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Scores:
    """Micro and per-label P/R/F1."""

    per_label: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))

    @property
    def micro(self) -> PRF:
        total = PRF()
        for v in self.per_label.values():
            total.add(v)
        return total

    def over(self, labels: Iterable[str]) -> PRF:
        """Micro P/R/F1 over a subset of labels (e.g. :data:`EVENT_RELATIONS`)."""
        total = PRF()
        for label in labels:
            if label in self.per_label:
                total.add(self.per_label[label])
        return total

    def to_dict(self) -> dict[str, Any]:
        return {"micro": self.micro.to_dict(), "per_label": {k: v.to_dict() for k, v in sorted(self.per_label.items())}}


@dataclass
class ErrorCase:
    kind: str  # missed, spurious, wrong_label, wrong_boundary
    doc_id: str
    gold: str | None
    pred: str | None
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Report:
    """Everything the scorer measured; ``to_dict`` is JSON-safe."""

    n_docs: int
    entities_exact: Scores
    entities_lenient: Scores
    relations_loose: Scores
    relations_strict: Scores
    confusion: dict[str, Counter]
    errors: list[ErrorCase]

    def to_dict(self, *, max_errors: int | None = 200) -> dict[str, Any]:
        return {
            "n_docs": self.n_docs,
            "entities": {"exact": self.entities_exact.to_dict(), "lenient": self.entities_lenient.to_dict()},
            "relations": {"loose": self.relations_loose.to_dict(), "strict": self.relations_strict.to_dict()},
            "confusion": {g: dict(c) for g, c in sorted(self.confusion.items())},
            "errors": [e.to_dict() for e in self.errors[:max_errors]],
            "n_errors": len(self.errors),
        }


def _key(doc: Document, eid: str) -> tuple[int, int, str] | None:
    for e in doc.entities:
        if e.id == eid:
            return (e.start, e.end, e.label)
    return None


def _sentence(text: str, sents: list[tuple[int, int]], pos: int) -> str:
    for a, b in sents:
        if a <= pos < b:
            return text[a:b]
    return text[max(0, pos - 80) : pos + 80]


def _rel_keys(doc: Document, strict: bool) -> Counter:
    ents = {e.id: (e.start, e.end, e.label) for e in doc.entities}
    out: Counter = Counter()
    for r in doc.relations:
        if r.head not in ents or r.tail not in ents:
            continue
        args = tuple(sorted((role, ents[eid]) for role, eid in r.args.items() if eid in ents)) if strict else ()
        out[(r.label, ents[r.head], ents[r.tail], args)] += 1
    return out


def _match_relations(gold: Document, pred: Document, strict: bool, scores: Scores) -> None:
    g = _rel_keys(gold, strict)
    if not strict:
        p = _rel_keys(pred, False)
        for key in set(g) | set(p):
            label = key[0]
            tp = min(g[key], p[key])
            scores.per_label[label].tp += tp
            scores.per_label[label].fp += p[key] - tp
            scores.per_label[label].fn += g[key] - tp
        return
    # strict: a prediction is right when label, head and tail match and every gold arg is among its args
    p_full = _rel_keys(pred, True)
    pred_pool: dict[tuple, list[set]] = defaultdict(list)
    for (label, h, t, args), n in p_full.items():
        pred_pool[(label, h, t)].extend([set(args)] * n)
    for (label, h, t, gargs), n in g.items():
        for _ in range(n):
            pool = pred_pool.get((label, h, t), [])
            hit = next((k for k, pargs in enumerate(pool) if set(gargs) <= pargs), None)
            if hit is None:
                scores.per_label[label].fn += 1
            else:
                pool.pop(hit)
                scores.per_label[label].tp += 1
    for (label, _h, _t), pool in pred_pool.items():
        scores.per_label[label].fp += len(pool)


def score(gold_docs: Sequence[Document], pred_docs: Sequence[Document]) -> Report:
    """Score predicted documents against gold documents, per SCHEMA.md.

    Parameters
    ----------
    gold_docs, pred_docs : :class:`~borderie.Document` lists of the same texts, paired by
        id when every prediction has a distinct id, else by position. Predictions are
        typically ``borderie.extract(d.text, doc_id=d.id)`` of each gold document, or
        records read with ``borderie.schema.read_jsonl``.

    Returns
    -------
    Report : ``entities_exact`` (start, end and label equal) and ``entities_lenient``
        (same label, overlapping span, one to one); ``relations_loose`` (label, head
        and tail spans equal) and ``relations_strict`` (also every gold argument);
        each a :class:`Scores` with ``micro`` and ``per_label`` :class:`PRF`
        (``precision``, ``recall``, ``f1``, ``tp``/``fp``/``fn``). Also a confusion
        table and a list of errors; ``to_dict()`` is JSON-safe. Counts run over the
        union of gold and predicted items, so a gold relation never proposed is a miss.

    Raises
    ------
    ValueError : different numbers of documents, or a prediction whose text differs.

    Examples
    --------
    >>> from borderie.schema import read_jsonl
    >>> gold = list(read_jsonl("corpus/test.jsonl"))
    >>> report = borderie.score(gold, [borderie.extract(d.text, doc_id=d.id, meta=d.meta) for d in gold])
    >>> report.entities_exact.micro.f1, report.relations_loose.per_label["RETURNED"].f1
    """
    gold_docs, pred_docs = list(gold_docs), list(pred_docs)
    if len(gold_docs) != len(pred_docs):
        raise ValueError(f"score() got {len(gold_docs)} gold and {len(pred_docs)} predicted documents; pass one prediction per gold document")
    by_id = {d.id: d for d in pred_docs}
    pairs = []
    for k, g in enumerate(gold_docs):
        p = by_id.get(g.id) if g.id and len(by_id) == len(pred_docs) else pred_docs[k]
        if p is None:
            p = pred_docs[k]
        if p.text != g.text:
            raise ValueError(f"document {g.id!r}: the prediction's text differs from the gold text; score predictions of the same texts")
        pairs.append((g, p))

    ex, le, rl, rs = Scores(), Scores(), Scores(), Scores()
    for label in ENTITY_LABELS:
        ex.per_label[label]
        le.per_label[label]
    for label in RELATION_LABELS:
        rl.per_label[label]
        rs.per_label[label]
    confusion: dict[str, Counter] = defaultdict(Counter)
    errors: list[ErrorCase] = []
    for g, p in pairs:
        sents = sentence_spans(g.text)
        gset = Counter((e.start, e.end, e.label) for e in g.entities)
        pset = Counter((e.start, e.end, e.label) for e in p.entities)
        for key in set(gset) | set(pset):
            tp = min(gset[key], pset[key])
            ex.per_label[key[2]].tp += tp
            ex.per_label[key[2]].fp += pset[key] - tp
            ex.per_label[key[2]].fn += gset[key] - tp
        # lenient: same label, overlapping span, one-to-one
        unmatched_p = sorted(pset.elements())
        for gs, ge, gl in sorted(gset.elements()):
            hit = next((k for k, (ps, pe, pl) in enumerate(unmatched_p) if pl == gl and ps < ge and gs < pe), None)
            if hit is None:
                le.per_label[gl].fn += 1
            else:
                unmatched_p.pop(hit)
                le.per_label[gl].tp += 1
        for _, _, pl in unmatched_p:
            le.per_label[pl].fp += 1
        # confusion and error lists
        gspan = {(e.start, e.end): e for e in g.entities}
        pspan = {(e.start, e.end): e for e in p.entities}
        for span, ge in gspan.items():
            pe = pspan.get(span)
            if pe is not None:
                confusion[ge.label][pe.label] += 1
                if pe.label != ge.label:
                    errors.append(ErrorCase("wrong_label", g.id, f"{ge.text} [{ge.label}]", f"{pe.text} [{pe.label}]", _sentence(g.text, sents, ge.start)))
                continue
            confusion[ge.label]["O"] += 1
            over = [e for e in p.entities if e.start < ge.end and ge.start < e.end]
            if over:
                errors.append(ErrorCase("wrong_boundary", g.id, f"{ge.text} [{ge.label}]", "; ".join(f"{e.text} [{e.label}]" for e in over), _sentence(g.text, sents, ge.start)))
            else:
                errors.append(ErrorCase("missed", g.id, f"{ge.text} [{ge.label}]", None, _sentence(g.text, sents, ge.start)))
        for span, pe in pspan.items():
            if span in gspan:
                continue
            confusion["O"][pe.label] += 1
            if not any(e.start < pe.end and pe.start < e.end for e in g.entities):
                errors.append(ErrorCase("spurious", g.id, None, f"{pe.text} [{pe.label}]", _sentence(g.text, sents, pe.start)))
        _match_relations(g, p, False, rl)
        _match_relations(g, p, True, rs)
        for kind, gkeys, pkeys in (("missed_relation", _rel_keys(g, False), _rel_keys(p, False)),):
            for key in gkeys - pkeys:
                errors.append(ErrorCase(kind, g.id, _describe(g, key), None, _sentence(g.text, sents, key[1][0])))
            for key in pkeys - gkeys:
                errors.append(ErrorCase("spurious_relation", g.id, None, _describe(g, key), _sentence(g.text, sents, key[1][0])))
    return Report(len(pairs), ex, le, rl, rs, dict(confusion), errors)


def _describe(doc: Document, key: tuple) -> str:
    label, h, t, _ = key
    return f"{label}({doc.text[h[0]:h[1]]} -> {doc.text[t[0]:t[1]]})"


def evaluate_model(nlp, gold_docs: Sequence[Document], *, baselines: Sequence[str] = (), progress: bool = False) -> dict[str, Any]:
    """Run ``nlp`` on the gold texts and score it (end to end, and relations on gold
    entities), with the named baselines on the full and the coarse label sets.

    ``progress`` shows a progress bar per system on stderr.
    Returns ``{"systems": {name: Report}, "coarse": {name: Report}, "relations_on_gold_entities": Report}``.
    """
    from .baselines import BASELINES, to_coarse
    from .prediction import predict_documents

    unknown = [b for b in baselines if b not in BASELINES]
    if unknown:
        raise ValueError(f"unknown baseline(s) {', '.join(unknown)}; choose from {', '.join(BASELINES)}")
    gold_docs = list(gold_docs)
    preds = {"borderie": predict_documents(nlp, gold_docs, progress=progress)}
    for name in baselines:
        preds[name] = BASELINES[name](gold_docs, progress=progress)
    coarse_gold = [to_coarse(d) for d in gold_docs]
    return {
        "systems": {name: score(gold_docs, p) for name, p in preds.items()},
        "coarse": {name: score(coarse_gold, [to_coarse(d) for d in p]) for name, p in preds.items()},
        "relations_on_gold_entities": score(gold_docs, predict_documents(nlp, gold_docs, gold_entities=True, progress=progress)),
    }
