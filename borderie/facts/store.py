"""The fact base: extractions loaded into DuckDB tables, and the answers read from them.

Tables (``borderie facts query --db facts.duckdb "DESCRIBE facts"``):

- ``documents``: doc_id, date (``meta["date"]``), border, n_entities, n_relations, meta (JSON), text, source
- ``mentions``: one row per entity mention: doc_id, mention_id, label, start, end, text, value_number,
  value_text, unit, entity_id (NULL for DATE and QUANTITY), scope, sentence_start, sentence_end
- ``entities``: one row per canonical entity (:mod:`borderie.facts.canonical`): entity_id, label,
  name (its most frequent form), mentions, documents, forms (distinct spellings), scope
- ``facts``: one row per relation: fact_id, doc_id, type, head, tail (canonical names), quantity_value,
  quantity_unit, quantity_text, date (the date argument's ISO value, else the article date), month,
  date_source, border, location, event, sentence, score, then entity ids, surface texts and offsets
  (head_start ... sentence_end index the document text)

``build`` replaces the file it writes, atomically: on an error nothing is written.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..schema import Document, json_lines
from ..sentences import sentence_spans
from .borders import border_of
from .canonical import canonical_key, resolve_document

TABLES = ("documents", "mentions", "entities", "facts")
# Entity labels that are nodes of the exported graph.
GRAPH_LABELS = ("ORG", "PER", "GATE", "COUNTRY", "LOC", "MARKER")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")

_DDL = {
    "documents": "doc_id VARCHAR, date VARCHAR, border VARCHAR, n_entities INTEGER, n_relations INTEGER, meta VARCHAR, text VARCHAR, source VARCHAR",
    "mentions": 'doc_id VARCHAR, mention_id VARCHAR, label VARCHAR, "start" INTEGER, "end" INTEGER, text VARCHAR, value_number DOUBLE, '
    "value_text VARCHAR, unit VARCHAR, entity_id VARCHAR, scope VARCHAR, sentence_start INTEGER, sentence_end INTEGER",
    "raw_facts": "fact_id VARCHAR, doc_id VARCHAR, relation_id VARCHAR, type VARCHAR, head_id VARCHAR, head_label VARCHAR, head_text VARCHAR, "
    "head_start INTEGER, head_end INTEGER, tail_id VARCHAR, tail_label VARCHAR, tail_text VARCHAR, tail_start INTEGER, tail_end INTEGER, "
    "quantity_value DOUBLE, quantity_unit VARCHAR, quantity_text VARCHAR, date VARCHAR, date_text VARCHAR, date_source VARCHAR, "
    "month VARCHAR, location_id VARCHAR, location_text VARCHAR, event_text VARCHAR, border VARCHAR, sentence_start INTEGER, "
    "sentence_end INTEGER, sentence VARCHAR, score DOUBLE",
}


class FactBaseError(ValueError):
    """A missing or unusable fact base, a bad input or a failed query; the message says which."""


# --------------------------------------------------------------------------- reading extractions


def read_extractions(paths: Iterable[str | Path]) -> Iterator[tuple[Document, str]]:
    """``(Document, source)`` from Parquet folders or files (``extract --engine dask``) and
    schema JSONL files (``extract --format jsonl``)."""
    from ..distributed import InputError, read_parquet

    for name in paths:
        path = Path(name)
        if not path.exists():
            raise FactBaseError(f"{name}: no such file or folder")
        if path.is_dir() or path.suffix == ".parquet":
            try:
                for doc in read_parquet(path):
                    yield doc, str(name)
            except InputError as exc:
                raise FactBaseError(str(exc)) from None
            continue
        for n, rec in json_lines(path, FactBaseError):
            if not isinstance(rec, dict) or "entities" not in rec or not isinstance(rec.get("text"), str):
                raise FactBaseError(
                    f"{name}, line {n}: not an extraction (no 'text' and 'entities'); run `borderie extract {name} --format jsonl "
                    "--output OUT.jsonl` or `--engine dask --output DIR` first"
                )
            try:
                rec.setdefault("id", f"{name}:{n}")
                yield Document.from_dict(rec), str(name)
            except (KeyError, TypeError) as exc:
                raise FactBaseError(f"{name}, line {n}: malformed record ({exc})") from None


# --------------------------------------------------------------------------- rows of one document


def _iso(value: Any) -> str | None:
    m = _ISO.match(str(value)) if value else None
    return m.group() if m else None


def document_rows(doc: Document, source: str = "") -> tuple[dict, list[dict], list[dict]]:
    """The documents row, mention rows and fact rows of one Document."""
    spans = sentence_spans(doc.text)
    starts = [s for s, _ in spans]

    def sentence(pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, pos) - 1
        return spans[i] if i >= 0 and spans[i][0] <= pos < spans[i][1] else (pos, pos)

    ids = resolve_document([(e.text, e.label) for e in doc.entities], doc.id)
    by_id = {e.id: (e, eid) for e, eid in zip(doc.entities, ids)}
    mentions = []
    countries: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for e, eid in zip(doc.entities, ids):
        s0, s1 = sentence(e.start)
        value = e.value
        mentions.append({
            "doc_id": doc.id, "mention_id": e.id, "label": e.label, "start": e.start, "end": e.end, "text": e.text,
            "value_number": float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None,
            "value_text": value if isinstance(value, str) else None, "unit": e.unit, "entity_id": eid,
            "scope": None if eid is None else ("document" if eid.endswith("@" + doc.id) else "global"),
            "sentence_start": s0, "sentence_end": s1,
        })
        if e.label == "COUNTRY" and (b := border_of(canonical_key(e.text, "COUNTRY"))):
            countries[b] += 1
        elif e.label in ("LOC", "GATE", "ORG") and (b := border_of(canonical_key(e.text, e.label))):
            places[b] += 1
    doc_border = (countries or places).most_common(1)[0][0] if (countries or places) else None
    article_date = _iso(doc.meta.get("date"))

    facts = []
    for r in doc.relations:
        if r.head not in by_id or r.tail not in by_id:
            raise FactBaseError(f"document {doc.id!r}, relation {r.id}: head or tail is not an entity of the document")
        (head, head_id), (tail, tail_id) = by_id[r.head], by_id[r.tail]
        args = {role: by_id[eid] for role, eid in r.args.items() if eid in by_id}
        quantity = tail if tail.label == "QUANTITY" else (args["quantity"][0] if "quantity" in args else None)
        date_ent = args["date"][0] if "date" in args else None
        date, date_source = (_iso(date_ent.value), "text") if date_ent is not None and _iso(date_ent.value) else (article_date, "article" if article_date else None)
        location, location_id = args.get("location", (None, None))
        border = None
        for ent in (head, tail, location):
            if ent is not None and ent.label in ("COUNTRY", "ORG", "GATE", "LOC"):
                border = border_of(canonical_key(ent.text, ent.label))
                if border:
                    break
        s0, s1 = sentence(min(head.start, tail.start))
        s_end = max(s1, sentence(max(head.start, tail.start))[1])
        facts.append({
            "fact_id": f"{doc.id}/{r.id}", "doc_id": doc.id, "relation_id": r.id, "type": r.label,
            "head_id": head_id, "head_label": head.label, "head_text": head.text, "head_start": head.start, "head_end": head.end,
            "tail_id": tail_id, "tail_label": tail.label, "tail_text": tail.text, "tail_start": tail.start, "tail_end": tail.end,
            "quantity_value": float(quantity.value) if quantity is not None and isinstance(quantity.value, (int, float)) else None,
            "quantity_unit": quantity.unit if quantity is not None else None, "quantity_text": quantity.text if quantity is not None else None,
            "date": date, "date_text": date_ent.text if date_ent is not None else None, "date_source": date_source,
            "month": date[:7] if date and len(date) >= 7 else None,
            "location_id": location_id, "location_text": location.text if location is not None else None,
            "event_text": args["event"][0].text if "event" in args else None, "border": border or doc_border,
            "sentence_start": s0, "sentence_end": s_end, "sentence": doc.text[s0:s_end], "score": r.extra.get("score"),
        })
    document = {"doc_id": doc.id, "date": article_date, "border": doc_border, "n_entities": len(doc.entities), "n_relations": len(doc.relations),
                "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True), "text": doc.text, "source": source}
    return document, mentions, facts


# --------------------------------------------------------------------------- build


def _duckdb():
    try:
        import duckdb
    except ImportError:  # pragma: no cover - the message is the point
        raise FactBaseError("the fact base needs duckdb: pip install 'borderie[facts]'") from None
    return duckdb


def build(
    sources: Iterable[str | Path] | Iterable[Document],
    db: str | Path,
    *,
    chunk: int = 2000,
    on_document: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Build the fact base ``db`` (a DuckDB file, replaced) from extractions.

    ``sources`` are paths (Parquet folders or files, schema JSONL files of extractions) or
    Documents. A document id seen again with the same text (one article in two inputs) is
    loaded once; with another text it is an error. Returns the row counts of the four tables
    and the number of duplicates skipped.

    Examples
    --------
    >>> docs = borderie.extract_many(records)
    >>> borderie.facts.build(docs, "facts.duckdb")
    {'documents': 177, 'mentions': ..., 'entities': ..., 'facts': ...}
    """
    import pyarrow as pa

    duckdb = _duckdb()
    items = list(sources) if isinstance(sources, (list, tuple)) else sources
    if isinstance(items, list) and items and all(isinstance(s, (str, Path)) for s in items):
        pairs: Iterable[tuple[Document, str]] = read_extractions(items)
    else:
        pairs = ((d, "") for d in items)
    target = Path(db)
    if not target.parent.is_dir():
        raise FactBaseError(f"{db}: folder {target.parent} does not exist")
    tmp = target.with_name(target.name + ".building")
    for f in (tmp, Path(str(tmp) + ".wal")):
        if f.exists():
            f.unlink()
    con = duckdb.connect(str(tmp))
    try:
        for name, cols in _DDL.items():
            con.execute(f"CREATE TABLE {name} ({cols})")
        buffers: dict[str, list[dict]] = {"documents": [], "mentions": [], "raw_facts": []}
        seen: dict[str, int] = {}  # doc id -> hash of its text
        skipped = 0

        def flush() -> None:
            for name, rows in buffers.items():
                if rows:
                    table = pa.Table.from_pylist(rows)
                    con.register("_batch", table)
                    con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _batch")
                    con.unregister("_batch")
                    rows.clear()

        n = 0
        for doc, source in pairs:
            if doc.id in seen:
                if seen[doc.id] == hash(doc.text):  # the same article in two inputs: loaded once
                    skipped += 1
                    continue
                raise FactBaseError(f"document id {doc.id!r}{' in ' + source if source else ''} names two different texts: ids must be unique across inputs")
            seen[doc.id] = hash(doc.text)
            d, m, f = document_rows(doc, source)
            buffers["documents"].append(d)
            buffers["mentions"].extend(m)
            buffers["raw_facts"].extend(f)
            n += 1
            if n % chunk == 0:
                flush()
            if on_document:
                on_document()
        flush()
        _finish(con)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        counts["duplicates skipped"] = skipped
        con.close()
    except BaseException:
        con.close()
        for f in (tmp, Path(str(tmp) + ".wal")):
            if f.exists():
                f.unlink()
        raise
    os.replace(tmp, target)
    return counts


