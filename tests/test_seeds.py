"""The facts of the two seed articles (../shared/seeds) are found by the shipped model."""

import borderie
from borderie.schema import read_jsonl


def facts(doc):
    return {(h, label, t, tuple(sorted(args.items()))) for h, label, t, args in doc.triples()}


def test_seed_facts(nlp, seeds_path):
    gold = {d.id: d for d in read_jsonl(seeds_path)}
    first = borderie.extract(gold["000_14daa22b129b4ed2"].text, nlp=nlp)
    second = borderie.extract(gold["001_432570a72df19d5d"].text, nlp=nlp)
    f1 = {(h, label, t) for h, label, t, _ in first.triples()}
    assert ("Việt Nam", "MET", "Lào") in f1
    assert ("Nguyễn Minh Vũ", "LEADS", "Đoàn đại biểu biên giới Việt Nam") in f1
    assert ("Nguyễn Minh Vũ", "HAS_TITLE", "Thứ trưởng Thường trực") in f1
    f2 = second.triples()
    returned = {(h, t, args.get("quantity")) for h, label, t, args in f2 if label == "RETURNED"}
    assert ("Năm đồn Biên phòng", "Trung Quốc", "124 công dân") in returned
    assert ("Trung Quốc", "Năm đồn Biên phòng", "144 công dân") in returned
    labels = {label for _, label, _, _ in f2}
    assert "EXCHANGED" in labels and "PROCESSED" in labels
