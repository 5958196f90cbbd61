"""Extraction past one process: the engine-neutral partition function, Parquet rows, and Dask."""

import json

import pytest

import borderie
from borderie.cli import app
from borderie.distributed import (
    extract_arrow_batches,
    extract_partition,
    iter_records,
    parquet_schema,
    partitions,
    read_parquet,
    row_to_document,
    rows_to_table,
    spark_schema,
)

from .articles import ARTICLES

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def test_partition_function_gives_the_documents_of_extract_many(nlp):
    rows = extract_partition(ARTICLES, nlp=nlp)
    expected = [d.to_dict() for d in borderie.extract_many(ARTICLES, nlp=nlp)]
    assert [row_to_document(r).to_dict() for r in rows] == expected
    assert rows[0]["id"] == "d1" and json.loads(rows[0]["meta"]) == {"date": "2025-03-10"} and rows[0]["date"] == "2025-03-10"
    qty = next(e for e in rows[0]["entities"] if e["label"] == "QUANTITY")
    assert (qty["value_number"], qty["unit"]) == (12.0, "công dân")


def test_each_partition_runs_in_a_memory_zone_so_the_vocabulary_stays_flat(nlp):
    extract_partition(ARTICLES[:1], nlp=nlp)
    before = len(nlp.vocab.strings)
    new_words = [{"id": f"n{i}", "text": f"Đồn Biên phòng Xyzq{i} bắt giữ {i + 2} đối tượng tại bản Qwv{i}.", "meta": {}} for i in range(20)]
    rows = extract_partition(new_words, nlp=nlp)
    assert len(rows) == 20 and len(nlp.vocab.strings) == before


def test_rows_survive_a_parquet_round_trip(nlp, tmp_path):
    rows = extract_partition(ARTICLES[:2], nlp=nlp)
    pq.write_table(rows_to_table(rows), tmp_path / "part-00000.parquet")
    docs = list(read_parquet(tmp_path))
    assert [d.to_dict() for d in docs] == [row_to_document(r).to_dict() for r in rows]
    rel = pq.read_table(tmp_path)["relations"].to_pylist()[0][0]
    assert set(rel["args"]) == {"quantity", "date", "location", "event"} and rel["label"] == "RETURNED"


def test_arrow_batches_in_and_out_as_spark_map_in_arrow_calls_it(nlp):
    batch = pa.RecordBatch.from_pylist([{"id": a["id"], "text": a["text"], "meta": json.dumps(a["meta"])} for a in ARTICLES[:2]])
    out = list(extract_arrow_batches([batch]))
    assert out[0].schema == parquet_schema() and out[0].num_rows == 2
    assert spark_schema().startswith("`id` STRING, `text` STRING") and "ARRAY<STRUCT<`id`: STRING" in spark_schema()


def test_records_stream_from_files_in_partitions(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES) + "\n", encoding="utf-8")
    parts = list(partitions(iter_records([src]), 2))
    assert [len(p) for p in parts] == [2, 2, 1] and parts[0][0]["id"] == "d1"


def write_input(tmp_path):
    src = tmp_path / "articles.jsonl"
    src.write_text("".join(json.dumps({"id": a["id"], "body": a["text"], "meta": a["meta"]}, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    return src


def test_extract_with_dask_on_a_two_worker_local_cluster(tmp_path, nlp):
    from typer.testing import CliRunner

    src = write_input(tmp_path)
    out = tmp_path / "extractions"
    res = CliRunner().invoke(app, ["extract", str(src), "--text-field", "body", "--engine", "dask", "--workers", "2",
                                   "--partition-size", "2", "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.glob("*.parquet")) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    manifest = json.loads((out / "_borderie.json").read_text())
    assert manifest["documents"] == 5 and manifest["workers"] == 2
    got = [d.to_dict() for d in read_parquet(out)]
    assert got == [d.to_dict() for d in borderie.extract_many(ARTICLES, nlp=nlp)]
    # a second run into the same folder needs --overwrite
    again = CliRunner().invoke(app, ["extract", str(src), "--text-field", "body", "--engine", "dask", "--output", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output


@pytest.mark.parametrize(
    "args,message",
    [
        (["--engine", "dask"], "--output DIR"),
        (["--engine", "dask", "--output", "OUT", "--format", "jsonl"], "leave out --format"),
        (["--engine", "dask", "--output", "OUT", "--n-process", "2"], "--workers"),
        (["--scheduler", "tcp://localhost:8786"], "--engine dask"),
    ],
)
def test_dask_engine_refuses_bad_option_mixes(tmp_path, args, message):
    from typer.testing import CliRunner

    src = write_input(tmp_path)
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    res = CliRunner().invoke(app, ["extract", str(src), *args])
    assert res.exit_code == 2 and message in res.output


def test_dask_engine_names_a_missing_input_before_starting_a_cluster(tmp_path):
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, ["extract", str(tmp_path / "missing.jsonl"), "--engine", "dask", "--output", str(tmp_path / "o")])
    assert res.exit_code == 2 and "missing.jsonl: no such file" in res.output


def test_importing_borderie_loads_no_engine():
    import subprocess
    import sys

    code = ("import sys, borderie, borderie.distributed, borderie.facts; "
            "heavy = {'dask', 'distributed', 'duckdb', 'pyarrow', 'networkx', 'spacy'} & set(sys.modules); assert not heavy, heavy; "
            "assert callable(borderie.extract_parquet) and callable(borderie.facts.build)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_extract_on_a_running_cluster_by_its_address(tmp_path, nlp):
    from distributed import LocalCluster
    from typer.testing import CliRunner

    src = write_input(tmp_path)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        res = CliRunner().invoke(app, ["extract", str(src), "--text-field", "body", "--engine", "dask", "--scheduler", cluster.scheduler_address,
                                       "--output", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert [d.to_dict() for d in read_parquet(tmp_path / "out")] == [d.to_dict() for d in borderie.extract_many(ARTICLES, nlp=nlp)]
