"""Newspaper-spelling variants keep every offset and change only titles and dates."""

from borderie import Document, Entity, Relation
from borderie.augment import augment, hyphen_date, lower_title, variant
from borderie.validation import check_record

TEXT = "Sáng 5/6/2024, Thiếu tá Lò Văn Hùng, Phó Đồn trưởng Đồn Biên phòng Tà Lùng, tiếp đoàn. Đại tá Hà Văn Nam dự."


def doc() -> Document:
    def ent(eid, text, label, nth=0):
        start = TEXT.index(text)
        for _ in range(nth):
            start = TEXT.index(text, start + 1)
        return Entity(eid, start, start + len(text), label, text)

    ents = [ent("T1", "5/6/2024", "DATE"), ent("T2", "Thiếu tá", "TITLE"), ent("T3", "Lò Văn Hùng", "PER"),
            ent("T4", "Phó Đồn trưởng", "TITLE"), ent("T5", "Đồn Biên phòng Tà Lùng", "ORG"), ent("T6", "Đại tá", "TITLE")]
    return Document("d1", TEXT, {"date": "2024-06-05"}, ents, [Relation("R1", "HAS_TITLE", "T3", "T2")])


def test_titles_and_dates_in_newspaper_spelling():
    assert lower_title("Phó Đồn trưởng") == "phó đồn trưởng"
    assert lower_title("Thứ trưởng Ngoại giao") == "thứ trưởng Ngoại giao"
    assert hyphen_date("ngày 5/6/2024") == "ngày 5-6-2024" and hyphen_date("quý I/2024") == "quý I/2024"


def test_variant_keeps_offsets_relations_and_sentence_initial_capitals():
    v = variant(doc())
    assert len(v.text) == len(TEXT) and v.id == "d1~news" and v.relations == doc().relations
    assert "Sáng 5-6-2024, thiếu tá Lò Văn Hùng, phó đồn trưởng Đồn Biên phòng Tà Lùng" in v.text
    assert "Đại tá Hà Văn Nam" in v.text  # starts a sentence: keeps its capital
    assert [e.text for e in v.entities] == ["5-6-2024", "thiếu tá", "Lò Văn Hùng", "phó đồn trưởng", "Đồn Biên phòng Tà Lùng", "Đại tá"]
    assert check_record(v.to_dict()) == []


def test_augment_is_reproducible_and_respects_the_rate():
    docs = [doc()] * 50
    a, b = augment(docs, rate=0.5, seed=3), augment(docs, rate=0.5, seed=3)
    assert [x.to_dict() for x in a] == [x.to_dict() for x in b]
    assert 10 < len(a) < 40 and augment(docs, rate=0.0, seed=3) == []


def test_unit_heads_in_newspaper_spelling_keep_the_proper_name():
    from borderie.augment import lower_org_heads

    assert lower_org_heads("Đồn Biên phòng Bát Xát") == "đồn biên phòng Bát Xát"
    assert lower_org_heads("Bộ Chỉ huy Bộ đội Biên phòng tỉnh Lào Cai") == "bộ chỉ huy bộ đội biên phòng tỉnh Lào Cai"
    assert lower_org_heads("Công an huyện An Phú") == "công an huyện An Phú"  # "An Phú" keeps its capitals


def test_org_variant_changes_only_unit_names():
    v = variant(doc(), titles=False, dates=False, orgs=True)
    assert "đồn biên phòng Tà Lùng" in v.text and "Thiếu tá" in v.text and len(v.text) == len(TEXT)
