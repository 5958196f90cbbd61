"""The facts of the two seed articles (../shared/seeds) are found by the shipped model."""

import pytest

import borderie
from borderie.schema import read_jsonl


@pytest.fixture(scope="module")
def seed_docs(nlp, seeds_path):
    gold = {d.id: d for d in read_jsonl(seeds_path)}
    first = borderie.extract(gold["000_14daa22b129b4ed2"].text, nlp=nlp)
    second = borderie.extract(gold["001_432570a72df19d5d"].text, nlp=nlp)
    return first, second


def test_second_seed_returned_and_processed(seed_docs):
    _, second = seed_docs
    f2 = second.triples()
    returned = {(h, t, args.get("quantity")) for h, label, t, args in f2 if label == "RETURNED"}
    assert ("Năm đồn Biên phòng", "Trung Quốc", "124 công dân") in returned
    assert "PROCESSED" in {label for _, label, _, _ in f2}


def test_second_seed_exchanged(seed_docs):
    _, second = seed_docs
    exchanged = {(h, t) for h, label, t, _ in second.triples() if label == "EXCHANGED"}
    assert ("5 đồn Biên phòng", "Trạm Kiểm tra Biên phòng xuất nhập cảnh Hữu Nghị Quan") in exchanged


def test_first_seed_leads_and_title(seed_docs):
    first, _ = seed_docs
    f1 = {(h, label, t) for h, label, t, _ in first.triples()}
    assert ("Nguyễn Minh Vũ", "LEADS", "Đoàn đại biểu biên giới Việt Nam") in f1
    assert ("Nguyễn Minh Vũ", "HAS_TITLE", "Thứ trưởng Thường trực") in f1


def test_second_seed_reverse_return(seed_docs):
    _, second = seed_docs
    returned = {(h, t, args.get("quantity")) for h, label, t, args in second.triples() if label == "RETURNED"}
    assert ("Trung Quốc", "Năm đồn Biên phòng", "144 công dân") in returned


def test_first_seed_met_between_countries(seed_docs):
    first, _ = seed_docs
    f1 = {(h, label, t) for h, label, t, _ in first.triples()}
    assert ("Việt Nam", "MET", "Lào") in f1
