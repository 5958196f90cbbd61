"""`borderie train --output DIR` never loses a file: arguments are checked before training starts,
input files are never deleted, a model folder is replaced only by a complete new model."""

import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from borderie.cli import app
from borderie.corpus import CORPUS_DIR
from borderie.training import TrainingArgumentError, install_model, train

from .conftest import FIXTURES

runner = CliRunner()
TINY = FIXTURES / "tiny.jsonl"


def fake_model(folder, *, extra=()):
    """A folder laid out as `borderie train` writes a model (enough for the output checks)."""
    folder.mkdir(parents=True)
    (folder / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps({"pipeline": ["tok2vec", "ner"], "borderie": {"seed": 0}}), encoding="utf-8")
    for part in ("tok2vec", "ner", "vocab"):
        (folder / part).mkdir()
        (folder / part / "model").write_bytes(b"old weights")
    for name in extra:
        (folder / name).write_text("mine", encoding="utf-8")
    return folder


def run(output, *, train_path=TINY, dev_path=TINY, **kwargs):
    return train(train_path, dev_path, output, max_epochs=1, log=lambda m: None, **kwargs)


def test_a_folder_holding_the_training_data_is_refused_even_with_force(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("train.jsonl", "dev.jsonl"):
        shutil.copy(TINY, data / name)
    for force in (False, True):
        with pytest.raises(TrainingArgumentError, match="holds the input file"):
            run(data, train_path=data / "train.jsonl", dev_path=data / "dev.jsonl", force=force)
    assert sorted(p.name for p in data.iterdir()) == ["dev.jsonl", "train.jsonl"]


def test_a_non_empty_folder_that_is_not_a_model_needs_force(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    res = runner.invoke(app, ["train", "--train", str(TINY), "--dev", str(TINY), "--output", str(mine)])
    assert res.exit_code == 2 and "--force" in res.output and "Traceback" not in res.output
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_model_folder_holding_other_files_needs_force(tmp_path):
    model = fake_model(tmp_path / "model", extra=["my_notes.md"])
    with pytest.raises(TrainingArgumentError, match="my_notes.md"):
        run(model)
    assert (model / "my_notes.md").exists()


def test_a_base_that_is_not_a_model_is_refused_by_the_library_too(tmp_path):
    with pytest.raises(TrainingArgumentError, match="no such folder"):
        run(tmp_path / "out", base=tmp_path / "missing")
    with pytest.raises(TrainingArgumentError, match="not a borderie model"):
        run(tmp_path / "out", base=FIXTURES)


def test_a_config_or_base_inside_the_output_is_refused(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    cfg = mine / "my.cfg"
    shutil.copy(CORPUS_DIR.parent / "borderie" / "config.cfg", cfg)
    with pytest.raises(TrainingArgumentError, match="holds the config"):
        run(mine, config=cfg, force=True)
    assert cfg.exists()


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--train", "missing.jsonl"], "--train missing.jsonl: no such file"),
        (["--dev", "."], "--dev .: is a folder"),
        (["--base", "no/such/model"], "--base no/such/model"),
        (["--base", str(FIXTURES)], "no borderie model"),
        (["--config", str(TINY)], "--config"),
        (["--config", "GARBAGE"], "not a training config"),
        (["--config", "EMPTY_SECTIONS"], "no [nlp], [components], [training] section"),
        (["--output", str(TINY)], "is a file"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_before_training(tmp_path, args, needle):
    garbage = tmp_path / "garbage.cfg"
    garbage.write_bytes(b"\x00\xff not = [a config\n[[[\n")
    empty = tmp_path / "empty.cfg"
    empty.write_text("[paths]\ntrain = null\n", encoding="utf-8")
    args = [{"GARBAGE": str(garbage), "EMPTY_SECTIONS": str(empty)}.get(a, a) for a in args]
    given = dict(zip(args[::2], args[1::2]))
    options = {"--train": str(TINY), "--dev": str(TINY), "--output": str(tmp_path / "out"), **given}
    res = runner.invoke(app, ["train", *[x for kv in options.items() for x in kv]])
    assert res.exit_code == 2, res.output
    assert needle in res.output and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_install_replaces_a_model_folder_whole(tmp_path):
    staged = fake_model(tmp_path / "work" / "model")
    (staged / "ner" / "model").write_bytes(b"new weights")
    output = fake_model(tmp_path / "models" / "m")
    install_model(staged, output)
    assert (output / "ner" / "model").read_bytes() == b"new weights"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["m"]  # nothing left beside it


def test_a_failed_swap_keeps_the_old_model(tmp_path, monkeypatch):
    staged = fake_model(tmp_path / "work" / "model")
    (staged / "ner" / "model").write_bytes(b"new weights")
    output = fake_model(tmp_path / "models" / "m")
    real_replace = os.replace

    def replace(src, dst):
        if ".m.new-" in str(src):  # the new model cannot be moved into place
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        install_model(staged, output)
    assert (output / "ner" / "model").read_bytes() == b"old weights"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["m"]


@pytest.mark.slow
def test_training_over_an_existing_model_replaces_it(tmp_path):
    import borderie
    from borderie.api import DEFAULT_MODEL

    train_path = tmp_path / "train.jsonl"
    train_path.write_text("\n".join((CORPUS_DIR / "train.jsonl").read_text(encoding="utf-8").splitlines()[:6]) + "\n", encoding="utf-8")
    output = fake_model(tmp_path / "models" / "m")
    # the shipped model's own config: the default one wants word vectors the shipped model may not have
    run(output, train_path=train_path, dev_path=TINY, config=DEFAULT_MODEL / "train_config.cfg")
    assert (output / "README.md").exists() and borderie.load(output).pipe_names[-1] == "borderie_values"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["m"]
    assert train_path.exists()
