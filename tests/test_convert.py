"""`borderie corpus convert`: round trips through every format, tool exports read as written, errors."""

import json

import pytest
from typer.testing import CliRunner

from borderie.cli import app
from borderie.corpus.convert import FORMATS, ConversionError, convert, read, write
from borderie.schema import Document, Entity, Relation, read_jsonl

from .conftest import FIXTURES

TINY = FIXTURES / "tiny.jsonl"
TOOLS = FIXTURES / "convert"
# Where each format is written in a temporary folder (brat is a folder).
TARGET = {"jsonl": "out.jsonl", "labelstudio": "out.json", "doccano": "out.doccano.jsonl", "brat": "out_brat", "conll": "out.conll", "docbin": "out.spacy"}
LOSSLESS = [f for f in FORMATS if f != "conll"]


def records(path):
    return [d.to_dict() for d in read_jsonl(path)]


def spans(doc_dict):
    return [(e["id"], e["start"], e["end"], e["label"], e["text"]) for e in doc_dict["entities"]]


@pytest.mark.parametrize("fmt", LOSSLESS)
def test_round_trip_is_lossless(tmp_path, fmt):
    middle, back = tmp_path / TARGET[fmt], tmp_path / "back.jsonl"
    there = convert(TINY, middle, "jsonl", fmt)
    again = convert(middle, back, fmt, "jsonl")
    assert records(back) == records(TINY)  # ids, offsets, relations, args, meta
    assert there.dropped == [] and again.dropped == []
    assert there.read == there.written == again.read


def awkward_document():
    """Leading spaces, a blank line, a tab, entities inside a word and with a double space, extra keys."""
    text = "  Lào\n\n  Việt Nam-Lào  \t(Bộ  đội)x"
    ents = [Entity("e1", 2, 5, "COUNTRY", "Lào"), Entity("e2", 9, 17, "COUNTRY", "Việt Nam"),
            Entity("e3", 18, 21, "COUNTRY", "Lào"), Entity("e4", 25, 32, "ORG", "Bộ  đội", {"value": 3})]
    rel = Relation("rA", "LOCATED_IN", "e4", "e2", extra={"score": 0.5})
    return Document("awkward", text, {"tags": [1, {"a": None}]}, ents, [rel])


@pytest.mark.parametrize("fmt", FORMATS)
def test_awkward_text_keeps_exact_offsets(tmp_path, fmt):
    doc = awkward_document()
    notes = write([doc], tmp_path / TARGET[fmt], fmt)
    (back,), _ = read(tmp_path / TARGET[fmt], fmt)
    assert back.text == doc.text
    assert [(e.start, e.end, e.label, e.text) for e in back.entities] == [(e.start, e.end, e.label, e.text) for e in doc.entities]
    if fmt in ("brat", "conll"):  # ids renumbered T1.., extra keys dropped, and said so
        assert [e.id for e in back.entities] == ["T1", "T2", "T3", "T4"]
        assert any("extra keys" in n for n in notes)
    else:
        assert back.to_dict() == doc.to_dict() and notes == []


def test_conll_round_trip_keeps_entities_and_reports_relations_dropped(tmp_path):
    report = convert(TINY, tmp_path / "out.conll", "jsonl", "conll")
    assert (report.read.relations, report.written.relations) == (8, 0)
    assert report.written.entities == report.read.entities == 17
    assert any("8 relation(s)" in note and "3 document(s)" in note for note in report.dropped)

    convert(tmp_path / "out.conll", tmp_path / "back.jsonl", "conll", "jsonl")
    before, after = records(TINY), records(tmp_path / "back.jsonl")
    assert [spans(d) for d in after] == [spans(d) for d in before]
    assert [(d["id"], d["text"], d["meta"]) for d in after] == [(d["id"], d["text"], d["meta"]) for d in before]
    assert all(d["relations"] == [] for d in after)


def test_conll_splits_tokens_at_entity_boundaries(tmp_path):
    write(list(read_jsonl(TINY))[:1], tmp_path / "f1.conll", "conll")
    lines = (tmp_path / "f1.conll").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# id = f1"
    assert ["3/4\tI-DATE", ",\tO"] == lines[lines.index("Ngày\tB-DATE") + 1 :][:2]  # "3/4," is two tokens


