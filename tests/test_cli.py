"""The command line: extraction formats, stdin, JSONL input, bad files, corpus tools, evaluate, page."""

import json

from typer.testing import CliRunner

from borderie.cli import app

from .conftest import FIXTURES

runner = CliRunner()
SENT = "Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân tại cửa khẩu Hữu Nghị."


def test_extract_jsonl_from_stdin():
    res = runner.invoke(app, ["extract", "-", "--format", "jsonl"], input=SENT)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout.strip().splitlines()[0])
    assert doc["text"] == SENT
    assert any(e["text"] == "Trung Quốc" for e in doc["entities"])


def test_extract_every_format(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(SENT, encoding="utf-8")
    for fmt, check in (("json", lambda s: json.loads(s)[0]["text"] == SENT), ("csv", lambda s: s.startswith("doc_id,kind")),
                       ("triples", lambda s: "\t" in s or s == ""), ("table", lambda s: "COUNTRY" in s)):
        res = runner.invoke(app, ["extract", str(f), "--format", fmt])
        assert res.exit_code == 0, res.output
        assert check(res.stdout), (fmt, res.stdout)


def test_extract_jsonl_records_with_text_field_to_file(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x1", "body": SENT}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["extract", str(src), "--text-field", "body", "--format", "jsonl", "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "x1"


def test_extract_bad_inputs_name_file_and_record(tmp_path):
    res = runner.invoke(app, ["extract", str(tmp_path / "missing.txt")])
    assert res.exit_code == 2 and "missing.txt" in res.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"id": 2}\n', encoding="utf-8")
    res = runner.invoke(app, ["extract", str(bad), "--format", "jsonl"])
    assert res.exit_code == 1 and "bad.jsonl, line 2" in res.output


def test_corpus_validate_and_stats(tmp_path):
    res = runner.invoke(app, ["corpus", "validate", str(FIXTURES / "tiny.jsonl")])
    assert res.exit_code == 0, res.output
    bad = tmp_path / "bad.jsonl"
    rec = json.loads((FIXTURES / "tiny.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rec["entities"][0]["end"] = 999
    rec["relations"][0]["head"] = "T99"
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["corpus", "validate", str(bad)])
    assert res.exit_code == 1 and "out of range" in res.output and "'T99'" in res.output
    res = runner.invoke(app, ["corpus", "stats", str(FIXTURES / "tiny.jsonl"), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["documents"] == 3


def test_evaluate_on_tiny_fixture_with_baselines(tmp_path):
    out = tmp_path / "report.json"
    md = tmp_path / "report.md"
    res = runner.invoke(app, ["evaluate", "--data", str(FIXTURES / "tiny.jsonl"), "--baseline", "rules", "--json", str(out), "--markdown", str(md)])
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["systems"]) == {"borderie", "rules"} and "relations_on_gold_entities" in report
    assert "| rules | coarse |" in md.read_text(encoding="utf-8")


def test_evaluate_bad_arguments_exit_2():
    assert runner.invoke(app, ["evaluate", "--split", "valid"]).exit_code == 2
    assert runner.invoke(app, ["evaluate", "--data", "nope.jsonl"]).exit_code == 2
    assert runner.invoke(app, ["evaluate", "--data", str(FIXTURES / "tiny.jsonl"), "--baseline", "magic"]).exit_code == 2


def test_evaluate_threshold_gate(tmp_path):
    limits = tmp_path / "t.json"
    limits.write_text(json.dumps({"entities_exact_f1": 1.01}), encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "--data", str(FIXTURES / "tiny.jsonl"), "--thresholds", str(limits)])
    assert res.exit_code == 1 and "below threshold" in res.output


def test_visualize_page_contains_entities(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(SENT, encoding="utf-8")
    page = tmp_path / "page.html"
    res = runner.invoke(app, ["visualize", str(f), "--output", str(page)])
    assert res.exit_code == 0, res.output
    html = page.read_text(encoding="utf-8")
    assert "Trung Quốc" in html and "COUNTRY" in html and "<html" in html


def test_benchmark_reports_borderie_and_underthesea_rows(tmp_path):
    out = tmp_path / "bench.json"
    res = runner.invoke(app, ["benchmark", "--data", str(FIXTURES / "tiny.jsonl"), "--limit", "2", "--json", str(out)])
    assert res.exit_code == 0, res.output
    result = json.loads(out.read_text(encoding="utf-8"))
    systems = [r["system"] for r in result["rows"]]
    assert systems[0] == "borderie extract_many (n_process=1)"
    assert "underthesea word_tokenize" in systems and any(s.startswith("underthesea ner") for s in systems)
    assert all(r["docs"] == 2 and r["words_per_s"] > 0 for r in result["rows"])
    assert result["load_seconds"] >= 0 and result["peak_rss_mb_end"] > 0


def test_benchmark_missing_data_exits_2(tmp_path):
    res = runner.invoke(app, ["benchmark", "--data", str(tmp_path / "none.jsonl")])
    assert res.exit_code == 2 and "no such file" in res.output


def test_a_bad_model_path_exits_2_with_a_hint(tmp_path):
    for args in (["extract", "-", "--model", str(tmp_path)], ["evaluate", "--model", str(tmp_path), "--data", str(FIXTURES / "tiny.jsonl")]):
        res = runner.invoke(app, args, input=SENT)
        assert res.exit_code == 2 and "borderie train --output" in res.output
