"""Quality on real news: the shipped model on ../shared/realdev (real border articles
annotated by SCHEMA.md, never trained on). Skips when the folder is absent.

The floors are corpus/thresholds-realdev.json: a regression gate a little under the
figures in the README, so a change that costs real-news accuracy fails here."""

import json

import pytest

import borderie
from borderie.evaluate import EVENT_RELATIONS, score
from borderie.prediction import predict_documents
from borderie.schema import read_jsonl

from .conftest import ROOT, SHARED

REALDEV = SHARED / "realdev" / "gold.jsonl"


@pytest.fixture(scope="module")
def report(nlp):
    if not REALDEV.exists():
        pytest.skip("../shared/realdev/gold.jsonl is absent")
    gold = list(read_jsonl(REALDEV))
    return score(gold, predict_documents(nlp, gold))


@pytest.fixture(scope="module")
def floors():
    return json.loads((ROOT / "corpus" / "thresholds-realdev.json").read_text(encoding="utf-8"))


def test_entities_on_real_news_stay_above_the_floor(report, floors):
    assert report.entities_exact.micro.f1 >= floors["entities_exact_f1"]


def test_event_relations_on_real_news_stay_above_the_floor(report, floors):
    events = report.relations_loose.over(EVENT_RELATIONS)
    assert events.f1 >= floors["event_relations_f1"], f"event relations P {events.precision:.3f} R {events.recall:.3f}"


def test_all_relations_on_real_news_stay_above_the_floor(report, floors):
    assert report.relations_loose.micro.f1 >= floors["relations_end_to_end_f1"]
