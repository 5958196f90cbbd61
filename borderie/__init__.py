"""borderie: structured facts (entities, relations) from Vietnamese border news.

>>> import borderie
>>> doc = borderie.extract("Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân.")
>>> doc.entities, doc.relations, doc.triples()

With spaCy: ``nlp = borderie.load()``; ``doc = nlp(text)`` has ``doc.ents`` and
``doc._.relations``, dicts whose ``head``/``tail``/``args`` are indices into ``doc.ents``:

>>> doc = borderie.load()("Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân.")
>>> [(doc.ents[r["head"]].text, r["label"], doc.ents[r["tail"]].text) for r in doc._.relations]

``borderie.train`` trains a model (as ``borderie train``) and ``borderie.score`` scores
predicted against gold documents (as ``borderie evaluate``).
Importing borderie loads no model and no spaCy: ``load``/``extract`` do, on first use.
"""

from __future__ import annotations

import logging
from typing import Any

from .schema import ENTITY_LABELS, RELATION_LABELS, SCHEMA_VERSION, Document, Entity, Relation

__version__ = "0.1.0"
logging.getLogger(__name__).addHandler(logging.NullHandler())

_LAZY = {
    "load": "api",
    "extract": "api",
    "extract_many": "api",
    "train": "training",
    "score": "evaluate",
    "extract_partition": "distributed",
    "extract_parquet": "distributed",
    "read_parquet": "distributed",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name == "facts":
        return importlib.import_module(".facts", __name__)
    raise AttributeError(f"module 'borderie' has no attribute {name!r}")


__all__ = ["Document", "Entity", "Relation", "ENTITY_LABELS", "RELATION_LABELS", "SCHEMA_VERSION", "load", "extract", "extract_many", "train", "score",
           "extract_partition", "extract_parquet", "read_parquet", "facts", "__version__"]
