"""Corpus statistics: counts per label and relation, distinct names, genres, splits."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

from ..schema import ENTITY_LABELS, RELATION_LABELS, Document, read_jsonl
from ..sentences import sentence_spans


def corpus_files(path: str | Path) -> list[Path]:
    path = Path(path)
    return sorted(path.glob("*.jsonl")) if path.is_dir() else [path]


def read_corpus(path: str | Path) -> list[Document]:
    docs: list[Document] = []
    for f in corpus_files(path):
        docs.extend(read_jsonl(f))
    return docs


def compute_stats(docs: Iterable[Document]) -> dict[str, Any]:
    """Counts a reviewer checks a corpus against (all plain ints, JSON-safe)."""
    docs = list(docs)
    ents: Counter[str] = Counter()
    rels: Counter[str] = Counter()
    distinct: dict[str, set[str]] = defaultdict(set)
    genres: Counter[str] = Counter()
    borders: Counter[str] = Counter()
    splits: Counter[str] = Counter()
    split_ents: dict[str, Counter] = defaultdict(Counter)
    sentences = syllables = 0
    for d in docs:
        genres[str(d.meta.get("genre", "?"))] += 1
        borders[str(d.meta.get("border", "?"))] += 1
        split = str(d.meta.get("split", "?"))
        splits[split] += 1
        sentences += len(sentence_spans(d.text))
        syllables += len(d.text.split())
        for e in d.entities:
            ents[e.label] += 1
            split_ents[split][e.label] += 1
            distinct[e.label].add(e.text)
        for r in d.relations:
            rels[r.label] += 1
    return {
        "documents": len(docs),
        "sentences": sentences,
        "syllables": syllables,
        "entities": {label: ents[label] for label in ENTITY_LABELS},
        "relations": {label: rels[label] for label in RELATION_LABELS},
        "distinct": {label: len(distinct[label]) for label in ENTITY_LABELS},
        "genres": dict(sorted(genres.items())),
        "borders": dict(sorted(borders.items())),
        "splits": dict(sorted(splits.items())),
        "entities_per_split": {s: dict(c) for s, c in sorted(split_ents.items())},
    }
