"""Compile the authoring sources to schema JSONL with fixed train/dev/test splits."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

from ..schema import Document, write_jsonl
from .authoring import AuthoringError, parse_file, source_files

SPLITS = ("train", "dev", "test")


def _rank(doc_id: str) -> str:
    return hashlib.sha1(doc_id.encode("utf-8")).hexdigest()


def assign_splits(docs: list[Document], dev: float = 0.15, test: float = 0.15) -> dict[str, str]:
    """Split by document, stratified by (batch, genre), from a hash of the id: stable and order-free."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d in docs:
        batch = d.id.split("-")[0]
        groups[(batch, str(d.meta.get("genre")))].append(d.id)
    out: dict[str, str] = {}
    for ids in groups.values():
        ids.sort(key=_rank)
        n = len(ids)
        n_test = max(1, round(n * test)) if n >= 3 else 0
        n_dev = max(1, round(n * dev)) if n >= 3 else 0
        for k, doc_id in enumerate(ids):
            out[doc_id] = "test" if k < n_test else ("dev" if k < n_test + n_dev else "train")
    return out


def compile_corpus(src: str | Path, out_dir: str | Path) -> dict[str, int]:
    """Compile every source file under ``src`` into ``out_dir/{train,dev,test}.jsonl``.

    Raises :class:`AuthoringError` listing every problem if any source is invalid;
    nothing is written then.
    """
    problems: list[str] = []
    docs: list[Document] = []
    seen: dict[str, Path] = {}
    for f in source_files(src):
        parsed = parse_file(f)
        problems.extend(f"{f}: {p}" for p in parsed.problems)
        if parsed.doc.id in seen:
            problems.append(f"{f}: document id {parsed.doc.id!r} also used by {seen[parsed.doc.id]}")
        seen[parsed.doc.id] = f
        docs.append(parsed.doc)
    if problems:
        raise AuthoringError("\n".join(problems))
    splits = assign_splits(docs)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in SPLITS:
        chosen = []
        for d in sorted(docs, key=lambda d: d.id):
            if splits[d.id] == split:
                d.meta["split"] = split
                chosen.append(d)
        counts[split] = write_jsonl(chosen, out_dir / f"{split}.jsonl")
    return counts


def shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
