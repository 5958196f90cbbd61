"""The fact base: build from extractions, ask it, export it, and the answers an analyst wants."""

import csv
import json

import pytest
from typer.testing import CliRunner

import borderie
from borderie import facts
from borderie.cli import app
from borderie.distributed import extract_partition, rows_to_table

from .articles import ARTICLES

pytest.importorskip("duckdb")
runner = CliRunner()


@pytest.fixture(scope="module")
def extractions(nlp, tmp_path_factory):
    """The test articles run through borderie, written as `borderie extract --format jsonl` does."""
    path = tmp_path_factory.mktemp("facts") / "extractions.jsonl"
    path.write_text("".join(d.to_json() + "\n" for d in borderie.extract_many(ARTICLES, nlp=nlp)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def db(extractions):
    path = extractions.parent / "facts.duckdb"
    res = runner.invoke(app, ["facts", "build", str(extractions), "--db", str(path)])
    assert res.exit_code == 0, res.output
    return path


def rows(db, sql):
    return facts.query(db, sql)[1]


def test_build_fills_documents_mentions_entities_and_facts(db):
    n = facts.counts(db)
    assert n["documents"] == 5 and n["facts"] >= 5 and n["canonical entities"] < n["distinct spellings"]


def test_spellings_of_one_body_become_one_entity_across_documents(db):
    (name, docs, forms), = rows(db, "SELECT name, documents, forms FROM entities WHERE entity_id = 'ORG:bộ đội biên phòng lạng sơn'")
    assert docs == 2 and forms == 2 and name in ("Bộ đội Biên phòng tỉnh Lạng Sơn", "BĐBP Lạng Sơn")
    (gate_docs,), = rows(db, "SELECT documents FROM entities WHERE entity_id = 'GATE:cửa khẩu hữu nghị'")
    assert gate_docs == 2  # "cửa khẩu quốc tế Hữu Nghị" and "CKQT Hữu Nghị"


def test_handovers_carry_persons_month_border_and_sentence(db):
    got = rows(db, "SELECT doc_id, head, tail, quantity_value, month, date_source, border, sentence, head_start, head_end "
                   "FROM facts WHERE type = 'RETURNED' ORDER BY doc_id")
    by_doc = {r[0]: r for r in got}
    assert by_doc["d1"][3:7] == (12, "2025-03", "text", "Trung Quốc")
    assert by_doc["d5"][6] == "Campuchia"
    assert by_doc["d4"][4:6] == ("2025-05", "article")  # no date in the sentence: the article's
    text = {a["id"]: a["text"] for a in ARTICLES}
    for doc_id, head, *_, sentence, hs, he in got:
        assert sentence in text[doc_id] and text[doc_id][hs:he] in sentence


def test_summary_answers_the_analysts_questions(db):
    s = facts.summary(db)
    assert {"relation types", "top units", "top gates", "top countries", "persons returned per month and border", "seizures per unit"} <= set(s)
    returned = {(m, b): p for m, b, _, p in s["persons returned per month and border"]["rows"]}
    assert returned[("2025-03", "Trung Quốc")] == 12
    assert any(row[0] == "Đồn Biên phòng Nậm Cắn" for row in s["seizures per unit"]["rows"])
    res = runner.invoke(app, ["facts", "summary", "--db", str(db)])
    assert res.exit_code == 0 and "persons returned per month and border" in res.output


def test_query_runs_sql_read_only(db):
    res = runner.invoke(app, ["facts", "query", "--db", str(db), "--format", "json", "SELECT type, count(*) AS n FROM facts GROUP BY type ORDER BY type"])
    assert res.exit_code == 0 and {"type": "RETURNED", "n": 4} in json.loads(res.stdout)
    res = runner.invoke(app, ["facts", "query", "--db", str(db), "DELETE FROM facts"])
    assert res.exit_code == 1 and "query failed" in res.output
    assert facts.counts(db)["facts"] > 0


def test_export_csv_and_graphml(db, tmp_path):
    out = tmp_path / "facts.csv"
    res = runner.invoke(app, ["facts", "export", "--db", str(db), "--format", "csv", "--output", str(out)])
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {"type", "head", "tail", "quantity_value", "sentence", "doc_id"} <= set(table[0])
    nx = pytest.importorskip("networkx")
    graph_path = tmp_path / "facts.graphml"
    res = runner.invoke(app, ["facts", "export", "--db", str(db), "--format", "graphml", "--output", str(graph_path)])
    assert res.exit_code == 0, res.output
    graph = nx.read_graphml(graph_path)
    assert graph.nodes["COUNTRY:trung quốc"]["label"] == "COUNTRY"
    edge_types = {d["type"] for _, _, d in graph.edges(data=True)}
    assert "RETURNED" in edge_types and "SEIZED" not in edge_types  # a seizure's tail is a quantity, not a node


def test_build_reads_parquet_folders_like_jsonl(nlp, db, tmp_path):
    import pyarrow.parquet as pq

    folder = tmp_path / "extractions"
    folder.mkdir()
    pq.write_table(rows_to_table(extract_partition(ARTICLES, nlp=nlp)), folder / "part-00000.parquet")
    facts.build([folder], tmp_path / "p.duckdb")
    assert facts.counts(tmp_path / "p.duckdb") == facts.counts(db)


def test_bad_inputs_give_one_line_errors_and_write_nothing(tmp_path):
    raw = tmp_path / "raw.jsonl"
    raw.write_text(json.dumps({"id": "x", "text": "Không có thực thể."}) + "\n", encoding="utf-8")
    target = tmp_path / "f.duckdb"
    res = runner.invoke(app, ["facts", "build", str(raw), "--db", str(target)])
    assert res.exit_code == 1 and "raw.jsonl, line 1: not an extraction" in res.output and not target.exists()
    res = runner.invoke(app, ["facts", "build", str(tmp_path / "missing.jsonl"), "--db", str(target)])
    assert res.exit_code == 2 and "missing.jsonl: no such file" in res.output
    res = runner.invoke(app, ["facts", "summary", "--db", str(target)])
    assert res.exit_code == 2 and "no fact base there" in res.output
    with pytest.raises(facts.FactBaseError, match="does not exist"):
        facts.build([], tmp_path / "no" / "such" / "f.duckdb")


def test_an_article_in_two_inputs_is_loaded_once_but_an_id_with_two_texts_is_refused(extractions, tmp_path):
    n = facts.build([extractions, extractions], tmp_path / "twice.duckdb")
    assert n["documents"] == 5 and n["duplicates skipped"] == 5
    other = tmp_path / "other.jsonl"
    rec = json.loads(extractions.read_text(encoding="utf-8").splitlines()[0])
    other.write_text(json.dumps({**rec, "text": rec["text"] + " Thêm.", "entities": [], "relations": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(facts.FactBaseError, match="document id 'd1' in .*other.jsonl names two different texts"):
        facts.build([extractions, other], tmp_path / "dup.duckdb")


def test_report_is_one_offline_page_with_charts_and_facts(db, tmp_path):
    page = tmp_path / "report.html"
    res = runner.invoke(app, ["report", "--db", str(db), "--output", str(page)])
    assert res.exit_code == 0, res.output
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "Handovers (RETURNED facts) per month and border" in html
    assert '<mark class="head">Bộ đội Biên phòng tỉnh Lạng Sơn</mark>' in html  # the fact's sentence, head marked
    assert "http://" not in html and "https://" not in html and "<link" not in html and "<script src" not in html


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def chromium():
    import shutil

    path = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if path is None:
        pytest.skip("no headless Chromium (apt-get install chromium)")
    return path


def test_report_renders_in_headless_chromium(db, tmp_path):
    import subprocess

    browser = chromium()
    page = facts.report(db, tmp_path / "report.html")
    flags = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-ready="1"' in dom  # the page's filter script ran
    assert dom.count("<rect") >= 10 and dom.count('<tr data-type="') == facts.counts(db)["facts"]
    shot = tmp_path / "report.png"
    subprocess.run([*flags, "--window-size=1280,1400", f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
