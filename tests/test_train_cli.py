"""`borderie train` as a user sees it: argument errors, the log, the model card."""

import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from borderie.api import DEFAULT_MODEL
from borderie.cli import app
from borderie.corpus import CORPUS_DIR
from borderie.training import _LogStream, model_card

runner = CliRunner()
SCORES = {"test": dict.fromkeys(("entities_exact_f1", "entities_lenient_f1", "relations_end_to_end_f1",
                                 "relations_end_to_end_strict_f1", "relations_on_gold_entities_f1"), 0.5)}


def test_the_log_leaves_out_lines_naming_the_temporary_folder():
    lines = []
    stream = _LogStream(lines.append, hide="/tmp/borderie-train-x")
    stream.write("ℹ Pipeline: ['tok2vec', 'ner']\n✔ Saved pipeline to output directory\n/tmp/borderie-train-x/ner/model-last\n")
    assert lines == ["ℹ Pipeline: ['tok2vec', 'ner']"]


def test_model_card_reproduce_commands_name_the_model(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("train.jsonl", "dev.jsonl"):
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    nlp = SimpleNamespace(meta={"name": "my_model"}, pipe_names=["tok2vec", "ner"])
    card = model_card(nlp, [1], [1], [1], SCORES, 3, ["train.jsonl", "dev.jsonl"], output="models/my_model", test_path="test.jsonl")
    assert "`borderie evaluate --model models/my_model --data test.jsonl`" in card
    assert "`borderie train --train train.jsonl --dev dev.jsonl --test test.jsonl --output models/my_model --seed 3" in card


@pytest.mark.slow
def test_train_command_log_and_card(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for split, n in (("train", 8), ("dev", 2)):
        lines = (CORPUS_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()[:n]
        (data / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "my_model"
    config = DEFAULT_MODEL / "train_config.cfg"  # the shipped model's own config: needs no word vectors
    res = runner.invoke(app, ["train", "--train", str(data / "train.jsonl"), "--dev", str(data / "dev.jsonl"), "--output", str(out),
                              "--config", str(config), "--max-epochs", "1"])
    assert res.exit_code == 0, res.output
    assert "\x1b[" not in res.stderr  # stderr is not a terminal here: no colour codes
    assert "borderie-train-" not in res.stderr and f"saved the model to {out}" in res.stderr
    assert f"--model {out}" in (out / "README.md").read_text(encoding="utf-8")
    assert set(json.loads(res.stdout)) == {"dev"}