def _finish(con) -> None:
    """Canonical entities from the mentions, then facts with canonical names.

    An entity's name is its most frequent spelling (a person's: the longest, "Vi Văn Nhất" not
    "Nhất"), avoiding all-capital forms ("HÀ ĐỒNG") when another exists.
    """
    con.execute(
        """
        CREATE TABLE entities AS
        WITH forms AS (
            SELECT entity_id, label, text, count(*) AS n FROM mentions WHERE entity_id IS NOT NULL GROUP BY entity_id, label, text
        ), best AS (
            SELECT entity_id, text AS name FROM (
                SELECT *, row_number() OVER (PARTITION BY entity_id
                    ORDER BY (upper(text) = text AND text LIKE '% %'), CASE WHEN label = 'PER' THEN -len(string_split(text, ' ')) ELSE 0 END,
                             n DESC, length(text) DESC, text) AS r FROM forms
            ) WHERE r = 1
        )
        SELECT m.entity_id, any_value(m.label) AS label, b.name, count(*) AS mentions, count(DISTINCT m.doc_id) AS documents,
               count(DISTINCT m.text) AS forms, any_value(m.scope) AS scope
        FROM mentions m JOIN best b USING (entity_id)
        GROUP BY m.entity_id, b.name
        ORDER BY documents DESC, mentions DESC, m.entity_id
        """
    )
    con.execute(
        """
        CREATE TABLE facts AS
        SELECT f.fact_id, f.doc_id, f.type, coalesce(h.name, f.head_text) AS head, coalesce(t.name, f.tail_text) AS tail,
               f.quantity_value, f.quantity_unit, f.quantity_text, f.date, f.month, f.date_source, f.border,
               coalesce(l.name, f.location_text) AS location, f.event_text AS event, f.sentence, f.score,
               f.head_id, f.head_label, f.head_text, f.tail_id, f.tail_label, f.tail_text, f.location_id, f.date_text,
               f.relation_id, f.head_start, f.head_end, f.tail_start, f.tail_end, f.sentence_start, f.sentence_end
        FROM raw_facts f
        LEFT JOIN entities h ON h.entity_id = f.head_id
        LEFT JOIN entities t ON t.entity_id = f.tail_id
        LEFT JOIN entities l ON l.entity_id = f.location_id
        ORDER BY f.doc_id, f.head_start, f.relation_id
        """
    )
    con.execute("DROP TABLE raw_facts")


