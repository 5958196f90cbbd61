"""Boundary rules on recognized spans (borderie/pipeline/entity_rules.py, GUIDELINES 4.30)."""

import pytest

import borderie
from borderie.pipeline.entity_rules import repair


@pytest.fixture(scope="module")
def nlp():
    return borderie.load()


def spans_after_rules(nlp, text, *predicted):
    """Tokenize ``text``, set the given (surface, label) spans as if the recognizer had
    found them, and return the rules' result as (surface, label) pairs."""
    doc = nlp.make_doc(text)
    ents = []
    for surface, label in predicted:
        start = text.index(surface)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, surface
        ents.append(span)
    doc.ents = ents
    return [(e.text, e.label_) for e in repair(doc)]


def test_unit_code_and_parent_are_split_off(nlp):
    text = "Hôm qua, Phòng Cảnh sát hình sự (PC02) - Công an tỉnh Sơn La tạm giữ 3 nghi phạm."
    got = spans_after_rules(nlp, text, ("Phòng Cảnh sát hình sự (PC02) - Công an tỉnh Sơn La", "ORG"), ("3 nghi phạm", "QUANTITY"))
    assert got == [
        ("Phòng Cảnh sát hình sự", "ORG"),
        ("PC02", "ORG"),
        ("Công an tỉnh Sơn La", "ORG"),
        ("3 nghi phạm", "QUANTITY"),
    ]


def test_unbalanced_bracket_is_cut(nlp):
    text = "Buổi làm việc giữa Sở Công Thương và Sở Thương mại Champasak (Lào) kết thúc chiều nay."
    got = spans_after_rules(nlp, text, ("Sở Công Thương", "ORG"), ("Sở Thương mại Champasak (Lào", "ORG"))
    assert got == [("Sở Công Thương", "ORG"), ("Sở Thương mại Champasak", "ORG")]


def test_abbreviation_inside_a_name_joins_the_two_halves(nlp):
    text = "Hải đội 2, Bộ đội Biên phòng (BĐBP) tỉnh Kiên Giang kéo tàu về bờ."
    got = spans_after_rules(nlp, text, ("Hải đội 2", "ORG"), ("Bộ đội Biên phòng", "ORG"), ("BĐBP) tỉnh Kiên Giang", "ORG"))
    assert got == [("Hải đội 2", "ORG"), ("Bộ đội Biên phòng (BĐBP) tỉnh Kiên Giang", "ORG")]


def test_descriptor_before_a_capitalized_name_is_dropped(nlp):
    text = "Chiếc xe tải bị lực lượng Hải quan Lạng Sơn giữ lại ở bãi."
    assert spans_after_rules(nlp, text, ("lực lượng Hải quan Lạng Sơn", "ORG")) == [("Hải quan Lạng Sơn", "ORG")]


def test_descriptor_that_heads_a_lower_case_name_stays(nlp):
    text = "Lực lượng bảo vệ biên giới tỉnh Takeo tuần tra chung."
    assert spans_after_rules(nlp, text, ("Lực lượng bảo vệ biên giới tỉnh Takeo", "ORG")) == [("Lực lượng bảo vệ biên giới tỉnh Takeo", "ORG")]


def test_well_formed_spans_are_left_alone(nlp):
    text = "Đồn Biên phòng Bản Vược (BĐBP Lào Cai) trao trả 12 công dân cho phía Trung Quốc."
    predicted = [("Đồn Biên phòng Bản Vược", "ORG"), ("BĐBP Lào Cai", "ORG"), ("12 công dân", "QUANTITY"), ("Trung Quốc", "COUNTRY")]
    assert spans_after_rules(nlp, text, *predicted) == predicted


def test_the_shipped_pipeline_runs_the_rules_after_the_recognizer(nlp):
    assert nlp.pipe_names.index("borderie_entity_rules") == nlp.pipe_names.index("ner") + 1
    doc = borderie.extract("Phòng Cảnh sát kinh tế (PC03) phối hợp với Đồn Biên phòng Ka Long tạm giữ 4 người.")
    for e in doc.entities:
        assert doc.text[e.start : e.end].count("(") == doc.text[e.start : e.end].count(")")
