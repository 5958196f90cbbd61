"""Shared fixtures. ../shared (seeds, realnews) sits beside the checkout in CI (or where
$BORDERIE_SHARED points); tests that need it skip cleanly when it is absent.

Hypothesis profiles: "ci" (the default) keeps the property tests to about a minute;
"long" runs twenty times as many inputs: ``HYPOTHESIS_PROFILE=long python -m pytest tests/test_reliability.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BORDERIE_SHARED") or ROOT.parent / "shared")

settings.register_profile("ci", max_examples=100, deadline=None)
settings.register_profile("long", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def nlp():
    import borderie

    return borderie.load()


@pytest.fixture(scope="session")
def seeds_path() -> Path:
    path = SHARED / "seeds" / "gold.jsonl"
    if not path.exists():
        pytest.skip("../shared/seeds/gold.jsonl is absent")
    return path
