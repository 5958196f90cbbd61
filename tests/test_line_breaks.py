"""A line break inside a sentence does not end it; headlines, captions and bullets still do."""

import borderie
from borderie.sentences import sentence_spans

SENT = "Ngày 16/3/2016, Đồn Biên phòng Hữu Nghị trao trả cho phía Trung Quốc 124 công dân tại cửa khẩu Hữu Nghị."


def sentences(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_a_lower_case_line_or_a_trailing_comma_goes_on_with_the_sentence():
    assert sentences("Đồn Biên phòng trao trả\ncho phía Trung Quốc 12 công dân.") == ["Đồn Biên phòng trao trả\ncho phía Trung Quốc 12 công dân."]
    assert sentences("Ngày 16/3,\r\nĐồn Biên phòng Hữu Nghị trao trả 12 công dân.") == ["Ngày 16/3,\r\nĐồn Biên phòng Hữu Nghị trao trả 12 công dân."]
    assert sentences("Yến đã thoả thuận với Nh.\n\nvề việc nhận con.") == ["Yến đã thoả thuận với Nh.\n\nvề việc nhận con."]


def test_headlines_captions_and_bullets_stay_sentences_of_their_own():
    text = "Trao trả 12 công dân\nNgày 9/12, hai bên trao trả 12 công dân.\n- Đồn A tiếp nhận 5 người;\n- Đồn B tiếp nhận 7 người.\nẢnh: Quang Duy\niPhone ra mắt./.\ntheo TTXVN"
    assert sentences(text) == [
        "Trao trả 12 công dân",
        "Ngày 9/12, hai bên trao trả 12 công dân.",
        "- Đồn A tiếp nhận 5 người;",
        "- Đồn B tiếp nhận 7 người.",
        "Ảnh: Quang Duy",
        "iPhone ra mắt./.",  # a word with a capital inside is a name, not a continuation
        "theo TTXVN",  # "./." closes the article: what follows is not its sentence
    ]


def test_a_relation_keeps_its_location_across_a_line_break(nlp):
    expected = borderie.extract(SENT, nlp=nlp).triples()
    assert expected and expected[0][3].get("location") == "cửa khẩu Hữu Nghị"
    for cut in ("124 công dân ", "trao trả ", "cho phía "):
        wrapped = SENT.replace(cut, cut.rstrip() + "\n", 1)
        assert borderie.extract(wrapped, nlp=nlp).triples() == expected, wrapped


def test_the_pipeline_still_splits_at_a_headline(nlp):
    doc = nlp("Lạng Sơn trao trả 124 công dân\n" + SENT)
    assert [s.text for s in doc.sents] == ["Lạng Sơn trao trả 124 công dân\n", SENT]