# The same sentence, annotated in each tool as the tool exports it.
HANDOVER = [(0, 22, "ORG", "Đồn Biên phòng Cốc Pài"), (41, 51, "COUNTRY", "Trung Quốc"), (52, 63, "QUANTITY", "12 công dân")]


@pytest.mark.parametrize(
    "fmt, path, doc_id, args",
    [
        ("labelstudio", TOOLS / "labelstudio.json", "41", {}),
        ("doccano", TOOLS / "doccano.jsonl", "1203", {}),
        ("brat", TOOLS / "brat", "handover-1", {"quantity": "QUANTITY"}),  # args from the AnnotatorNotes line
    ],
)
def test_reading_tool_exports(fmt, path, doc_id, args):
    (doc,), notes = read(path, fmt)
    assert doc.id == doc_id
    assert [(e.start, e.end, e.label, e.text) for e in sorted(doc.entities, key=lambda e: e.start)] == HANDOVER
    (rel,) = doc.relations
    assert (doc.entity(rel.head).label, rel.label, doc.entity(rel.tail).label) == ("ORG", "RETURNED", "COUNTRY")
    assert {role: doc.entity(eid).label for role, eid in rel.args.items()} == args


def test_label_studio_keeps_region_ids_and_notes_ignored_results():
    (doc,), notes = read(TOOLS / "labelstudio.json", "labelstudio")
    assert [e.id for e in doc.entities] == ["kQ3x_Tn1a0", "Zp8dLw2cYe", "m4RtVv9sQa"]
    assert doc.relations[0].id == "R1"
    assert any("'choices' ignored" in n for n in notes)


def test_doccano_ids_are_regenerated_in_text_order():
    (doc,), _ = read(TOOLS / "doccano.jsonl", "doccano")
    assert [(e.id, e.label) for e in doc.entities] == [("T3", "QUANTITY"), ("T1", "ORG"), ("T2", "COUNTRY")]
    assert (doc.relations[0].head, doc.relations[0].tail) == ("T1", "T2")


def test_conll_without_text_comment_rebuilds_text_from_tokens():
    (doc,), notes = read(TOOLS / "sample.conll", "conll")
    assert doc.text == "Đồn Biên phòng Cốc Pài trao trả cho phía Trung Quốc 12 công dân ."
    assert [(e.id, e.start, e.end, e.label, e.text) for e in doc.entities] == [("T1", *HANDOVER[0]), ("T2", *HANDOVER[1]), ("T3", *HANDOVER[2])]
    assert any("joining tokens with single spaces" in n for n in notes)


# ---------------------------------------------------------------- errors name file, line/record and problem


def tiny_record(**changes):
    rec = json.loads(TINY.read_text(encoding="utf-8").splitlines()[0])
    rec.update(changes)
    return rec


