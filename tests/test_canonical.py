"""Canonical names: a table of mentions that must (or must not) become one entity."""

import pytest

from borderie.facts.canonical import canonical_key, entity_id, is_local, resolve_document, tone_first

SAME = [
    # label, one form, another form of the same body
    ("ORG", "BĐBP Lạng Sơn", "Bộ đội Biên phòng tỉnh Lạng Sơn"),
    ("ORG", "Bộ đội biên phòng", "Bộ đội Biên phòng"),
    ("ORG", "BĐBP", "Bộ đội Biên phòng"),
    ("ORG", "Bộ Chỉ huy BĐBP tỉnh Thanh Hoá", "Bộ đội Biên phòng Thanh Hóa"),
    ("ORG", "Đồn BP cửa khẩu quốc tế Móng Cái", "Đồn Biên phòng CKQT Móng Cái"),
    ("ORG", "Đồn biên phòng Sơn Trà", "ĐỒN BIÊN PHÒNG SƠN TRÀ"),
    ("ORG", "UBND tỉnh Cao Bằng", "Ủy ban nhân dân tỉnh Cao Bằng"),
    ("ORG", "UBND tỉnh Quảng Ninh", "Uỷ ban nhân dân tỉnh Quảng Ninh"),
    ("ORG", "Công an TP. Móng Cái", "Công an thành phố Móng Cái"),
    ("ORG", "Công an TP.Móng Cái", "Công an thành phố Móng Cái"),
    ("ORG", "UBND TP. Hà Nội", "UBND Hà Nội"),
    ("GATE", "CKQT Hữu Nghị", "cửa khẩu quốc tế Hữu Nghị"),
    ("GATE", "Cửa khẩu quốc tế Cầu Treo", "cửa khẩu Cầu Treo"),
    ("GATE", "Lao Bảo", "Cửa khẩu Quốc tế Lao Bảo"),
    ("GATE", "CK Tà Lùng", "cửa khẩu Tà Lùng"),
    ("LOC", "tỉnh An Giang", "An Giang"),
    ("LOC", "Thanh Hoá", "Thanh Hóa"),
    ("LOC", "TP. HCM", "thành phố Hồ Chí Minh"),
    ("LOC", "TP Móng Cái", "thành phố Móng Cái"),
    ("LOC", "thành phố Hà Nội", "Hà Nội"),
    ("LOC", "Hoà Bình", "Hòa Bình"),
    ("LOC", "TRUNG TÂN", "Trung Tân"),
    ("COUNTRY", "CHDCND Lào", "Lào"),
    ("COUNTRY", "Vương quốc Campuchia", "Campuchia"),
    ("COUNTRY", "Camphuchia", "Campuchia"),
    ("COUNTRY", "Việt", "Việt Nam"),
    ("COUNTRY", "nước CHXHCN Việt Nam", "Việt Nam"),
    ("MARKER", "mốc quốc giới số 1116", "Mốc 1116"),
    ("PER", "HÀ ĐỒNG", "Hà Đồng"),
    ("PER", "Nguyễn Thị Thuỳ", "Nguyễn Thị Thùy"),
    ("DOC", "Hiệp định 2016", "hiệp định 2016"),
]

DIFFERENT = [
    ("LOC", "huyện Nam Giang", "xã Nam Giang"),  # a district and a commune share names
    ("LOC", "thành phố Thanh Hóa", "tỉnh Thanh Hóa"),  # the city is not the province
    ("ORG", "Công an thành phố Lào Cai", "Công an tỉnh Lào Cai"),
    ("GATE", "lối mở Nà Lạn", "cửa khẩu Nà Lạn"),
    ("ORG", "Đồn Biên phòng Móng Cái", "Đồn Biên phòng cửa khẩu Móng Cái"),
    ("ORG", "Bộ Tư lệnh BĐBP", "Bộ đội Biên phòng"),
    ("ORG", "Công an tỉnh Lạng Sơn", "Công an huyện Lạng Sơn"),
    ("PER", "Nguyễn Xuân Phúc", "Nguyễn Xuân Phú"),
    ("LOC", "Lao Bảo", "Lào"),
    ("COUNTRY", "Lào", "Trung Quốc"),
]


