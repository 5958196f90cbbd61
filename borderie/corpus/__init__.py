"""The annotated border-news corpus: authoring sources, compiled splits, statistics, datasets."""

from __future__ import annotations

from pathlib import Path

# The compiled splits: inside the installed package (the wheel carries corpus/*.jsonl as
# borderie/data), else the checkout's corpus/ folder.
_PACKAGED = Path(__file__).resolve().parents[1] / "data"
CORPUS_DIR = _PACKAGED if (_PACKAGED / "test.jsonl").exists() else Path(__file__).resolve().parents[2] / "corpus"


def load_dataset(path: str | Path | None = None):
    """Return the corpus as a ``datasets.DatasetDict`` with train/dev/test splits.

    Built offline from the local JSONL files (``path`` is a folder holding
    ``train.jsonl``, ``dev.jsonl`` and ``test.jsonl``; default: the shipped corpus).
    Needs the ``corpus`` extra: ``pip install "borderie[corpus]"`` (``[dev]`` includes it).
    """
    from .dataset import load_dataset as _load

    return _load(path)


__all__ = ["CORPUS_DIR", "load_dataset"]