# --------------------------------------------------------------------------- answers


def connect(db: str | Path, *, read_only: bool = True):
    """A DuckDB connection to a built fact base; a clear error when there is none."""
    duckdb = _duckdb()
    path = Path(db)
    if not path.is_file():
        raise FactBaseError(f"{db}: no fact base there; build one with `borderie facts build EXTRACTIONS... --db {db}`")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise FactBaseError(f"{db}: not a DuckDB fact base ({str(exc).splitlines()[0]})") from None
    missing = [t for t in TABLES if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [t]).fetchone()[0]]
    if missing:
        con.close()
        raise FactBaseError(f"{db}: not a borderie fact base (no table {', '.join(missing)}); build one with `borderie facts build`")
    return con


def query(db: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one SQL statement on the fact base (read-only): ``(columns, rows)``."""
    duckdb = _duckdb()
    con = connect(db)
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.Error as exc:
        raise FactBaseError(f"query failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()


def _table(con, sql: str, params: list | None = None) -> dict[str, Any]:
    cur = con.execute(sql, params or [])
    return {"columns": [d[0] for d in cur.description], "rows": [list(r) for r in cur.fetchall()]}


SUMMARY_SQL: dict[str, str] = {
    "relation types": "SELECT type, count(*) AS facts, count(DISTINCT doc_id) AS documents FROM facts GROUP BY type ORDER BY facts DESC, type",
    "top units": "SELECT name AS unit, documents, mentions, forms FROM entities WHERE label = 'ORG' AND scope = 'global' ORDER BY documents DESC, mentions DESC, name LIMIT {top}",
    "top gates": "SELECT name AS gate, documents, mentions, forms FROM entities WHERE label = 'GATE' AND scope = 'global' ORDER BY documents DESC, mentions DESC, name LIMIT {top}",
    "top countries": "SELECT name AS country, documents, mentions, forms FROM entities WHERE label = 'COUNTRY' ORDER BY documents DESC, mentions DESC, name LIMIT {top}",
    "persons returned per month and border": """
        SELECT coalesce(month, 'undated') AS month, coalesce(border, 'unknown') AS border, count(*) AS handovers,
               CAST(sum(quantity_value) AS BIGINT) AS persons
        FROM facts WHERE type = 'RETURNED' GROUP BY ALL ORDER BY month, border""",
    "seizures per unit": """
        SELECT head AS unit, count(*) AS seizures, string_agg(DISTINCT quantity_text, '; ' ORDER BY quantity_text) AS what
        FROM facts WHERE type = 'SEIZED' GROUP BY head ORDER BY seizures DESC, unit LIMIT {top}""",
    "arrests per unit": """
        SELECT head AS unit, count(*) AS arrests, CAST(sum(quantity_value) AS BIGINT) AS persons_counted
        FROM facts WHERE type = 'ARRESTED' GROUP BY head ORDER BY arrests DESC, unit LIMIT {top}""",
}


def counts(db_or_con) -> dict[str, Any]:
    """Row counts, and how many mentions and spellings merge into how many entities."""
    con = connect(db_or_con) if isinstance(db_or_con, (str, Path)) else db_or_con
    try:
        out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        m, forms, ents, glob = con.execute(
            "SELECT count(*), count(DISTINCT label || ':' || text), count(DISTINCT entity_id), count(DISTINCT entity_id) FILTER (WHERE scope = 'global') "
            "FROM mentions WHERE entity_id IS NOT NULL"
        ).fetchone()
        out.update({"named mentions": m, "distinct spellings": forms, "canonical entities": ents, "entities shared across documents": glob,
                    "entities with several spellings": con.execute("SELECT count(*) FROM entities WHERE forms > 1").fetchone()[0]})
        return out
    finally:
        if con is not db_or_con:
            con.close()


def summary(db: str | Path, *, top: int = 10) -> dict[str, Any]:
    """The analyst's overview: counts, relation types, top units, gates and countries,
    persons returned per month and border, seizures and arrests per unit."""
    con = connect(db)
    try:
        out: dict[str, Any] = {"counts": counts(con)}
        for name, sql in SUMMARY_SQL.items():
            out[name] = _table(con, sql.format(top=int(top)))
        return out
    finally:
        con.close()


def merges(db: str | Path, *, n: int = 50, seed: int = 0) -> list[dict[str, Any]]:
    """A random sample of ``n`` merges: pairs of different spellings that became one entity
    (within one entity, each spelling paired with its most frequent one), for checking by eye."""
    con = connect(db)
    try:
        cur = con.execute(
            """
            WITH forms AS (SELECT entity_id, label, text, count(*) AS n FROM mentions WHERE entity_id IS NOT NULL GROUP BY ALL),
            pairs AS (
                SELECT f.entity_id, f.label, e.name AS canonical, f.text AS form, f.n FROM forms f JOIN entities e USING (entity_id)
                WHERE f.text <> e.name
            )
            SELECT * FROM pairs ORDER BY hash(entity_id || '|' || form || ?) LIMIT ?
            """,
            [str(seed), int(n)],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
    finally:
        con.close()


def export(db: str | Path, output: str | Path, *, format: str = "csv", table: str = "facts") -> dict[str, int]:
    """Write a table as CSV, or the entity graph as GraphML (nodes: organisations, persons,
    gates, countries, places, markers; edges: the facts between them, with type, document,
    sentence, quantity and date). Returns what was written."""
    if format not in ("csv", "graphml"):
        raise FactBaseError(f"unknown export format {format!r}; use csv or graphml")
    con = connect(db)
    try:
        if format == "csv":
            if table not in TABLES:
                raise FactBaseError(f"unknown table {table!r}; tables are {', '.join(TABLES)}")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_path(output)}' (HEADER, DELIMITER ',')")
            return {"rows": con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]}
        graph = _graph(con)
    finally:
        con.close()
    import networkx as nx

    nx.write_graphml(graph, str(output))
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


def _sql_path(path: str | Path) -> str:
    return str(path).replace("'", "''")


def _graph(con):
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover
        raise FactBaseError("GraphML export needs networkx: pip install 'borderie[facts]'") from None
    labels = ", ".join(f"'{x}'" for x in GRAPH_LABELS)
    graph = nx.MultiDiGraph()
    edges = con.execute(
        f"""
        SELECT f.fact_id, f.type, f.head_id, f.tail_id, f.doc_id, f.sentence, f.quantity_text, f.quantity_value, f.date, f.border, f.score
        FROM facts f JOIN entities h ON h.entity_id = f.head_id JOIN entities t ON t.entity_id = f.tail_id
        WHERE h.label IN ({labels}) AND t.label IN ({labels}) ORDER BY f.fact_id
        """
    ).fetchall()
    nodes = {e[2] for e in edges} | {e[3] for e in edges}
    if nodes:
        rows = con.execute("SELECT entity_id, label, name, mentions, documents FROM entities WHERE list_contains(?, entity_id)", [sorted(nodes)]).fetchall()
        for entity_id, label, name, mentions, documents in rows:
            graph.add_node(entity_id, label=label, name=name, mentions=int(mentions), documents=int(documents))
    for fact_id, type_, head, tail, doc_id, sentence, qtext, qvalue, date, border, score in edges:
        attrs = {"type": type_, "fact_id": fact_id, "doc_id": doc_id, "sentence": sentence, "quantity": qtext, "quantity_value": qvalue,
                 "date": date, "border": border, "score": score}
        graph.add_edge(head, tail, key=fact_id, **{k: v for k, v in attrs.items() if v is not None})
    return graph
