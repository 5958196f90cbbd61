"""Running a pipeline over gold documents: shared by training (model card scores)
and evaluation, below both of them."""

from __future__ import annotations

from typing import Iterable, Sequence

from .schema import Document


def gold_spacy_doc(nlp, document: Document):
    """Tokenize a gold document and set its entities; returns (Doc, entity index map).

    Gold entities whose edges fall inside a token are marked missing (not
    outside) so the recognizer is not taught a wrong boundary; the map gives,
    for each gold entity id, its index in ``doc.ents`` (absent when unaligned).
    """
    doc = nlp.make_doc(document.text)
    for name, proc in nlp.pipeline:
        if name == "borderie_sentencizer":
            doc = proc(doc)
    spans, missing = [], []
    for ent in sorted(document.entities, key=lambda e: e.start):
        span = doc.char_span(ent.start, ent.end, label=ent.label)
        if span is None:
            wide = doc.char_span(ent.start, ent.end, alignment_mode="expand")
            if wide is not None:
                missing.append(wide)
            continue
        spans.append((ent.id, span))
    taken = set()
    for _, s in spans:
        taken.update(range(s.start, s.end))
    from spacy.util import filter_spans

    missing = [m for m in filter_spans(missing) if not taken.intersection(range(m.start, m.end))]
    doc.set_ents([s for _, s in spans], missing=missing, default="outside")
    index = {eid: k for k, (eid, _) in enumerate(spans)}
    return doc, index


def with_gold_entities(gold: Document, relations: Iterable) -> Document:
    """A prediction made on gold entities: gold's entities with the given relations."""
    return Document(id=gold.id, text=gold.text, meta=dict(gold.meta), entities=list(gold.entities), relations=list(relations))


def predict_documents(nlp, documents: Sequence[Document], *, gold_entities: bool = False, progress: bool = False) -> list[Document]:
    """Run ``nlp`` over gold texts; with ``gold_entities`` only relations are predicted.
    ``progress`` shows a progress bar on stderr."""
    from tqdm import tqdm

    from .api import extract_many

    desc = "relations on gold entities" if gold_entities else "borderie"
    if not gold_entities:
        records = ({"text": d.text, "id": d.id, "meta": d.meta} for d in documents)
        return list(tqdm(extract_many(records, nlp=nlp), desc=desc, total=len(documents), unit="doc", disable=not progress))
    from .schema import Relation

    out = []
    rel = nlp.get_pipe("borderie_relations")
    for d in tqdm(documents, desc=desc, unit="doc", disable=not progress):
        doc, index = gold_spacy_doc(nlp, d)
        doc._.meta = d.meta
        ids = {k: eid for eid, k in index.items()}
        rels = [
            Relation(f"R{n + 1}", r["label"], ids[r["head"]], ids[r["tail"]], {role: ids[a] for role, a in r["args"].items()}, {"score": r["score"]})
            for n, r in enumerate(rel.predict(doc))
        ]
        out.append(with_gold_entities(d, rels))
    return out
