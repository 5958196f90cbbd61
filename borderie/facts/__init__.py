"""The fact base: extractions of many articles as DuckDB tables of documents, mentions,
canonical entities and facts, and the answers, exports and report read from them.

>>> from borderie import facts
>>> facts.build(["extractions/"], "facts.duckdb")          # Parquet folders or JSONL extractions
>>> facts.summary("facts.duckdb")["relation types"]
>>> facts.query("facts.duckdb", "SELECT month, sum(quantity_value) FROM facts WHERE type = 'RETURNED' GROUP BY month")
>>> facts.report("facts.duckdb", "report.html")

duckdb (and networkx for GraphML) are imported on first use: ``pip install 'borderie[facts]'``.
"""

from __future__ import annotations

from .canonical import canonical_key, entity_id, resolve_document
from .report import report
from .store import FactBaseError, build, connect, counts, export, merges, query, read_extractions, summary

__all__ = ["build", "summary", "query", "export", "report", "counts", "merges", "connect", "read_extractions", "canonical_key", "entity_id",
           "resolve_document", "FactBaseError"]
