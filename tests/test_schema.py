"""Schema types round-trip records exactly; the validator reports every problem at once."""

import json

import pytest

from borderie import Document
from borderie.validation import check_record, validate_lines, validate_path

from .conftest import FIXTURES


def test_round_trip_is_exact():
    for line in (FIXTURES / "tiny.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert Document.from_dict(record).to_dict() == record


def test_extra_keys_survive_round_trip():
    record = {"id": "x", "text": "12 thư", "meta": {}, "entities": [{"id": "T1", "start": 0, "end": 6, "label": "QUANTITY", "text": "12 thư", "value": 12, "unit": "thư"}], "relations": []}
    doc = Document.from_dict(record)
    assert doc.entities[0].value == 12 and doc.entities[0].unit == "thư"
    assert doc.to_dict() == record


def good():
    return {
        "id": "d1",
        "text": "Đồn Biên phòng A trao trả cho Lào 3 công dân.",
        "meta": {},
        "entities": [
            {"id": "T1", "start": 0, "end": 16, "label": "ORG", "text": "Đồn Biên phòng A"},
            {"id": "T2", "start": 30, "end": 33, "label": "COUNTRY", "text": "Lào"},
            {"id": "T3", "start": 34, "end": 44, "label": "QUANTITY", "text": "3 công dân"},
        ],
        "relations": [{"id": "R1", "label": "RETURNED", "head": "T1", "tail": "T2", "args": {"quantity": "T3"}}],
    }


def test_valid_record_has_no_problem():
    assert check_record(good()) == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda r: r["entities"][0].update(end=99), "out of range"),
        (lambda r: r["entities"][0].update(text="Đồn"), "not 'Đồn'"),
        (lambda r: r["entities"].append({"id": "T9", "start": 4, "end": 10, "label": "ORG", "text": "Biên p"}), "overlap"),
        (lambda r: r["entities"][1].update(label="NATION"), "unknown label 'NATION'"),
        (lambda r: r["relations"][0].update(tail="T7"), "'T7' is not an entity"),
        (lambda r: r["relations"][0].update(label="LEADS"), "head T1 is ORG"),
        (lambda r: r["relations"][0]["args"].update(event="T3"), "role 'event' not allowed"),
        (lambda r: r.update(text=__import__("unicodedata").normalize("NFD", r["text"])), "not NFC"),
        (lambda r: r["entities"].append(dict(r["entities"][0])), "duplicate entity id"),
    ],
)
def test_each_validation_error_is_reported(mutate, expected):
    record = good()
    mutate(record)
    problems = check_record(record)
    assert any(expected in p for p in problems), problems


def test_all_problems_reported_with_file_line_and_id(tmp_path):
    bad = good()
    bad["entities"][0]["end"] = 99
    bad["relations"][0]["label"] = "FOO"
    lines = [json.dumps(good(), ensure_ascii=False), "", json.dumps(bad, ensure_ascii=False), json.dumps(good(), ensure_ascii=False)]
    problems = list(validate_lines(lines, "x.jsonl"))
    assert {p.line for p in problems} == {3, 4}
    assert any("duplicate document id" in p.message for p in problems)
    assert all(p.file == "x.jsonl" and p.doc_id == "d1" for p in problems)
    assert len([p for p in problems if p.line == 3]) >= 2
    assert str(problems[0]).startswith("x.jsonl:3: [d1]")


def test_validator_accepts_the_seed_gold(seeds_path):
    assert validate_path(seeds_path) == []
