"""The notebooks run from top to bottom on a fresh checkout, so they cannot rot."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run(name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def outputs(nb, mime: str) -> list[str]:
    return [o["data"][mime] for c in nb.cells if c.cell_type == "code" for o in c.outputs if mime in o.get("data", {})]


@pytest.mark.parametrize("name", ["quickstart.ipynb", "evaluation.ipynb", "facts.ipynb"])
def test_committed_notebook_stays_small(name):
    assert (NOTEBOOKS / name).stat().st_size < 250_000


def test_quickstart_runs_and_shows_entities_triples_and_a_chart():
    nb = run("quickstart.ipynb")
    html = "\n".join(outputs(nb, "text/html"))
    marks = html.count('<mark class="entity"')  # displaCy's entity markup of the example's first paragraph
    assert marks >= 5 and "Đồn Biên phòng cửa khẩu Tà Lùng" in html
    assert "RETURNED" in html  # the triples table
    assert len(outputs(nb, "image/png")) == 1  # relation counts bar chart


def test_evaluation_runs_and_draws_per_label_f1():
    nb = run("evaluation.ipynb")
    html = "\n".join(outputs(nb, "text/html"))
    assert "entities exact" in html and "wrong_boundary" in html
    assert len(outputs(nb, "image/png")) == 1


def test_facts_notebook_builds_the_fact_base_and_plots():
    nb = run("facts.ipynb")
    html = "\n".join(outputs(nb, "text/html"))
    assert "RETURNED" in html and "spellings" in html  # relation types and the canonical-entity table
    assert len(outputs(nb, "image/png")) == 2  # top gates and units; handovers per month and border
