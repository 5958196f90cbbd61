"""Shared fixtures. ../shared (seeds, realnews) sits beside the checkout in CI; tests that
need it skip cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
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
