"""Compile the authoring sources to schema JSONL with fixed train/dev/test splits."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

from ..schema import Document, write_jsonl
from .authoring import AuthoringError, parse_file, source_files

SPLITS = ("train", "dev", "test")


def _rank(doc_id: str) -> str:
    return hashlib.sha1(doc_id.encode("utf-8")).hexdigest()


def batch_of(doc_id: str) -> str:
    """The authoring batch of a document: its id up to the first "-" (``rw2-handover-03`` → ``rw2``)."""
    return doc_id.split("-")[0]


def load_split_plan(path: str | Path) -> dict[str, list[str]]:
    """Read ``splits.json``: which batches are held out for dev and test.

    ``{"dev": [batches], "test": [batches], "shared": [batches]}``: every document of a
    ``dev``/``test`` batch goes to that split; ``shared`` batches are divided between dev
    and test by document (half each, by a hash of the id, per genre); all other batches
    train. No batch may be named twice.
    """
    path = Path(path)
    if not path.exists():
        raise AuthoringError(f"{path}: no split plan; write one naming the batches held out for dev and test")
    plan = json.loads(path.read_text(encoding="utf-8"))
    out = {k: list(plan.get(k, [])) for k in ("dev", "test", "shared")}
    named = [b for v in out.values() for b in v]
    twice = sorted({b for b in named if named.count(b) > 1})
    if twice:
        raise AuthoringError(f"{path}: batch(es) {', '.join(twice)} named in more than one split")
    return out


def assign_splits(docs: list[Document], plan: dict[str, list[str]]) -> dict[str, str]:
    """Split by batch, so dev and test hold documents of batches that training never saw
    (see :func:`load_split_plan`); stable and independent of file order."""
    out: dict[str, str] = {}
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d in docs:
        batch = batch_of(d.id)
        if batch in plan["dev"]:
            out[d.id] = "dev"
        elif batch in plan["test"]:
            out[d.id] = "test"
        elif batch in plan["shared"]:
            shared[(batch, str(d.meta.get("genre")))].append(d.id)
        else:
            out[d.id] = "train"
    for ids in shared.values():
        ids.sort(key=_rank)
        for k, doc_id in enumerate(ids):
            out[doc_id] = "test" if k % 2 == 0 else "dev"
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
    splits = assign_splits(docs, load_split_plan(Path(src).parent / "splits.json"))
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
