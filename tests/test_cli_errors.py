"""Bad input gives a one-line error naming the file or record (exit 1 or 2), never a traceback,
and a failed run never destroys a previous output."""

import json

import pytest
from typer.testing import CliRunner

from borderie.cli import app
from borderie.corpus.convert import ConversionError, read
from borderie.validation import check_record, validate_path

from .conftest import FIXTURES

runner = CliRunner()
SENT = "Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân tại cửa khẩu Hữu Nghị."
NOT_UTF8 = b"Bi\xean ph\xf2ng \xff\xfe trao tr\xe1"  # Latin-1 bytes, not UTF-8
BINARY = bytes(range(256)) * 4


def one_line_error(res, code, *needles):
    """The command failed with ``code``, printed no traceback, and its message names every needle."""
    assert res.exit_code == code, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    for needle in needles:
        assert needle in res.output, (needle, res.output)


def jsonl(path, *records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- extract --output


@pytest.mark.parametrize(
    "make_input, code, needle",
    [
        (lambda d: d / "missing.txt", 2, "missing.txt: no such file"),
        (lambda d: d, 2, "is a folder"),
        (lambda d: (d / "bad.txt").write_bytes(NOT_UTF8) and d / "bad.txt", 1, "not UTF-8"),
        (lambda d: (d / "broken.jsonl").write_text(json.dumps({"text": SENT}) + "\n{broken\n", encoding="utf-8") and d / "broken.jsonl", 1, "broken.jsonl, line 2"),
        (lambda d: jsonl(d / "surrogate.jsonl", {"id": "s1", "text": SENT.replace("Quốc", "Qu\ud800ốc")}), 1, "'s1'"),
    ],
    ids=["missing", "folder", "not-utf8", "broken-jsonl", "surrogate-as-table"],
)
def test_a_failed_extract_keeps_the_previous_output(tmp_path, make_input, code, needle):
    out = tmp_path / "out.txt"
    out.write_text("yesterday's results\n", encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    res = runner.invoke(app, ["extract", str(make_input(inputs)), "--output", str(out)])
    one_line_error(res, code, needle)
    assert out.read_text(encoding="utf-8") == "yesterday's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.txt"]  # no partial file left behind


def test_extract_replaces_the_output_only_when_it_succeeds(tmp_path):
    src = jsonl(tmp_path / "in.jsonl", {"id": "a", "text": SENT})
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(src), "--format", "jsonl", "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "a"


def test_a_lone_surrogate_is_written_escaped_in_jsonl(tmp_path):
    src = jsonl(tmp_path / "in.jsonl", {"id": "s1", "text": "Lạng Sơn \ud800 trao trả 5 công dân."})
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["extract", str(src), "--format", "jsonl", "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert "\\ud800" in out.read_text(encoding="utf-8")
    assert json.loads(out.read_text(encoding="utf-8"))["text"] == "Lạng Sơn \ud800 trao trả 5 công dân."


@pytest.mark.parametrize("where, needle", [("missing/out.jsonl", "does not exist"), (".", "is a folder")])
def test_output_in_a_missing_folder_or_on_a_folder_exits_2(tmp_path, where, needle):
    for command in (["extract", "-", "--output"], ["visualize", str(FIXTURES / "tiny.jsonl"), "--output"]):
        res = runner.invoke(app, command + [str(tmp_path / where)], input=SENT)
        one_line_error(res, 2, needle)


def test_output_that_is_also_the_input_is_refused(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(SENT, encoding="utf-8")
    one_line_error(runner.invoke(app, ["extract", str(src), "--output", str(src)]), 2, "also an input")
    one_line_error(runner.invoke(app, ["visualize", str(src), "--output", str(src)]), 2, "also an input")
    assert src.read_text(encoding="utf-8") == SENT
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes((FIXTURES / "tiny.jsonl").read_bytes())
    for option in ("--json", "--markdown"):
        one_line_error(runner.invoke(app, ["evaluate", "--data", str(gold), option, str(gold)]), 2, "also an input")
    one_line_error(runner.invoke(app, ["benchmark", "--data", str(gold), "--json", str(gold)]), 2, "also an input")
    assert gold.read_bytes() == (FIXTURES / "tiny.jsonl").read_bytes()


@pytest.mark.parametrize("meta", [[1, 2], "2025-12-27", 7])
def test_meta_that_is_not_an_object_names_the_line(tmp_path, meta):
    src = jsonl(tmp_path / "in.jsonl", {"id": "a", "text": SENT}, {"id": "b", "text": SENT, "meta": meta})
    one_line_error(runner.invoke(app, ["extract", str(src), "--format", "jsonl"]), 1, "in.jsonl, line 2", "'meta'")


def test_binary_stdin_and_binary_files(tmp_path):
    one_line_error(runner.invoke(app, ["extract", "-"], input=NOT_UTF8), 1, "<stdin>", "not UTF-8")
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + BINARY)
    for command in (["extract", str(png)], ["visualize", str(png), "--output", str(tmp_path / "p.html")]):
        one_line_error(runner.invoke(app, command), 1, "photo.png", "not UTF-8")
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(SENT.encode("utf-16-le"))
    one_line_error(runner.invoke(app, ["extract", str(utf16)]), 1, "utf16.txt", "not UTF-8")


def test_rich_markup_in_ids_and_file_names_is_printed_as_is(tmp_path):
    src = jsonl(tmp_path / "in.jsonl", {"id": "[/x] [bold]a[/bold]", "text": SENT + " [/red] [link=x]"})
    res = runner.invoke(app, ["extract", str(src)])
    assert res.exit_code == 0, res.output
    assert "[/x] [bold]a[/bold]" in res.stdout
    (tmp_path / "a[").mkdir()
    odd = tmp_path / "a[" / "x].txt"  # the path reads "a[/x].txt"
    odd.write_bytes(NOT_UTF8)
    one_line_error(runner.invoke(app, ["extract", str(odd)]), 1, "a[/x].txt")
    one_line_error(runner.invoke(app, ["extract", str(tmp_path / "a[" / "y].txt")]), 2, "a[/y].txt")


# --------------------------------------------------------------------------- corpus validate


def test_validate_reports_undecodable_and_binary_files(tmp_path):
    bad = tmp_path / "latin.jsonl"
    good_line = (FIXTURES / "tiny.jsonl").read_text(encoding="utf-8").splitlines()[0]
    bad.write_bytes(good_line.encode("utf-8") + b"\n" + NOT_UTF8 + b"\n")
    (tmp_path / "photo.jsonl").write_bytes(BINARY)
    res = runner.invoke(app, ["corpus", "validate", str(bad), str(tmp_path / "photo.jsonl")])
    one_line_error(res, 1, "latin.jsonl:2:", "photo.jsonl:1:", "not UTF-8")


@pytest.mark.parametrize("where", ["entity id", "entity label", "relation id", "relation label", "relation head", "relation arg"])
@pytest.mark.parametrize("value", [["T1"], {"id": "T1"}])
def test_validator_reports_ids_and_labels_that_are_lists_or_dicts(where, value):
    rec = json.loads((FIXTURES / "tiny.jsonl").read_text(encoding="utf-8").splitlines()[0])
    kind, key = where.split()
    target = rec["entities"][0] if kind == "entity" else rec["relations"][0]
    if key == "arg":
        target["args"] = {"date": value}
    else:
        target[key] = value
    problems = check_record(rec)
    assert any(type(value).__name__ in p for p in problems), problems


# --------------------------------------------------------------------------- corpus convert


LABELSTUDIO_SHAPES = {
    "a dict of tasks": {"data": {"text": SENT}},
    "annotations a dict": [{"data": {"text": SENT}, "annotations": {"result": []}}],
    "annotations of strings": [{"data": {"text": SENT}, "annotations": ["x"]}],
    "result a dict": [{"data": {"text": SENT}, "annotations": [{"result": {"x": 1}}]}],
    "result of lists": [{"data": {"text": SENT}, "annotations": [{"result": [[1, 2]]}]}],
    "value a list": [{"data": {"text": SENT}, "annotations": [{"result": [{"type": "labels", "value": [0, 3]}]}]}],
    "labels a string": [{"data": {"text": SENT}, "annotations": [{"result": [{"type": "labels", "id": "a", "value": {"start": 0, "end": 3, "labels": "ORG"}}]}]}],
    "meta a list": [{"data": {"text": SENT}, "annotations": [{"result": [{"type": "labels", "id": "a", "meta": ["x"], "value": {"start": 0, "end": 3, "labels": ["ORG"]}}]}]}],
    "extra a string": [{"data": {"text": SENT}, "annotations": [{"result": [{"type": "labels", "id": "a", "meta": {"extra": "v"}, "value": {"start": 0, "end": 3, "labels": ["ORG"]}}]}]}],
    "relation id a list": [{"data": {"text": SENT}, "annotations": [{"result": [{"type": "relation", "from_id": "a", "to_id": "b", "labels": ["MET"], "meta": {"id": ["R1"]}}]}]}],
    "relation args a list": [{"data": {"text": SENT}, "annotations": [{"result": [{"type": "relation", "from_id": "a", "to_id": "b", "labels": ["MET"], "meta": {"args": [1]}}]}]}],
    "offsets strings": [{"data": {"text": SENT}, "annotations": [{"result": [{"type": "labels", "id": "a", "value": {"start": "0", "end": "3", "labels": ["ORG"]}}]}]}],
}
DOCCANO_SHAPES = {
    "a list record": [SENT],
    "entities a dict": {"text": SENT, "entities": {"id": 1}},
    "entity id a list": {"text": SENT, "entities": [{"id": [1], "label": "ORG", "start_offset": 0, "end_offset": 3}]},
    "label a dict": {"text": SENT, "entities": [{"id": 1, "label": {"ORG": 1}, "start_offset": 0, "end_offset": 3}]},
    "relations a string": {"text": SENT, "relations": "RETURNED"},
    "from_id a dict": {"text": SENT, "relations": [{"from_id": {"a": 1}, "to_id": 2, "type": "MET"}]},
    "args a list": {"text": SENT, "relations": [{"from_id": 1, "to_id": 2, "type": "MET", "args": [1]}]},
    "Comments a number": {"text": SENT, "Comments": 3},
    "extra a string": {"text": SENT, "entities": [{"id": 1, "label": "ORG", "start_offset": 0, "end_offset": 3, "extra": "v"}]},
}


@pytest.mark.parametrize("name", LABELSTUDIO_SHAPES)
def test_label_studio_files_of_the_wrong_shape(tmp_path, name):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(LABELSTUDIO_SHAPES[name]), encoding="utf-8")
    with pytest.raises(ConversionError, match="export.json"):
        read(path, "labelstudio")


@pytest.mark.parametrize("name", DOCCANO_SHAPES)
def test_doccano_files_of_the_wrong_shape(tmp_path, name):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(DOCCANO_SHAPES[name]) + "\n", encoding="utf-8")
    with pytest.raises(ConversionError, match="export.jsonl"):
        read(path, "doccano")


