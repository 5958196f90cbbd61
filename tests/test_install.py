"""Installing borderie: the wheel carries the model, extraction needs no `datasets`, --version."""

import os
import subprocess
import sys

import pytest

from .conftest import ROOT

SENT = "Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân tại cửa khẩu Hữu Nghị."


def pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_wheel_carries_the_shipped_model_and_the_corpus_splits():
    tool = pyproject()["tool"]["setuptools"]
    assert tool["package-dir"] == {"borderie.models": "models", "borderie.data": "corpus"}
    assert {"borderie.models", "borderie.data"} <= set(tool["packages"])
    assert tool["package-data"]["borderie.models"] == ["borderie_vi_border/**/*"]
    assert {"train.jsonl", "dev.jsonl", "test.jsonl"} <= set(tool["package-data"]["borderie.data"])


def test_every_python_package_is_listed_for_the_wheel():
    # the package list is explicit (models/ and corpus/ are mapped in), so a new subpackage must be added to it
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "borderie").rglob("__init__.py")}
    missing = found - set(pyproject()["tool"]["setuptools"]["packages"])
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"


def test_installed_package_data_comes_first_then_the_checkout():
    from borderie.api import DEFAULT_MODEL, _model_path
    from borderie.corpus import CORPUS_DIR

    # in a checkout (no borderie/models, no borderie/data) the top-level folders are used
    assert _model_path(None) == DEFAULT_MODEL == ROOT / "models" / "borderie_vi_border"
    assert CORPUS_DIR == ROOT / "corpus"


def test_datasets_is_an_extra_that_dev_includes():
    project = pyproject()["project"]
    assert not [d for d in project["dependencies"] if d.startswith(("datasets", "pyarrow"))]
    assert [d for d in project["optional-dependencies"]["corpus"] if d.startswith("datasets")]
    assert any(d.startswith("borderie[") and "corpus" in d for d in project["optional-dependencies"]["dev"])


def test_extraction_needs_neither_datasets_nor_pyarrow():
    code = ("import sys; sys.modules['datasets'] = sys.modules['pyarrow'] = None; "
            "from borderie.cli import main; sys.argv = ['borderie', 'extract', '-', '--format', 'triples']; main()")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", code], input=SENT, capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "\tRETURNED\tTrung Quốc\t" in res.stdout


def test_load_dataset_without_datasets_says_which_extra_to_install(monkeypatch):
    from borderie.corpus import load_dataset

    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(ImportError, match=r'pip install "borderie\[corpus\]"'):
        load_dataset()


@pytest.mark.slow
def test_wheel_installed_outside_the_checkout_extracts():
    """What CI runs after the tests: build the wheel, install it in a fresh venv, extract."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    res = subprocess.run([str(ROOT / ".ci" / "wheel-check")], capture_output=True, text=True, env={**env, "PYTHON": sys.executable}, timeout=900)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    assert "installed wheel:" in res.stdout and "borderie 0.1.0" in res.stdout
