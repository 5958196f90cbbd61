"""Extraction past one process: an engine-neutral partition function, Parquet rows, a Dask runner.

The unit of work is :func:`extract_partition`: a list of records (``{"id", "text", "meta"}``)
in, a list of rows out, one per document, in the Parquet layout of :func:`parquet_schema`
(entities and relations as nested columns). It loads the model once per process (the
cached :func:`borderie.load`) and runs each call inside ``nlp.memory_zone()``, so a
long-lived worker does not grow its vocabulary with every article. Any engine that can
call a Python function on a batch of records can run it:

- Dask: :func:`extract_parquet` (``borderie extract --engine dask``), below;
- Spark: ``df.mapInArrow(extract_arrow_batches, spark_schema())``;
- Ray Data: ``ds.map_batches(lambda t: pa.Table.from_batches(list(extract_arrow_batches(t.to_batches())), schema=parquet_schema()),
  batch_format="pyarrow")``.

Nothing here imports dask, distributed or pyarrow until a function needs them.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .api import BATCH_CHARS
from .schema import ARG_ROLES, Document, Entity, Relation, json_lines

PART_GLOB = "part-*.parquet"
MANIFEST = "_borderie.json"
# One pipeline per process serves one call at a time: spaCy memory zones must not
# overlap, so threads of one worker take turns (run workers with one thread each).
_zone_lock = threading.Lock()


class InputError(ValueError):
    """A bad input file or record; the message names the file and line."""


# --------------------------------------------------------------------------- input


def iter_records(paths: Iterable[str | Path], *, text_field: str = "text") -> Iterator[dict[str, Any]]:
    """Stream ``{"id", "text", "meta"}`` records from files, line by line.

    A ``.jsonl`` file gives one record per line (``id`` defaults to ``FILE:LINE``,
    ``meta`` to ``{}``); any other file is one text with its path as id. This is
    what ``borderie extract`` reads, without holding a file in memory.
    """
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise InputError(f"{name}: no such file")
        if path.suffix != ".jsonl":
            yield {"id": str(name), "text": path.read_text(encoding="utf-8"), "meta": {}}
            continue
        for n, rec in json_lines(path, InputError):
            if not isinstance(rec, dict) or not isinstance(rec.get(text_field), str):
                raise InputError(f"{name}, line {n}: no string field {text_field!r} (use --text-field to name the text field)")
            meta = rec.get("meta") or {}
            if not isinstance(meta, dict):
                raise InputError(f"{name}, line {n}: 'meta' must be an object, got {type(meta).__name__}")
            yield {"id": str(rec.get("id", f"{name}:{n}")), "text": rec[text_field], "meta": meta}


def partitions(records: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    """Cut a stream of records into lists of at most ``size``."""
    if size < 1:
        raise ValueError(f"partition size must be >= 1, got {size}")
    part: list[Mapping[str, Any]] = []
    for rec in records:
        part.append(rec)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part


# --------------------------------------------------------------------------- rows


def parquet_schema():
    """The Arrow schema of extraction rows: one row per document.

    ``meta`` is the record's metadata as JSON text and ``date`` its ``meta["date"]``.
    Entities carry ``value_number`` (QUANTITY) or ``value_text`` (DATE ISO value) and
    ``unit``; relations carry their four argument roles as entity ids, and ``score``.
    Any other key of an entity or relation is kept as JSON in ``extra``.
    """
    import pyarrow as pa

    entity = pa.struct(
        [("id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("text", pa.string()),
         ("value_number", pa.float64()), ("value_text", pa.string()), ("unit", pa.string()), ("extra", pa.string())]
    )
    args = pa.struct([(role, pa.string()) for role in ARG_ROLES])
    relation = pa.struct(
        [("id", pa.string()), ("label", pa.string()), ("head", pa.string()), ("tail", pa.string()), ("args", args),
         ("score", pa.float64()), ("extra", pa.string())]
    )
    return pa.schema(
        [("id", pa.string()), ("text", pa.string()), ("meta", pa.string()), ("date", pa.string()),
         ("entities", pa.list_(entity)), ("relations", pa.list_(relation))]
    )


def spark_schema() -> str:
    """:func:`parquet_schema` as a Spark DDL string, for ``mapInArrow``."""
    import pyarrow as pa

    def ddl(t) -> str:
        if pa.types.is_struct(t):
            return "STRUCT<" + ", ".join(f"`{f.name}`: {ddl(f.type)}" for f in t) + ">"
        if pa.types.is_list(t):
            return f"ARRAY<{ddl(t.value_type)}>"
        return {pa.string(): "STRING", pa.int64(): "BIGINT", pa.float64(): "DOUBLE"}[t]

    return ", ".join(f"`{f.name}` {ddl(f.type)}" for f in parquet_schema())


def _extra_json(extra: Mapping[str, Any]) -> str | None:
    return json.dumps(dict(extra), ensure_ascii=False, sort_keys=True) if extra else None


def document_to_row(doc: Document) -> dict[str, Any]:
    """A Document as a row of :func:`parquet_schema` (plain Python values)."""
    entities = []
    for e in doc.entities:
        extra = dict(e.extra)
        value, unit = extra.pop("value", None), extra.pop("unit", None)
        number = text = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            text = value
        elif value is not None:
            extra["value"] = value
        entities.append({"id": e.id, "start": e.start, "end": e.end, "label": e.label, "text": e.text, "value_number": number,
                         "value_text": text, "unit": unit, "extra": _extra_json(extra)})
    relations = []
    for r in doc.relations:
        unknown = set(r.args) - set(ARG_ROLES)
        if unknown:
            raise ValueError(f"document {doc.id!r}, relation {r.id}: unknown argument role(s) {sorted(unknown)}; roles are {', '.join(ARG_ROLES)}")
        extra = dict(r.extra)
        score = extra.pop("score", None)
        relations.append({"id": r.id, "label": r.label, "head": r.head, "tail": r.tail, "args": {role: r.args.get(role) for role in ARG_ROLES},
                          "score": None if score is None else float(score), "extra": _extra_json(extra)})
    date = doc.meta.get("date")
    return {"id": doc.id, "text": doc.text, "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True), "date": None if date is None else str(date),
            "entities": entities, "relations": relations}


def row_to_document(row: Mapping[str, Any]) -> Document:
    """Inverse of :func:`document_to_row` (a QUANTITY value ``2.0`` comes back as ``2``)."""
    entities = []
    for e in row.get("entities") or []:
        extra = json.loads(e["extra"]) if e.get("extra") else {}
        number = e.get("value_number")
        if number is not None:
            extra["value"] = int(number) if float(number).is_integer() else number
        elif e.get("value_text") is not None:
            extra["value"] = e["value_text"]
        if e.get("unit") is not None:
            extra["unit"] = e["unit"]
        entities.append(Entity(e["id"], int(e["start"]), int(e["end"]), e["label"], e["text"], extra))
    relations = []
    for r in row.get("relations") or []:
        extra = json.loads(r["extra"]) if r.get("extra") else {}
        if r.get("score") is not None:
            extra["score"] = r["score"]
        args = {role: eid for role, eid in (r.get("args") or {}).items() if eid is not None}
        relations.append(Relation(r["id"], r["label"], r["head"], r["tail"], args, extra))
    return Document(id=row["id"], text=row["text"], meta=json.loads(row["meta"]) if row.get("meta") else {}, entities=entities, relations=relations)


def rows_to_table(rows: list[dict[str, Any]]):
    """Rows of :func:`document_to_row` as a ``pyarrow.Table``."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=parquet_schema())


