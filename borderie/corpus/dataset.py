"""The corpus as a HuggingFace ``datasets.DatasetDict``, built offline from local JSONL."""

from __future__ import annotations

from pathlib import Path

from ..schema import ARG_ROLES, ENTITY_LABELS, RELATION_LABELS, read_jsonl

META_KEYS = ("source", "date", "genre", "border", "split")


def _datasets():
    """The ``datasets`` module, or an ImportError that says which extra installs it."""
    try:
        import datasets
    except ImportError as exc:
        raise ImportError(
            'borderie.corpus.load_dataset needs the HuggingFace "datasets" package, which is not installed; '
            'install it with: pip install "borderie[corpus]"'
        ) from exc
    return datasets


def features():
    """Typed features: lists of entity and relation records; labels are ``ClassLabel``s, offsets ``int32``."""
    datasets = _datasets()
    ClassLabel, Features, Value = datasets.ClassLabel, datasets.Features, datasets.Value

    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "meta": {k: Value("string") for k in META_KEYS},
            "entities": [
                {
                    "id": Value("string"),
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "label": ClassLabel(names=list(ENTITY_LABELS)),
                    "text": Value("string"),
                }
            ],
            "relations": [
                {
                    "id": Value("string"),
                    "label": ClassLabel(names=list(RELATION_LABELS)),
                    "head": Value("string"),
                    "tail": Value("string"),
                    "args": {role: Value("string") for role in ARG_ROLES},
                }
            ],
        }
    )


def _row(doc) -> dict:
    d = doc.to_dict()
    return {
        "id": d["id"],
        "text": d["text"],
        "meta": {k: (str(d["meta"][k]) if k in d["meta"] else None) for k in META_KEYS},
        "entities": [{k: e[k] for k in ("id", "start", "end", "label", "text")} for e in d["entities"]],
        "relations": [
            {"id": r["id"], "label": r["label"], "head": r["head"], "tail": r["tail"], "args": {role: r["args"].get(role) for role in ARG_ROLES}}
            for r in d["relations"]
        ],
    }


def load_dataset(path: str | Path | None = None):
    datasets = _datasets()
    Dataset, DatasetDict = datasets.Dataset, datasets.DatasetDict

    from . import CORPUS_DIR

    root = Path(path) if path is not None else CORPUS_DIR
    missing = [s for s in ("train", "dev", "test") if not (root / f"{s}.jsonl").exists()]
    if missing:
        raise FileNotFoundError(
            f"{root} lacks {', '.join(s + '.jsonl' for s in missing)}; "
            "pass the folder that holds the compiled corpus (borderie corpus compile writes it)."
        )
    feats = features()
    return DatasetDict(
        {split: Dataset.from_list([_row(d) for d in read_jsonl(root / f"{split}.jsonl")], features=feats) for split in ("train", "dev", "test")}
    )