@pytest.mark.parametrize("meta", ["{not json", "[1, 2]", '"text"', "\udcff"])
def test_brat_meta_json_garbage_names_the_file(tmp_path, meta):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d1.txt").write_text("Đồn Biên phòng Cốc Pài.", encoding="utf-8")
    (folder / "d1.ann").write_text("T1\tORG 0 22\tĐồn Biên phòng Cốc Pài\n", encoding="utf-8")
    (folder / "d1.meta.json").write_bytes(meta.encode("utf-8", "surrogateescape"))
    with pytest.raises(ConversionError, match=r"d1\.meta\.json"):
        read(folder, "brat")


@pytest.mark.parametrize("fmt, name", [("jsonl", "in.jsonl"), ("labelstudio", "in.json"), ("doccano", "in.jsonl"), ("conll", "in.conll"), ("brat", "folder")])
def test_convert_of_non_utf8_input_is_one_line(tmp_path, fmt, name):
    out = tmp_path / "out.jsonl"
    if fmt == "brat":
        src = tmp_path / name
        src.mkdir()
        (src / "d1.txt").write_bytes(NOT_UTF8)
        (src / "d1.ann").write_text("", encoding="utf-8")
        needle = "d1.txt"
    else:
        src = tmp_path / name
        src.write_bytes(b"\n" + NOT_UTF8)
        needle = f"{name}, line 2"
    res = runner.invoke(app, ["corpus", "convert", str(src), str(out), "--from", fmt, "--to", "jsonl"])
    one_line_error(res, 1, needle, "not UTF-8")
    assert not out.exists()


