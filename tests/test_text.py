"""The tokenizer never changes the caller's text; the canonical form maps back exactly."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.vocab import Vocab

from borderie.cleaning import clean_text
from borderie.pipeline.tokenizer import WordTokenizer
from borderie.sentences import sentence_spans

TOKENIZER = WordTokenizer(Vocab())
VI = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐBCNLTHQVKỞ"
pieces = st.lists(
    st.one_of(
        st.text(alphabet=VI, min_size=1, max_size=8),
        st.sampled_from([" ", "  ", "\t", "\r\n", "\n\n", "\u200b", "\ufeff", "\x00", ".", ",", "/", "-", "(", ")", "131.000", "0,5", "./."]),
    ),
    max_size=40,
)
texts = st.builds(lambda parts, nfd: unicodedata.normalize("NFD", "".join(parts)) if nfd else "".join(parts), pieces, st.booleans())


@settings(max_examples=150, deadline=None)
@given(texts)
def test_doc_text_is_the_input(text):
    doc = TOKENIZER(text)
    assert doc.text == text


def test_words_keep_their_syllables_and_name_boundaries():
    text = "Đoàn đại biểu biên giới Việt Nam-Lào họp tại tỉnh Tuyên Quang hợp nhất."
    doc = TOKENIZER(text)
    words = [t.text for t in doc]
    assert "biên giới" in words and "Lào" in words and "Tuyên Quang" in words
    starts = {t.idx for t in doc}
    ends = {t.idx + len(t) for t in doc}
    for name in ("Việt Nam", "Lào", "Tuyên Quang"):
        a = text.index(name)
        assert a in starts and a + len(name) in ends, name


def test_nfd_and_invisible_characters_give_the_same_token_boundaries():
    clean = "Bộ đội Biên phòng tỉnh Lạng Sơn trao trả 12 công dân."
    messy = unicodedata.normalize("NFD", clean).replace(" trao", "\u200b trao")
    a = [t.text for t in TOKENIZER(clean) if not t.is_space]
    b = [unicodedata.normalize("NFC", t.text).replace("\u200b", "") for t in TOKENIZER(messy) if not t.is_space]
    assert a == b


@settings(max_examples=150, deadline=None)
@given(texts)
def test_clean_text_maps_every_character_back(text):
    clean = clean_text(text)
    assert unicodedata.is_normalized("NFC", clean.text)
    for i, ch in enumerate(clean.text):
        s, e = clean.to_original(i, i + 1)
        if not ch.isspace():
            assert unicodedata.normalize("NFC", text[s:e]).replace("\u200b", "").replace("\ufeff", "").replace("\x00", "") == ch


def test_clean_text_folds_whitespace_and_composes():
    clean = clean_text("  Hoa\u0301\t\t Bình\r\n\r\nLào\u200b ")
    assert clean.text == "Hoá Bình\nLào"
    assert clean.to_original(0, 3) == (2, 6)


def test_sentences_of_news_text():
    text = "Trao trả 12 công dân\nNgày 9.12, ông T.T. Hùng cho biết trên 131.000 lượt. Hai bên nhất trí./. Ảnh: Quang Duy - TTXVN"
    sents = [text[s:e] for s, e in sentence_spans(text)]
    assert sents == ["Trao trả 12 công dân", "Ngày 9.12, ông T.T. Hùng cho biết trên 131.000 lượt.", "Hai bên nhất trí./.", "Ảnh: Quang Duy - TTXVN"]


def test_stray_combining_mark_after_a_precomposed_letter():
    text = "Ướ́c tính của anh H., đã có khoảng 30-40 cửa hàng."
    assert TOKENIZER(text).text == text


INVISIBLE_FORMAT = ["\u2066", "\u2069", "\u061c", "\u180e", "\u034f", "\ufe0f", "\U000e0041", "\x1c", "\x1f", "\u200b"]


@pytest.mark.parametrize("ch", INVISIBLE_FORMAT)
def test_format_characters_are_dropped_without_cutting_the_word(ch):
    text = f"tỉnh Lạ{ch}ng Sơn"
    clean = clean_text(text)
    assert clean.text == "tỉnh Lạng Sơn"
    start, end = clean.to_original(5, 13)  # "Lạng Sơn"
    assert text[start:end] == f"Lạ{ch}ng Sơn"
    words = [t.text for t in TOKENIZER(text) if not t.is_space]
    assert f"Lạ{ch}ng Sơn" in words


def test_clean_text_of_clean_text_is_the_identity():
    text = "Bộ đội Biên phòng tỉnh Lạng Sơn\ntrao trả 12 công dân."
    clean = clean_text(text)
    assert clean.is_identity and clean.text == text and clean.to_original(4, 7) == (4, 7)
    messy = clean_text("  Bộ  đội\r\n\r\nBiên phòng ")
    assert not messy.is_identity and clean_text(messy.text).is_identity


def test_spans_never_end_on_an_invisible_character():
    text = "Lạng Sơn\u200b trao trả"
    clean = clean_text(text)
    start, end = clean.to_original(0, 8)
    assert text[start:end] == "Lạng Sơn"