def read_parquet(path: str | Path) -> Iterator[Document]:
    """Stream the Documents of a folder written by ``extract --engine dask`` (or one Parquet file), in input order."""
    import pyarrow.parquet as pq

    path = Path(path)
    files = sorted(path.glob(PART_GLOB)) if path.is_dir() else [path]
    if path.is_dir() and not files:
        raise InputError(f"{path}: no {PART_GLOB} files (a folder written by `borderie extract --engine dask --output DIR`)")
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    for file in files:
        pf = pq.ParquetFile(file)
        for batch in pf.iter_batches(batch_size=256):
            for row in batch.to_pylist():
                yield row_to_document(row)


# --------------------------------------------------------------------------- the partition function


def extract_partition(
    records: Iterable[Mapping[str, Any]],
    *,
    model: str | Path | None = None,
    nlp=None,
    batch_size: int = 32,
    batch_chars: int = BATCH_CHARS,
) -> list[dict[str, Any]]:
    """Records in, rows out: the engine-neutral unit of distributed extraction.

    Each record is ``{"id", "text", "meta"}`` (a string is taken as a text); each row is
    a document in the layout of :func:`parquet_schema`, in input order, the same
    documents :func:`borderie.extract_many` gives. The model is loaded once per process
    (``model`` is a folder path, default the shipped model) and the batch runs inside
    ``nlp.memory_zone()``.

    Examples
    --------
    >>> rows = extract_partition([{"id": "a1", "text": "Năm đồn Biên phòng trao trả 124 công dân.", "meta": {}}])
    >>> rows[0]["entities"][0]["label"]
    """
    from .api import extract_many, load

    nlp = nlp or load(model)
    with _zone_lock, nlp.memory_zone():
        # rows hold plain Python strings only, so they outlive the zone
        return [document_to_row(doc) for doc in extract_many(records, nlp=nlp, batch_size=batch_size, batch_chars=batch_chars)]


def extract_arrow_batches(batches: Iterable[Any], *, model: str | Path | None = None) -> Iterator[Any]:
    """Arrow record batches with ``id``, ``text`` (and optional ``meta`` JSON) in, extraction batches out.

    The signature Spark's ``mapInArrow`` expects; Ray's ``map_batches`` wraps it in one line.
    """
    import pyarrow as pa

    schema = parquet_schema()
    for batch in batches:
        records = []
        for rec in batch.to_pylist():
            meta = rec.get("meta")
            records.append({"id": str(rec.get("id") or ""), "text": rec["text"], "meta": json.loads(meta) if isinstance(meta, str) and meta else (meta or {})})
        yield from pa.Table.from_pylist(extract_partition(records, model=model), schema=schema).to_batches()