def write_doccano(path, rec):
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_error_offsets_do_not_match_text(tmp_path):
    tasks = json.loads((TOOLS / "labelstudio.json").read_text(encoding="utf-8"))
    tasks[0]["annotations"][0]["result"][0]["value"]["text"] = "Đồn Biên phòng"
    (tmp_path / "bad.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ConversionError, match=r"bad\.json, task #1: \[41\] entity kQ3x_Tn1a0: text\[0:22\] is 'Đồn Biên phòng Cốc Pài', not 'Đồn Biên phòng'"):
        read(tmp_path / "bad.json", "labelstudio")
    # Doccano exports carry no span text: offsets are checked against the text's length.
    rec = json.loads((TOOLS / "doccano.jsonl").read_text(encoding="utf-8"))
    rec["entities"][0]["end_offset"] = 99
    bad = write_doccano(tmp_path / "bad.jsonl", rec)
    with pytest.raises(ConversionError, match=r"bad\.jsonl, line 1: \[1203\] entity T3: offsets 52\.\.99 out of range"):
        read(bad, "doccano")


def test_error_unknown_label(tmp_path):
    bad = tmp_path / "bad.conll"
    bad.write_text("# id = d1\nBộ\tB-ARMY\nđội\tI-ARMY\n", encoding="utf-8")
    with pytest.raises(ConversionError, match=r"bad\.conll, line 1: \[d1\] entity T1: unknown label 'ARMY'"):
        read(bad, "conll")


def test_error_relation_to_missing_entity(tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d1.txt").write_text("Trung Quốc", encoding="utf-8")
    (folder / "d1.ann").write_text("T1\tCOUNTRY 0 10\tTrung Quốc\nR1\tRETURNED Arg1:T1 Arg2:T9\n", encoding="utf-8")
    with pytest.raises(ConversionError, match=r"d1\.ann: \[d1\] relation R1: tail 'T9' is not an entity"):
        read(folder, "brat")


def test_error_overlapping_spans(tmp_path):
    rec = tiny_record()
    rec["entities"].append({"id": "T9", "start": 24, "end": 32, "label": "LOC", "text": "Cốc Pài"})
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ConversionError, match=r"line 1: \[f1\] entities T2 \(10\.\.32\) and T9 \(24\.\.32\) overlap"):
        read(bad, "jsonl")


def test_error_discontinuous_brat_span(tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d1.txt").write_text("cửa khẩu Trà Lĩnh và Tà Lùng", encoding="utf-8")
    (folder / "d1.ann").write_text("T1\tGATE 0 8;21 28\tcửa khẩu Tà Lùng\n", encoding="utf-8")
    with pytest.raises(ConversionError, match=r"d1\.ann, line 1: T1 is discontinuous"):
        read(folder, "brat")


@pytest.mark.parametrize(
    "fmt, name, content, message",
    [
        ("conll", "bad.conll", "# id = d1\nBộ\n", r"bad\.conll, line 2: expected 'TOKEN<TAB>TAG'"),
        ("conll", "bad.conll", "# id = d1\nBộ\tB_ORG\n", r"bad\.conll, line 2: tag 'B_ORG' is not O"),
        ("doccano", "bad.jsonl", '{"text": "a"}\n{"text": \n', r"bad\.jsonl, line 2: not valid JSON"),
        ("jsonl", "bad.jsonl", '{"id": "x", "text": "a"}\n', r"bad\.jsonl, line 1: \[x\] missing key 'entities'"),
        ("labelstudio", "bad.json", '{"data": {}}', r"bad\.json: expected a JSON list of tasks"),
    ],
)
def test_error_malformed_input(tmp_path, fmt, name, content, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(ConversionError, match=message):
        read(tmp_path / name, fmt)


def test_error_malformed_brat_line(tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d1.txt").write_text("Lào", encoding="utf-8")
    (folder / "d1.ann").write_text("T1\tCOUNTRY 0 3\tLào\nR1 LOCATED_IN T1 T1\n", encoding="utf-8")
    with pytest.raises(ConversionError, match=r"d1\.ann, line 2: malformed R line"):
        read(folder, "brat")


@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_written_on_failure(tmp_path, fmt):
    docs = list(read_jsonl(TINY))
    docs[0].entities[0].label = "WHEN"
    target = tmp_path / TARGET[fmt]
    with pytest.raises(ConversionError, match=r"document #1: \[f1\] entity T1: unknown label 'WHEN'"):
        write(docs, target, fmt)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- command line

runner = CliRunner()


def test_cli_converts_and_prints_the_report(tmp_path):
    res = runner.invoke(app, ["corpus", "convert", str(TINY), str(tmp_path / "tiny.conll")])  # formats from the suffixes
    assert res.exit_code == 0, res.output
    assert "read 3 documents, 17 entities, 8 relations" in res.stdout
    assert "wrote 3 documents, 17 entities, 0 relations" in res.stdout
    assert "8 relation(s)" in res.stdout
    res = runner.invoke(app, ["corpus", "convert", str(TOOLS / "brat"), str(tmp_path / "out.jsonl"), "--from", "brat", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["written"] == {"documents": 1, "entities": 3, "relations": 1}


def test_cli_bad_input_and_bad_format(tmp_path):
    bad = tmp_path / "bad.conll"
    bad.write_text("# id = d1\nBộ\tB-ARMY\n", encoding="utf-8")
    res = runner.invoke(app, ["corpus", "convert", str(bad), str(tmp_path / "out.jsonl")])
    assert res.exit_code == 1
    assert "bad.conll, line 1: [d1] entity T1: unknown label 'ARMY'" in res.output and "nothing written" in res.output
    assert not (tmp_path / "out.jsonl").exists()
    res = runner.invoke(app, ["corpus", "convert", str(TINY), str(tmp_path / "x.out"), "--to", "excel"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["corpus", "convert", str(TINY), str(tmp_path / "x.out")])
    assert res.exit_code == 2 and "pass --to" in res.output
