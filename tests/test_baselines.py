"""Baselines map to the coarse label set; the rules baseline finds the obvious patterns."""

from borderie import Document, Entity
from borderie.baselines import rules_baseline, to_coarse, underthesea_ner


def test_coarse_mapping():
    doc = Document("d", "Đồn A ở Lào, cửa khẩu B, ngày 2/3", entities=[
        Entity("T1", 0, 5, "ORG", "Đồn A"), Entity("T2", 8, 11, "COUNTRY", "Lào"),
        Entity("T3", 13, 23, "GATE", "cửa khẩu B"), Entity("T4", 25, 33, "DATE", "ngày 2/3")])
    coarse = to_coarse(doc)
    assert [(e.text, e.label) for e in coarse.entities] == [("Đồn A", "ORG"), ("Lào", "LOC"), ("cửa khẩu B", "LOC")]


def test_underthesea_baseline_aligns_to_text():
    # words that borderie's own tokenizer would cut further ("Tiếp nhận", "28/2/2025")
    # must still map one to one onto underthesea's tags
    text = "Tiếp nhận ngày 28/2/2025, ông Nguyễn Văn Hải đến Hà Nội."
    fake = lambda s: [("Tiếp nhận", "V", "B-VP", "O"), ("ngày", "N", "B-NP", "O"), ("28/2/2025", "M", "B-NP", "O"),
                      (",", "CH", "O", "O"), ("ông", "Nc", "B-NP", "O"), ("Nguyễn Văn Hải", "Np", "B-NP", "B-PER"),
                      ("đến", "V", "B-VP", "O"), ("Hà Nội", "Np", "B-NP", "B-LOC"), (".", "CH", "O", "O")]
    [doc] = underthesea_ner([Document("d", text)], ner=fake)
    assert [(e.text, e.label) for e in doc.entities] == [("Nguyễn Văn Hải", "PER"), ("Hà Nội", "LOC")]
    assert all(text[e.start:e.end] == e.text for e in doc.entities)


def test_rules_baseline_finds_patterns():
    text = "Ngày 16/3/2016, Đồn Biên phòng Tà Lùng trao trả 12 công dân cho Trung Quốc tại cửa khẩu Tà Lùng gần mốc 450."
    [doc] = rules_baseline([Document("d", text)])
    found = {(e.text, e.label) for e in doc.entities}
    assert ("Trung Quốc", "COUNTRY") in found and ("mốc 450", "MARKER") in found and ("12 công dân", "QUANTITY") in found
    assert ("cửa khẩu Tà Lùng", "GATE") in found
