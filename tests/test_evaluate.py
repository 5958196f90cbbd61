"""The scorer on hand-made cases: every miss is seen, exact and lenient differ, strict needs args."""

from borderie import Document, Entity, Relation
from borderie.evaluate import score

TEXT = "Đồn Biên phòng A trao trả cho Lào 3 công dân ngày 2/3."


def gold():
    return Document(
        "d", TEXT,
        entities=[Entity("T1", 0, 16, "ORG", "Đồn Biên phòng A"), Entity("T2", 30, 33, "COUNTRY", "Lào"),
                  Entity("T3", 34, 44, "QUANTITY", "3 công dân"), Entity("T4", 45, 53, "DATE", "ngày 2/3")],
        relations=[Relation("R1", "RETURNED", "T1", "T2", {"quantity": "T3", "date": "T4"})],
    )


def test_perfect_prediction():
    rep = score([gold()], [gold()])
    assert rep.entities_exact.micro.f1 == 1.0
    assert rep.relations_loose.micro.f1 == 1.0 and rep.relations_strict.micro.f1 == 1.0


def test_exact_versus_lenient():
    pred = gold()
    pred.entities[0] = Entity("T1", 4, 16, "ORG", "Biên phòng A")  # wrong boundary
    rep = score([gold()], [pred])
    assert rep.entities_exact.per_label["ORG"].tp == 0
    assert rep.entities_exact.per_label["ORG"].fp == 1 and rep.entities_exact.per_label["ORG"].fn == 1
    assert rep.entities_lenient.per_label["ORG"].tp == 1
    assert any(e.kind == "wrong_boundary" for e in rep.errors)


def test_gold_relation_never_proposed_is_a_miss():
    pred = gold()
    pred.relations = []
    rep = score([gold()], [pred])
    assert rep.relations_loose.micro.fn == 1 and rep.relations_loose.micro.recall == 0.0
    assert any(e.kind == "missed_relation" for e in rep.errors)


def test_relation_whose_head_entity_is_wrong_counts_as_false_positive_and_miss():
    pred = gold()
    pred.entities[0] = Entity("T1", 0, 3, "ORG", "Đồn")
    rep = score([gold()], [pred])
    rl = rep.relations_loose.per_label["RETURNED"]
    assert (rl.tp, rl.fp, rl.fn) == (0, 1, 1)


def test_strict_requires_every_gold_arg():
    pred = gold()
    pred.relations = [Relation("R1", "RETURNED", "T1", "T2", {"quantity": "T3"})]  # date missing
    rep = score([gold()], [pred])
    assert rep.relations_loose.micro.f1 == 1.0
    assert rep.relations_strict.micro.tp == 0 and rep.relations_strict.micro.fn == 1


def test_wrong_label_goes_to_confusion_table():
    pred = gold()
    pred.entities[1] = Entity("T2", 30, 33, "LOC", "Lào")
    rep = score([gold()], [pred])
    assert rep.confusion["COUNTRY"]["LOC"] == 1
    assert any(e.kind == "wrong_label" for e in rep.errors)


def test_report_is_json_safe():
    import json

    json.dumps(score([gold()], [gold()]).to_dict())


def test_mismatched_texts_are_refused():
    import pytest

    other = gold()
    other.text = TEXT + " "
    with pytest.raises(ValueError, match="text differs"):
        score([gold()], [other])
