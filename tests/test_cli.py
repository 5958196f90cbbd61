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
    assert "borderie extract_many without relations (n_process=1)" in systems
    assert "underthesea word_tokenize" in systems and not any(s.startswith("underthesea ner") for s in systems)
    assert all(r["docs"] == 2 and r["words_per_s"] > 0 for r in result["rows"])
    assert result["ratio_to_underthesea_tokenize"]["borderie extract_many (n_process=1)"] > 0
    assert {"tokenize", "tok2vec+ner", "relations"} <= {s["stage"] for s in result["stages"]}
    assert result["load_seconds"] >= 0 and result["peak_rss_mb_end"] > 0


def test_benchmark_scaling_without_baselines(tmp_path):
    out = tmp_path / "bench.json"
    args = ["benchmark", "--data", str(FIXTURES / "tiny.jsonl"), "--limit", "2", "--n-process", "1", "--n-process", "2", "--baseline", "none", "--no-stages", "--json", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    result = json.loads(out.read_text(encoding="utf-8"))
    assert not any(r["system"].startswith("underthesea") for r in result["rows"])
    assert set(result["scaling"]) == {"1", "2"} and result["stages"] == []
    assert result["peak_rss_mb_workers"] > 0


def test_benchmark_refuses_none_with_another_baseline(tmp_path):
    res = runner.invoke(app, ["benchmark", "--data", str(FIXTURES / "tiny.jsonl"), "--baseline", "none", "--baseline", "underthesea-ner"])
    assert res.exit_code == 2 and "cannot be combined" in res.output


def test_benchmark_missing_data_exits_2(tmp_path):
    res = runner.invoke(app, ["benchmark", "--data", str(tmp_path / "none.jsonl")])
    assert res.exit_code == 2 and "no such file" in res.output


def test_a_bad_model_path_exits_2_with_a_hint(tmp_path):
    for args in (["extract", "-", "--model", str(tmp_path)], ["evaluate", "--model", str(tmp_path), "--data", str(FIXTURES / "tiny.jsonl")]):
        res = runner.invoke(app, args, input=SENT)
        assert res.exit_code == 2 and "borderie train --output" in res.output


# --- issue 13: install, output formats, rough edges -------------------------------------------

TWO = "Đồn Biên phòng Cốc Pài trao trả cho phía Trung Quốc 12 công dân. Đồn Biên phòng Cốc Pài trao trả cho phía Trung Quốc 12 công dân."


def write_jsonl(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records), encoding="utf-8")
    return path


def test_version_option():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == "borderie 0.1.0"