@pytest.mark.parametrize("label,a,b", SAME)
def test_forms_of_one_body_share_a_key(label, a, b):
    assert canonical_key(a, label) == canonical_key(b, label)


@pytest.mark.parametrize("label,a,b", DIFFERENT)
def test_different_bodies_keep_different_keys(label, a, b):
    assert canonical_key(a, label) != canonical_key(b, label)


def test_keys_read_like_names():
    assert canonical_key("CKQT Hữu Nghị", "GATE") == "cửa khẩu hữu nghị"
    assert canonical_key("BĐBP Lạng Sơn", "ORG") == "bộ đội biên phòng lạng sơn"
    assert canonical_key("CHDCND Lào", "COUNTRY") == "lào"


@pytest.mark.parametrize("old,new", [("hoá", "hóa"), ("Hoà", "Hòa"), ("tuý", "túy"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"),
                                     ("quý", "quý"), ("hoàn", "hoàn"), ("hóa", "hóa"), ("Thuý", "Thúy")])
def test_tone_goes_on_the_first_vowel_of_open_glides(old, new):
    assert tone_first(old) == new


def test_abbreviations_expand_only_when_written_with_capitals():
    assert canonical_key("ca sĩ", "PER") == "ca sĩ"
    assert canonical_key("CA tỉnh Hà Giang", "ORG") == "công an hà giang"


@pytest.mark.parametrize("text,label", [("UBND tỉnh", "ORG"), ("Công an huyện", "ORG"), ("Đồn Biên phòng", "ORG"),
                                        ("Bộ Chỉ huy BĐBP tỉnh", "ORG"), ("thành phố", "LOC"), ("cửa khẩu", "GATE"), ("Nhất", "PER"),
                                        ("Năm đồn Biên phòng", "ORG"), ("các đồn biên phòng", "ORG")])
def test_names_that_say_no_body_stay_inside_their_document(text, label):
    assert is_local(canonical_key(text, label), label)
    assert entity_id(text, label, "doc-1") != entity_id(text, label, "doc-2")


@pytest.mark.parametrize("text,local", [("Phòng Phòng chống ma túy và tội phạm", True), ("Đội Đặc nhiệm", True),
                                        ("Đội Đặc nhiệm phòng chống ma túy và tội phạm BĐBP tỉnh Quảng Ninh", False),
                                        ("Ban Chỉ huy An ninh tỉnh Hủa Phăn", False), ("Trạm Kiểm soát Biên phòng CKC An Thới", False)])
def test_a_sub_unit_is_shared_only_with_its_parent_or_place(text, local):
    assert (entity_id(text, "ORG", "d1") != entity_id(text, "ORG", "d2")) is local


def test_named_bodies_are_shared_across_documents():
    assert entity_id("BĐBP Lạng Sơn", "ORG", "doc-1") == entity_id("Bộ đội Biên phòng tỉnh Lạng Sơn", "ORG", "doc-2") == "ORG:bộ đội biên phòng lạng sơn"
    assert entity_id("124 công dân", "QUANTITY", "doc-1") is None


def test_a_given_name_refers_back_to_the_one_full_name_in_its_document():
    ids = resolve_document([("Vi Văn Nhất", "PER"), ("Nhất", "PER"), ("Văn Nhất", "PER"), ("Tâm", "PER")], "d1")
    assert ids == ["PER:vi văn nhất", "PER:vi văn nhất", "PER:vi văn nhất", "PER:tâm@d1"]
    # two full names that end alike: the short form stays apart
    ids = resolve_document([("Nguyễn Văn Nam", "PER"), ("Trần Văn Nam", "PER"), ("Nam", "PER")], "d1")
    assert ids[2] == "PER:nam@d1"  # and a lone given name is never shared across documents
