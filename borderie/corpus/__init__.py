"""The annotated border-news corpus: authoring sources, compiled splits, statistics, datasets."""

from __future__ import annotations

from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"


def load_dataset(path: str | Path | None = None):
    """Return the corpus as a ``datasets.DatasetDict`` with train/dev/test splits.

    Built offline from the local JSONL files (``path`` is a folder holding
    ``train.jsonl``, ``dev.jsonl`` and ``test.jsonl``; default: the shipped corpus).
    """
    from .dataset import load_dataset as _load

    return _load(path)


__all__ = ["CORPUS_DIR", "load_dataset"]