def test_validate_path_on_lists_of_ids_does_not_crash(tmp_path):
    rec = json.loads((FIXTURES / "tiny.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rec["relations"][0]["id"] = ["R1"]
    problems = validate_path(jsonl(tmp_path / "x.jsonl", rec))
    assert [p.line for p in problems] == [1] and "relation #0: id is a list" in str(problems[0])


def test_report_files_of_evaluate_and_benchmark_are_checked_before_the_run(tmp_path):
    for command in (["evaluate", "--data", str(FIXTURES / "tiny.jsonl"), "--json"], ["evaluate", "--data", str(FIXTURES / "tiny.jsonl"), "--markdown"],
                    ["benchmark", "--data", str(FIXTURES / "tiny.jsonl"), "--json"]):
        one_line_error(runner.invoke(app, command + [str(tmp_path / "no" / "report")]), 2, "does not exist")


@pytest.mark.parametrize("command", [["corpus", "stats"], ["corpus", "consistency"], ["evaluate", "--data"]])
@pytest.mark.parametrize("line", ["[1, 2]", '{"id": [1], "text": "abc", "entities": [], "relations": []}', '{"id": "a", "text": "abc", "meta": [1], "entities": [], "relations": []}'])
def test_gold_files_are_checked_before_they_are_read(tmp_path, command, line):
    bad = tmp_path / "gold.jsonl"
    bad.write_text(line + "\n", encoding="utf-8")
    one_line_error(runner.invoke(app, command + [str(bad)]), 1, "gold.jsonl:1:", "borderie corpus validate")


def test_a_lone_surrogate_in_a_record_is_a_validation_problem_printed_escaped(tmp_path):
    src = jsonl(tmp_path / "in.jsonl", {"id": "a\ud800", "text": "L\ud800ng", "entities": [], "relations": []})
    for command in (["corpus", "validate", str(src)], ["corpus", "convert", str(src), str(tmp_path / "out.json")]):
        one_line_error(runner.invoke(app, command), 1, "a\\ud800", "lone surrogate U+D800 at offset 1")
    assert not (tmp_path / "out.json").exists()


def test_evaluate_on_a_folder_says_so(tmp_path):
    one_line_error(runner.invoke(app, ["evaluate", "--data", str(tmp_path)]), 2, "is a folder")


@pytest.mark.parametrize("content", [NOT_UTF8, b"{broken\n", b'{"body": "x"}\n', b"[1]\n", b'{"text": 5}\n'])
def test_benchmark_on_unreadable_data_is_one_line(tmp_path, content):
    data = tmp_path / "texts.jsonl"
    data.write_bytes(content)
    one_line_error(runner.invoke(app, ["benchmark", "--data", str(data)]), 1, "texts.jsonl")


def test_convert_to_a_folder_or_onto_its_input_is_refused(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes((FIXTURES / "tiny.jsonl").read_bytes())
    one_line_error(runner.invoke(app, ["corpus", "convert", str(src), str(tmp_path), "--to", "jsonl"]), 2, "is a folder")
    one_line_error(runner.invoke(app, ["corpus", "convert", str(src), str(src)]), 2, "also the input")
    assert src.read_bytes() == (FIXTURES / "tiny.jsonl").read_bytes()