def _partition_table(records: list[Mapping[str, Any]], model: str | None, batch_size: int, batch_chars: int):
    """The Dask task: one partition to one Arrow table."""
    return rows_to_table(extract_partition(records, model=model, batch_size=batch_size, batch_chars=batch_chars))


# --------------------------------------------------------------------------- Dask


def _model_loader(model: str | None):
    """A worker plugin that loads the model once, when the worker starts (or joins)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class BorderieModel(WorkerPlugin):
        idempotent = True
        name = "borderie-model"

        def __init__(self, path: str | None):
            self.path = path

        def setup(self, worker) -> None:
            from borderie.api import load

            load(self.path)

    return BorderieModel(model)


def extract_parquet(
    inputs: Iterable[str | Path] | Iterable[Mapping[str, Any]],
    output: str | Path,
    *,
    scheduler: str | None = None,
    n_workers: int = 2,
    partition_size: int = 32,
    text_field: str = "text",
    model: str | Path | None = None,
    batch_size: int = 32,
    batch_chars: int = BATCH_CHARS,
    overwrite: bool = False,
    on_partition: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Extract with Dask and write one Parquet file per partition under ``output``.

    ``inputs`` are file paths (as :func:`iter_records` reads them) or records. Without
    ``scheduler`` a ``LocalCluster`` of ``n_workers`` processes (one thread each) is
    started on this machine; with an address (``tcp://host:8786``) the work runs on
    that cluster, whose workers need borderie installed. Records are streamed in
    partitions of ``partition_size``, with at most two partitions per worker thread in
    flight, so memory stays flat however long the input. Files are written by this
    process as results arrive (``part-00000.parquet``, ... in input order), then
    ``_borderie.json`` with the counts. Scripts that call this need an
    ``if __name__ == "__main__":`` guard (workers are spawned processes).

    Returns counts and timings: documents, partitions, workers, seconds, startup_seconds,
    docs_per_s, characters.
    """
    from distributed import Client, LocalCluster, as_completed

    out = Path(output)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    old = sorted(out.glob(PART_GLOB)) if out.is_dir() else []
    if old and not overwrite:
        raise InputError(f"{out}: already holds {len(old)} Parquet part(s); pass --overwrite or choose an empty folder")
    if n_workers < 1:
        raise ValueError(f"n_workers must be >= 1, got {n_workers}")
    records: Iterable[Any] = inputs
    if isinstance(inputs, (list, tuple)) and inputs and all(isinstance(i, (str, Path)) for i in inputs):
        records = iter_records(inputs, text_field=text_field)
    parts = partitions(records, partition_size)
    first = next(parts, None)  # read errors surface before a cluster starts
    out.mkdir(parents=True, exist_ok=True)
    for f in old + ([out / MANIFEST] if (out / MANIFEST).exists() else []):
        f.unlink()

    model_arg = None if model is None else str(Path(model).resolve())
    t0 = time.perf_counter()
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    counts = {"documents": 0, "partitions": 0, "characters": 0, "entities": 0, "relations": 0}
    try:
        client.register_plugin(_model_loader(model_arg))
        threads = max(1, sum(client.nthreads().values()))
        startup = time.perf_counter() - t0
        t1 = time.perf_counter()
        pending = as_completed()
        index: dict[str, int] = {}

        def submit(part: list) -> None:
            key = f"borderie-extract-{len(index):05d}-{time.time_ns()}"
            index[key] = len(index)
            pending.add(client.submit(_partition_table, part, model_arg, batch_size, batch_chars, key=key, pure=False))

        if first is not None:
            submit(first)
        for part in parts:
            while pending.count() >= 2 * threads:
                _collect(next(pending), index, out, counts, on_partition)
            submit(part)
        for fut in pending:
            _collect(fut, index, out, counts, on_partition)
        seconds = time.perf_counter() - t1
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    result = {
        **counts,
        "workers": threads,
        "scheduler": scheduler or f"LocalCluster({n_workers} processes)",
        "startup_seconds": round(startup, 2),
        "seconds": round(seconds, 2),
        "docs_per_s": round(counts["documents"] / seconds, 2) if seconds else None,
        "output": str(out),
        "schema_version": 1,
    }
    (out / MANIFEST).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def _collect(fut, index: dict[str, int], out: Path, counts: dict[str, int], on_partition: Callable[[int], None] | None) -> None:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = fut.result()
    pq.write_table(table, out / f"part-{index[fut.key]:05d}.parquet")
    counts["documents"] += table.num_rows
    counts["partitions"] += 1
    counts["characters"] += int(pc.sum(pc.utf8_length(table["text"])).as_py() or 0)
    counts["entities"] += int(pc.sum(pc.list_value_length(table["entities"])).as_py() or 0)
    counts["relations"] += int(pc.sum(pc.list_value_length(table["relations"])).as_py() or 0)
    fut.release()
    if on_partition:
        on_partition(table.num_rows)
