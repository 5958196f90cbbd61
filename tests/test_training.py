"""A tiny training run completes, loads and extracts; the same seed gives the same predictions."""

import json

import pytest

import borderie
from borderie.corpus import CORPUS_DIR
from borderie.training import TrainingError, train

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    train_lines = (CORPUS_DIR / "train.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    dev_lines = (CORPUS_DIR / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    (root / "train.jsonl").write_text("\n".join(train_lines) + "\n", encoding="utf-8")
    (root / "dev.jsonl").write_text("\n".join(dev_lines) + "\n", encoding="utf-8")
    return root


def run(data, out, seed=7, **kwargs):
    kwargs.setdefault("max_epochs", 2)
    return train(data / "train.jsonl", data / "dev.jsonl", out, seed=seed, log=lambda m: None, **kwargs)


def test_tiny_training_gives_a_loadable_model(tiny_data, tmp_path):
    scores = run(tiny_data, tmp_path / "m1")
    assert set(scores["dev"]) >= {"entities_exact_f1", "relations_end_to_end_f1"}
    nlp = borderie.load(tmp_path / "m1")
    doc = borderie.extract("Đồn Biên phòng Tà Lùng trao trả cho phía Trung Quốc 12 công dân.", nlp=nlp)
    assert doc.text.startswith("Đồn")
    card = (tmp_path / "m1" / "README.md").read_text(encoding="utf-8")
    assert "hash" in card and "dev" in card
    assert not list((tmp_path / "m1").rglob("*.pkl"))


def test_same_seed_same_predictions(tiny_data, tmp_path):
    run(tiny_data, tmp_path / "a")
    run(tiny_data, tmp_path / "b")
    texts = [json.loads(l)["text"] for l in (CORPUS_DIR / "test.jsonl").read_text(encoding="utf-8").splitlines()[:5]]
    a = [d.to_dict() for d in borderie.extract_many(texts, nlp=borderie.load(tmp_path / "a"))]
    b = [d.to_dict() for d in borderie.extract_many(texts, nlp=borderie.load(tmp_path / "b"))]
    assert a == b


def test_bad_input_names_file_line_and_problem_and_writes_nothing(tiny_data, tmp_path):
    bad = tmp_path / "bad.jsonl"
    rec = json.loads((tiny_data / "train.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rec["entities"][0]["text"] = "sai"
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(TrainingError, match=r"bad.jsonl:1: .*not 'sai'"):
        train(bad, tiny_data / "dev.jsonl", tmp_path / "out", max_epochs=1, log=lambda m: None)
    assert not (tmp_path / "out").exists()


def test_base_continues_from_the_shipped_model(tiny_data, tmp_path):
    from borderie.api import DEFAULT_MODEL

    # one epoch on ten documents: from scratch the recognizer has learnt almost nothing,
    # from the shipped model it keeps what it knew
    scratch = run(tiny_data, tmp_path / "scratch", max_epochs=1)
    continued = run(tiny_data, tmp_path / "continued", max_epochs=1, base=DEFAULT_MODEL)
    assert scratch["dev"]["entities_exact_f1"] < 0.5 < 0.8 < continued["dev"]["entities_exact_f1"]
    nlp = borderie.load(tmp_path / "continued")
    doc = borderie.extract("Đồn Biên phòng Tà Lùng trao trả cho phía Trung Quốc 12 công dân.", nlp=nlp)
    assert ("Trung Quốc", "COUNTRY") in {(e.text, e.label) for e in doc.entities}
