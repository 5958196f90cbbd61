"""The shipped corpus: valid, split by document with no near-duplicates, loadable offline."""

import json

import pytest

from borderie.corpus import CORPUS_DIR, load_dataset
from borderie.corpus.build import jaccard, shingles
from borderie.corpus.stats import compute_stats, read_corpus
from borderie.schema import read_jsonl
from borderie.validation import validate_path

from .conftest import FIXTURES

SPLITS = ("train", "dev", "test")


def split_docs():
    return {s: list(read_jsonl(CORPUS_DIR / f"{s}.jsonl")) for s in SPLITS}


def test_whole_corpus_is_valid():
    assert [str(p) for p in validate_path(CORPUS_DIR, same_sentence=True)] == []


def test_compiled_corpus_matches_sources(tmp_path):
    from borderie.corpus.build import compile_corpus

    compile_corpus(CORPUS_DIR / "src", tmp_path)
    for s in SPLITS:
        assert (tmp_path / f"{s}.jsonl").read_text(encoding="utf-8") == (CORPUS_DIR / f"{s}.jsonl").read_text(encoding="utf-8"), (
            f"corpus/{s}.jsonl is stale: run `borderie corpus compile`"
        )


def test_splits_are_disjoint_by_document_and_held_out_splits_stay_large():
    # dev and test are whole held-out batches (corpus/splits.json): new training batches
    # grow train's share, so the bound is on the size of dev and test, not on a ratio
    docs = split_docs()
    ids = {s: {d.id for d in docs[s]} for s in SPLITS}
    assert not ids["train"] & ids["dev"] and not ids["train"] & ids["test"] and not ids["dev"] & ids["test"]
    total = sum(len(v) for v in ids.values())
    assert 0.6 < len(ids["train"]) / total < 0.9
    assert len(ids["dev"]) >= 75 and len(ids["test"]) >= 75
    assert all(d.meta["split"] == s for s in SPLITS for d in docs[s])


def test_no_near_duplicates_across_splits():
    docs = split_docs()
    sh = {s: [(d.id, shingles(d.text)) for d in docs[s]] for s in SPLITS}
    dups = []
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        for ida, sa in sh[a]:
            for idb, sb in sh[b]:
                if jaccard(sa, sb) >= 0.8:
                    dups.append((ida, idb))
    assert dups == []


def test_load_dataset_offline(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    ds = load_dataset()
    assert set(ds) == set(SPLITS)
    row = ds["train"][0]
    feat = ds["train"].features["entities"]
    names = (feat.feature if hasattr(feat, "feature") else feat[0])["label"].names
    assert "GATE" in names
    first = row["entities"][0]
    assert row["text"][first["start"] : first["end"]] == first["text"]
    assert sum(len(ds[s]) for s in SPLITS) == sum(1 for s in SPLITS for _ in read_jsonl(CORPUS_DIR / f"{s}.jsonl"))


def test_load_dataset_names_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="train.jsonl"):
        load_dataset(tmp_path)


def test_stats_agree_with_a_hand_counted_fixture():
    stats = compute_stats(read_corpus(FIXTURES / "tiny.jsonl"))
    assert stats["documents"] == 3
    assert stats["sentences"] == 5
    assert stats["entities"] == {"PER": 2, "TITLE": 2, "ORG": 4, "GATE": 1, "MARKER": 1, "LOC": 0, "COUNTRY": 1, "DATE": 2, "QUANTITY": 4, "DOC": 0, "EVENT": 0}
    assert stats["relations"] == {
        "RETURNED": 1, "ARRESTED": 1, "SEIZED": 1, "PROCESSED": 0, "EXCHANGED": 0, "MET": 1,
        "LEADS": 1, "HAS_TITLE": 2, "MEMBER_OF": 0, "PART_OF": 1, "LOCATED_IN": 0,
    }
    assert stats["genres"] == {"handover": 1, "seizure": 1, "visit": 1}
    assert stats["splits"] == {"dev": 1, "test": 1, "train": 1}
    json.dumps(stats)  # JSON-safe


def test_corpus_meets_v1_targets():
    stats = compute_stats(read_corpus(CORPUS_DIR))
    assert stats["documents"] >= 300 and stats["sentences"] >= 3500 and stats["syllables"] >= 100_000
    assert min(stats["entities"].values()) >= 200
    assert min(stats["relations"].values()) >= 100 and stats["relations"]["RETURNED"] >= 300
    assert all(n >= 25 for n in stats["genres"].values())
    assert stats["distinct"]["PER"] >= 300 and stats["distinct"]["ORG"] >= 150 and stats["distinct"]["GATE"] >= 50
