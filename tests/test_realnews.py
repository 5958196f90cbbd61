"""Every record of ../shared/realnews goes through extract_many with valid offsets."""

import json

import pytest

import borderie

from .conftest import SHARED

pytestmark = pytest.mark.slow
FILES = sorted((SHARED / "realnews").glob("*.jsonl")) if (SHARED / "realnews").exists() else []


@pytest.mark.skipif(not FILES, reason="../shared/realnews is absent")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_realnews_goes_through(nlp, path):
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = 0
    for rec, doc in zip(records, borderie.extract_many(records, nlp=nlp, batch_size=64)):
        assert doc.text == rec["text"]
        for e in doc.entities:
            assert rec["text"][e.start : e.end] == e.text
        n += 1
    assert n == len(records)
