"""Word vectors from raw news (`borderie pretrain`): evaluation text left out, vectors
keyed the way spaCy looks them up, a folder `borderie train --vectors` reads."""

import json

import pytest

from borderie.corpus import CORPUS_DIR
from borderie.pretraining import PretrainError, pretrain_vectors
from borderie.schema import read_jsonl


@pytest.fixture()
def raw_news(tmp_path):
    docs = list(read_jsonl(CORPUS_DIR / "test.jsonl"))[:20]
    path = tmp_path / "raw.jsonl"
    path.write_text("".join(json.dumps({"id": d.id, "text": d.text}, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_text(json.dumps({"id": "other-id", "text": docs[0].text}, ensure_ascii=False) + "\n", encoding="utf-8")
    return path, held_out


def test_pretrain_leaves_out_evaluation_text_and_writes_spacy_vectors(raw_news, tmp_path):
    import spacy

    raw, held_out = raw_news
    stats = pretrain_vectors([raw], tmp_path / "vectors", exclude=[held_out], dim=8, min_count=1, epochs=1, log=lambda m: None)
    assert stats["documents"] == 19 and stats["excluded"] == 1  # excluded by its text, whatever its id
    vectors = spacy.load(tmp_path / "vectors").vocab.vectors
    assert vectors.shape == (stats["rows"], 8)
    # looked up by the token as written: lower case, Capitalized and Title Case share a row
    assert vectors.find(key="biên phòng") == vectors.find(key="Biên phòng") == vectors.find(key="Biên Phòng")


def test_pretrain_names_a_bad_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Đồn Biên phòng"}\nnot json\n', encoding="utf-8")
    with pytest.raises(PretrainError, match="line 2"):
        pretrain_vectors([bad], tmp_path / "v", log=lambda m: None)