def test_extract_limit_stops_after_n_documents(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{k}", "text": SENT} for k in range(3)])
    res = runner.invoke(app, ["extract", str(src), "--limit", "2", "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["d0", "d1"]


def test_extract_skip_errors_reports_bad_records_and_goes_on(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "ok1", "text": SENT},
        '{"id": "broken", "text": ',
        {"id": "no-text", "body": SENT},
        {"id": "bad-meta", "text": SENT, "meta": ["not", "an", "object"]},
        {"id": "ok2", "text": SENT},
    ])
    res = runner.invoke(app, ["extract", str(src), "--format", "jsonl", "--skip-errors"])
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["ok1", "ok2"]
    for where in ("in.jsonl, line 2: not valid JSON", "in.jsonl, line 3: no string field 'text'", "in.jsonl, line 4: 'meta' is a list"):
        assert where in res.stderr
    assert "3 bad record(s) skipped" in res.stderr

    # without --skip-errors the first bad record stops the run, and says how to go on
    res = runner.invoke(app, ["extract", str(src), "--format", "jsonl"])
    assert res.exit_code == 1 and "in.jsonl, line 2" in res.stderr and "--skip-errors" in res.stderr


def test_extract_keeps_the_records_other_fields_in_meta(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a1", "source": "paper/2025/a1.txt", "text": SENT, "meta": {"date": "2025-12-27"}}])
    res = runner.invoke(app, ["extract", str(src), "--format", "jsonl"])
    assert json.loads(res.stdout)["meta"] == {"source": "paper/2025/a1.txt", "date": "2025-12-27"}


def test_extract_csv_relation_rows_carry_entity_ids_offsets_and_score(tmp_path):
    import csv
    import io

    res = runner.invoke(app, ["extract", "-", "--format", "csv"], input=SENT)
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    entities = {r["id"]: r for r in rows if r["kind"] == "entity"}
    rel = next(r for r in rows if r["kind"] == "relation" and r["label"] == "RETURNED")
    head, tail = entities[rel["head"]], entities[rel["tail"]]
    assert (rel["head_start"], rel["head_end"], rel["head_text"]) == (head["start"], head["end"], head["text"])
    assert SENT[int(rel["tail_start"]) : int(rel["tail_end"])] == tail["text"] == "Trung Quốc"
    assert 0 < float(rel["score"]) <= 1
    assert "quantity=" in rel["args"] and "quantity=124 công dân" in rel["args_text"]


def test_extract_triples_have_a_header_a_score_and_count_duplicates():
    res = runner.invoke(app, ["extract", "-", "--format", "triples"], input=TWO)
    lines = [line.split("\t") for line in res.stdout.splitlines()]
    assert lines[0] == ["doc_id", "head", "relation", "tail", "score", "count", "args"]
    returned = [row for row in lines[1:] if row[2] == "RETURNED"]
    assert len(returned) == 1  # the same fact twice in one document is one line...
    doc_id, head, _, tail, score, count, args = returned[0]
    assert (head, tail, count) == ("Đồn Biên phòng Cốc Pài", "Trung Quốc", "2")  # ...counted twice
    assert 0 < float(score) <= 1 and args == "quantity=12 công dân"


def test_extract_progress_bar_knows_the_total(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{k}", "text": SENT} for k in range(3)])
    res = runner.invoke(app, ["extract", str(src), "--format", "jsonl", "--output", str(tmp_path / "out.jsonl")])
    assert res.exit_code == 0 and "3/3" in res.stderr
    res = runner.invoke(app, ["extract", str(src), "--limit", "2", "--format", "jsonl", "--output", str(tmp_path / "out.jsonl")])
    assert "2/2" in res.stderr


def test_extract_on_a_folder_says_it_is_a_folder(tmp_path):
    res = runner.invoke(app, ["extract", str(tmp_path)])
    assert res.exit_code == 2 and "is a folder" in res.stderr and "no such file" not in res.stderr


def test_evaluate_coarse_table_lists_only_per_org_loc_and_markdown_is_headed(tmp_path):
    md = tmp_path / "report.md"
    res = runner.invoke(app, ["evaluate", "--data", str(FIXTURES / "tiny.jsonl"), "--markdown", str(md)])
    assert res.exit_code == 0, res.output
    coarse = res.stdout.split("entities, exact (coarse PER/ORG/LOC)")[1].split("micro")[0]
    assert all(f" {label} " in coarse for label in ("PER", "ORG", "LOC"))
    assert not any(f" {label} " in coarse for label in ("TITLE", "GATE", "COUNTRY", "DATE", "QUANTITY"))
    text = md.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# Evaluation on") and "(3 documents)" in headings[0]
    assert [h for h in headings if h.startswith("## Entities")] and [h for h in headings if h.startswith("## Relations")]
    entity_part, relation_part = text.split("## Relations", 1)
    assert "entities_exact_f1" not in text and "RETURNED" not in entity_part  # no entity rows among relations, nor the reverse
    assert "| relations end to end (loose) |" in relation_part and "| PER |" not in relation_part


def test_train_with_a_missing_file_exits_2_before_training(tmp_path):
    res = runner.invoke(app, ["train", "--train", str(tmp_path / "none.jsonl"), "--dev", str(FIXTURES / "tiny.jsonl"), "--output", str(tmp_path / "m")])
    assert res.exit_code == 2 and "--train" in res.stderr and "none.jsonl: no such file" in res.stderr
    res = runner.invoke(app, ["train", "--train", str(FIXTURES / "tiny.jsonl"), "--dev", str(FIXTURES / "tiny.jsonl"), "--output", str(tmp_path / "m"), "--base", str(tmp_path)])
    assert res.exit_code == 2 and "--base" in res.stderr
    assert not (tmp_path / "m").exists()


def test_train_log_has_colour_codes_only_on_a_terminal(capsys):
    from borderie.cli import log_line

    log_line("\x1b[38;5;2m✔ Initialized pipeline\x1b[0m")
    assert capsys.readouterr().err.strip() == "✔ Initialized pipeline"


def test_corpus_stats_works_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["corpus", "stats", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["documents"] >= 400  # the shipped corpus
    res = runner.invoke(app, ["corpus", "stats", "--split", "dev", "--json"])
    assert set(json.loads(res.stdout)["splits"]) == {"dev"}
    res = runner.invoke(app, ["corpus", "stats", "corpus"])
    assert res.exit_code == 2 and "leave PATH out for the shipped corpus" in res.stderr


def test_convert_of_a_doccano_file_without_from_says_to_pass_it(tmp_path):
    src = FIXTURES / "convert" / "doccano.jsonl"
    res = runner.invoke(app, ["corpus", "convert", str(src), str(tmp_path / "out.conll")])
    assert res.exit_code == 2 and "pass --from doccano" in res.stderr
    assert res.stderr.count("\n") <= 3 and not (tmp_path / "out.conll").exists()
    res = runner.invoke(app, ["corpus", "convert", str(src), str(tmp_path / "out.conll"), "--from", "doccano"])
    assert res.exit_code == 0, res.output


def test_consistency_lines_are_not_wrapped_when_piped():
    res = runner.invoke(app, ["corpus", "consistency", str(FIXTURES.parent.parent / "corpus" / "dev.jsonl")])
    findings = [line for line in res.stdout.splitlines() if line]
    assert findings and all(": " in line for line in findings)  # every line is a whole finding
    assert max(len(line) for line in findings) > 80


def test_every_command_and_option_has_a_help_text():
    import typer

    def commands(cmd, path):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from commands(sub, f"{path} {name}")

    missing = [f"{path}: {'command' if p is None else p.name}"
               for path, cmd in commands(typer.main.get_command(app), "borderie")
               for p in [None, *cmd.params]
               if not (cmd.help if p is None else getattr(p, "help", None))]
    assert missing == []
