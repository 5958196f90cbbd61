"""The word segmenter: underthesea's own model, decoded by borderie, word for word the same."""

import json
import re
from pathlib import Path

import pytest
from underthesea import word_tokenize

from borderie.pipeline import segmenter as seg_module
from borderie.pipeline.segmenter import CRFSegmenter, ModelFormatError, load_segmenter, model_dir, read_crfsuite

ROOT = Path(__file__).resolve().parents[1]
REALNEWS = ROOT.parent / "shared" / "realnews" / "general.jsonl"


@pytest.fixture(scope="module")
def segment():
    return CRFSegmenter(model_dir())


def _lines(path: Path, limit: int) -> list[str]:
    lines = []
    with open(path, encoding="utf-8") as fh:
        for n, row in enumerate(fh):
            if n >= limit:
                break
            lines += [x for x in re.findall(r"[^\n]+", json.loads(row)["text"]) if x.strip()]
    return lines


def test_same_words_as_underthesea_on_the_corpus(segment):
    lines = _lines(ROOT / "corpus" / "test.jsonl", 10_000)
    assert len(lines) > 500
    different = [line for line in lines if segment(line) != word_tokenize(line)]
    assert different == []


@pytest.mark.skipif(not REALNEWS.exists(), reason="../shared/realnews is not beside the checkout")
def test_same_words_as_underthesea_on_real_news(segment):
    lines = _lines(REALNEWS, 150)
    assert len(lines) > 300
    different = [line for line in lines if segment(line) != word_tokenize(line)]
    assert different == []


@pytest.mark.parametrize(
    "text",
    [
        "Hà",  # one syllable: every window reaches before and past the line
        "Lào Cai",
        "Cửa khẩu Hữu Nghị",
        "Ngày 5/12 , UBND TP.",  # punctuation and abbreviations count as title case
        "Thu giữ -5 , +7 , 2147483647 và 2147483648 viên",  # numbers as the model reads them
        "ĐỒN BIÊN PHÒNG CỬA KHẨU QUỐC TẾ LAO BẢO TIẾP NHẬN",
        "hoà bình, thuỷ lợi, quý khách",  # old-style tone placement is normalized
        "Bộ đội Biên phòng " * 200,  # a long line
        "“Tấm Cám: Chuyện chưa kể” – (phim) ... v.v. e-mail: a@b.vn",
    ],
)
def test_same_words_as_underthesea_on_edge_cases(segment, text):
    assert segment(text) == word_tokenize(text)


def test_empty_text_has_no_words(segment):
    assert segment("") == []
    assert segment("   ") == []


def test_the_model_file_is_read_as_crfsuite():
    labels, attrs, state, trans = read_crfsuite(model_dir() / "models.bin")
    assert labels == ["B-W", "I-W"]
    assert state.shape == (len(attrs), 2) and trans.shape == (2, 2)
    assert "T[-1,0].lower=bộ đội" in attrs


def test_a_damaged_model_file_is_refused_clearly(tmp_path):
    bad = tmp_path / "models.bin"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelFormatError, match="too short"):
        read_crfsuite(bad)
    bad.write_bytes(b"lCRF" + bytes(60))
    with pytest.raises(ModelFormatError, match="not a CRFsuite"):
        read_crfsuite(bad)


def test_another_underthesea_model_falls_back_to_word_tokenize(tmp_path, monkeypatch):
    monkeypatch.setattr(seg_module, "model_dir", lambda: tmp_path)  # no model files there
    assert load_segmenter.__wrapped__() is word_tokenize


def test_one_segmenter_per_process():
    assert load_segmenter() is load_segmenter()
