"""Training: the entity recognizer (spaCy's loop) and the relation extractor (scikit-learn).

``train(train_path, dev_path, output)`` trains both from schema JSONL and writes
a model directory that :func:`borderie.load` loads, with a model card. Nothing
is written to ``output`` unless training succeeds (a temporary folder is moved
into place at the end).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .augment import augment
from .prediction import gold_spacy_doc, predict_documents
from .schema import Document, read_jsonl
from .validation import validate_path

logger = logging.getLogger(__name__)
DEFAULT_CONFIG = Path(__file__).resolve().parent / "config.cfg"


class TrainingError(ValueError):
    """Bad training input; the message names file, line and problem."""


class TrainingArgumentError(TrainingError):
    """A bad argument to ``train``: a missing file or folder, a config that is not one, an output
    folder that would lose files. Raised before any training starts."""


def data_hash(paths: Iterable[str | Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:16]


def read_checked(path: str | Path) -> list[Document]:
    """Read schema JSONL, raising :class:`TrainingError` with every problem found."""
    path = Path(path)
    if not path.exists():
        raise TrainingError(f"{path}: file does not exist")
    problems = validate_path(path)
    if problems:
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise TrainingError(f"{len(problems)} problem(s) in {path}:\n{shown}{more}")
    return list(read_jsonl(path))


def relation_examples(nlp, documents: Sequence[Document]):
    """Yield ``(offset, SentenceContext, gold)`` per sentence with entities; ``gold`` maps
    (head, tail) indices into ``doc.ents`` to ``(label, {role: index})``."""
    from .pipeline.relations import sentence_contexts

    for document in documents:
        doc, index = gold_spacy_doc(nlp, document)
        gold: dict[tuple[int, int], tuple[str, dict[str, int]]] = {}
        for rel in document.relations:
            if rel.head in index and rel.tail in index:
                args = {r: index[e] for r, e in rel.args.items() if e in index}
                gold[(index[rel.head], index[rel.tail])] = (rel.label, args)
        for offset, ctx in sentence_contexts(doc):
            yield offset, ctx, gold


def fit_relation_models(nlp, documents: Sequence[Document], *, C: float = 1.0, arg_C: float = 1.0, seed: int = 0):
    """Fit the pair classifier and the argument classifier on gold entities."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from .pipeline.relations import NONE, LinearModel, arg_features, candidate_pairs, pair_features, role_candidates
    from .schema import RELATION_SPECS

    X, y, AX, ay = [], [], [], []
    for offset, ctx, gold in relation_examples(nlp, documents):
        for i, j in candidate_pairs(ctx.ents):
            label, args = gold.get((offset + i, offset + j), (NONE, {}))
            X.append(pair_features(ctx, i, j))
            y.append(label)
            if label == NONE:
                continue
            for role in RELATION_SPECS[label].roles:
                for a in role_candidates(ctx.ents, role, i, j):
                    AX.append(arg_features(ctx, label, i, j, role, a))
                    ay.append(int(args.get(role) == offset + a))
    if not X or len(set(y)) < 2:
        raise TrainingError("the training data holds no relation between entities of one sentence; nothing to learn")
    vec = DictVectorizer()
    clf = LogisticRegression(C=C, max_iter=3000, random_state=seed)
    clf.fit(vec.fit_transform(X), y)
    pair_model = LinearModel.from_sklearn(vec, clf)
    arg_model = None
    if len(set(ay)) == 2:
        avec = DictVectorizer()
        aclf = LogisticRegression(C=arg_C, max_iter=3000, random_state=seed)
        aclf.fit(avec.fit_transform(AX), ay)
        arg_model = LinearModel.from_sklearn(avec, aclf)
    logger.info("relation model: %d pair examples, %d arg examples", len(X), len(AX))
    return pair_model, arg_model


def _to_docbin(nlp, documents: Sequence[Document], path: Path) -> None:
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=False)
    for d in documents:
        doc, _ = gold_spacy_doc(nlp, d)
        db.add(doc)
    db.to_disk(path)


def uses_static_vectors(config) -> bool:
    embed = config.get("components", {}).get("tok2vec", {}).get("model", {}).get("embed", {})
    return bool(embed.get("include_static_vectors", False))


def resolve_vectors(cfg, vectors: str | Path | None) -> Path | None:
    """The word vectors training starts from: ``vectors`` if given, else the config's
    ``paths.vectors``, else (when tok2vec uses static vectors) the shipped model's."""
    if vectors is not None:
        path = Path(vectors)
    elif cfg.get("paths", {}).get("vectors"):
        path = Path(cfg["paths"]["vectors"])
    elif uses_static_vectors(cfg):
        from .api import DEFAULT_MODEL

        path = DEFAULT_MODEL
    else:
        return None
    if not (path / "vocab").is_dir():
        raise TrainingError(f"word vectors {path}: not a folder written by `borderie pretrain` or `borderie train` (no vocab/ inside)")
    return path


def train_ner(config_path: Path, train_docs, dev_docs, workdir: Path, *, seed: int, base: Path | None, max_epochs: int | None, log: Callable[[str], None], vectors: Path | None = None):
    """Train tok2vec + NER with spaCy's loop; returns the best pipeline on dev."""
    import spacy
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop
    from spacy.util import load_config

    from .registrations import ensure_extensions

    ensure_extensions()
    overrides: dict[str, Any] = {
        "paths.train": str(workdir / "train.spacy"),
        "paths.dev": str(workdir / "dev.spacy"),
        "system.seed": seed,
    }
    if max_epochs is not None:
        overrides["training.max_epochs"] = max_epochs
    if vectors is not None:
        overrides["paths.vectors"] = str(vectors)
    config = load_config(config_path, overrides=overrides, interpolate=False)
    if base is not None:
        # continue from the shipped (or given) model: source its trained components. The
        # sections are replaced whole (an override would merge "source" into the factory block)
        for comp in ("tok2vec", "ner"):
            config["components"][comp] = {"source": str(base)}
    blank = spacy.blank("vi", config={"nlp": {"tokenizer": dict(config["nlp"]["tokenizer"])}})
    blank.add_pipe("borderie_sentencizer")
    _to_docbin(blank, train_docs, workdir / "train.spacy")
    _to_docbin(blank, dev_docs, workdir / "dev.spacy")
    fix_random_seed(seed)
    nlp = init_nlp(config.interpolate())
    out = workdir / "ner"
    out.mkdir(parents=True, exist_ok=True)
    stream = _LogStream(log, hide=str(workdir))
    train_loop(nlp, out, stdout=stream, stderr=stream)
    return spacy.load(out / "model-best")


class _LogStream:
    """File-like adapter so spaCy's training table reaches our progress display.

    Lines naming the temporary folder ``hide`` (spaCy's "Saved pipeline to output
    directory" of the intermediate recognizer) are left out: ``train`` logs where
    the model really goes."""

    def __init__(self, log: Callable[[str], None], hide: str | None = None):
        self.log = log
        self.hide = hide
        self.buf = ""

    def write(self, s: str) -> int:
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            if not line.strip() or "Saved pipeline to output directory" in line or (self.hide and self.hide in line):
                continue
            self.log(line)
        return len(s)

    def flush(self) -> None:
        pass


def fix_random_seed(seed: int) -> None:
    from spacy.util import fix_random_seed as spacy_seed

    random.seed(seed)
    np.random.seed(seed)
    spacy_seed(seed)


def train(
    train_path: str | Path,
    dev_path: str | Path,
    output: str | Path,
    *,
    config: str | Path | None = None,
    base: str | Path | None = None,
    vectors: str | Path | None = None,
    seed: int = 0,
    test_path: str | Path | None = None,
    max_epochs: int | None = None,
    log: Callable[[str], None] = print,
    force: bool = False,
) -> dict[str, Any]:
    """Train entity recognizer and relation extractor; write a loadable model to ``output``.

    The same function as ``borderie train`` on the command line.

    Parameters
    ----------
    train_path, dev_path : schema JSONL (SCHEMA.md). Every record is validated first;
        a bad one raises :class:`TrainingError` naming file, line and problem.
        ``dev_path`` picks the best recognizer checkpoint and is scored for the card.
    output : model folder to write (loadable with ``borderie.load(output)``), with
        ``README.md`` (the model card), ``meta.json`` and ``train_config.cfg``.
        Written only when training succeeds. A new folder, an empty one, or a borderie
        model folder, which is replaced once the new model is complete (written beside
        it, then swapped in). Any other non-empty folder is refused unless ``force``; a
        folder holding the training data is always refused. Arguments are checked before
        training starts (:class:`TrainingArgumentError`).
    config : spaCy training config; default ``borderie/config.cfg``. Its ``[borderie]``
        section sets the augmentation rate and the relation classifier's settings.
    base : a model folder whose tok2vec + ner to continue from (the relation
        classifier is always refit on ``train_path``).
    vectors : a folder of word vectors (``borderie pretrain``) for a config whose
        tok2vec includes static vectors; by default the shipped model's vectors are used.
    seed : the same data, config and seed give the same model.
    test_path : also score this gold file for the model card.
    max_epochs : override the config's ``training.max_epochs``.
    log : called with each progress line (spaCy's table of dev scores included).
    force : replace ``output`` even when it is a non-empty folder that holds no borderie model.

    Returns
    -------
    dict : the scores written to the model card, ``{"dev": {...}, "test": {...}}``, each
        with ``entities_exact_f1``, ``entities_lenient_f1``, ``relations_end_to_end_f1``,
        ``relations_end_to_end_strict_f1`` and ``relations_on_gold_entities_f1``.

    Examples
    --------
    >>> scores = borderie.train("my_train.jsonl", "my_dev.jsonl", "models/my_model", seed=0)
    >>> nlp = borderie.load("models/my_model")
    """
    import spacy

    from .evaluate import score

    output = Path(output)
    config_path = Path(config) if config else DEFAULT_CONFIG
    for option, path in (("--train", train_path), ("--dev", dev_path), ("--test", test_path), ("--config", config_path)):
        if path is not None and not Path(path).is_file():
            raise TrainingArgumentError(f"{option} {path}: {'is a folder' if Path(path).is_dir() else 'no such file'}")
    if base is not None:
        check_base(Path(base))
    cfg = read_config(config_path)
    check_output(output, inputs=[p for p in (train_path, dev_path, test_path) if p], config=config_path, base=base, force=force)
    train_docs = read_checked(train_path)
    dev_docs = read_checked(dev_path)
    test_docs = read_checked(test_path) if test_path else None
    if not train_docs:
        raise TrainingError(f"{train_path}: no documents to train on")
    settings = dict(cfg.get("borderie", {}))
    vectors_path = resolve_vectors(cfg, vectors)
    with tempfile.TemporaryDirectory(prefix="borderie-train-") as tmp:
        work = Path(tmp)
        variants = augment(train_docs, rate=float(settings.get("augment_rate", 0.0)), seed=seed)
        log(f"training the entity recognizer on {len(train_docs)} documents + {len(variants)} newspaper-spelling variants (dev: {len(dev_docs)})")
        nlp = train_ner(config_path, train_docs + variants, dev_docs, work, seed=seed, base=Path(base) if base else None, max_epochs=max_epochs, log=log, vectors=vectors_path)
        nlp.add_pipe("borderie_entity_rules", after="ner")
        log("training the relation extractor")
        fix_random_seed(seed)
        pair_model, arg_model = fit_relation_models(nlp, train_docs, C=float(settings.get("relation_C", 1.0)), arg_C=float(settings.get("arg_C", 1.0)), seed=seed)
        rel = nlp.add_pipe("borderie_relations", config={"threshold": float(settings.get("threshold", 0.5)), "arg_threshold": float(settings.get("arg_threshold", 0.5))})
        rel.pair_model, rel.arg_model = pair_model, arg_model
        nlp.add_pipe("borderie_values")
        scores: dict[str, Any] = {}
        for name, docs in (("dev", dev_docs), ("test", test_docs)):
            if not docs:
                continue
            e2e = score(docs, predict_documents(nlp, docs))
            on_gold = score(docs, predict_documents(nlp, docs, gold_entities=True))
            scores[name] = {
                "entities_exact_f1": round(e2e.entities_exact.micro.f1, 4),
                "entities_lenient_f1": round(e2e.entities_lenient.micro.f1, 4),
                "relations_end_to_end_f1": round(e2e.relations_loose.micro.f1, 4),
                "relations_end_to_end_strict_f1": round(e2e.relations_strict.micro.f1, 4),
                "relations_on_gold_entities_f1": round(on_gold.relations_loose.micro.f1, 4),
            }
            log(f"{name}: {json.dumps(scores[name])}")
        staged = work / "model"
        nlp.meta["name"] = output.name.replace("-", "_")
        nlp.meta["version"] = "1.0.0"
        nlp.meta["description"] = "borderie: entities and relations of Vietnamese border news"
        nlp.meta["borderie"] = {"data_hash": data_hash([train_path, dev_path]), "seed": seed, "scores": scores}
        nlp.to_disk(staged)
        shutil.copy(config_path, staged / "train_config.cfg")
        card = model_card(nlp, train_docs, dev_docs, test_docs, scores, seed, [train_path, dev_path], n_variants=len(variants),
                          output=output, test_path=test_path, base=base, vectors=vectors)
        (staged / "README.md").write_text(card, encoding="utf-8")
        install_model(staged, output)
    log(f"saved the model to {output}")
    return scores


# Entries a model folder written by ``train`` holds besides one folder per pipeline component.
_MODEL_FILES = frozenset({"config.cfg", "meta.json", "README.md", "train_config.cfg", "tokenizer", "vocab"})


def model_parts(folder: Path) -> set[str] | None:
    """The names a borderie model in ``folder`` is made of, or None when it holds no borderie model."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or "borderie" not in meta or not (folder / "config.cfg").is_file():
        return None
    components = [*meta.get("pipeline", []), *meta.get("components", []), *meta.get("disabled", [])]
    return set(_MODEL_FILES) | {c for c in components if isinstance(c, str)}


def check_output(output: Path, *, inputs: Sequence[str | Path], config: Path, base: str | Path | None, force: bool) -> None:
    """Refuse an ``output`` that would lose files: one holding the training data (always),
    or a non-empty folder that is not a borderie model (unless ``force``)."""
    if output.exists() and not output.is_dir():
        raise TrainingArgumentError(f"--output {output}: is a file; give a folder for the model")
    out = output.resolve()
    for path in inputs:
        if out in Path(path).resolve().parents:
            raise TrainingArgumentError(f"--output {output} holds the input file {path}; it would be replaced by the model: choose another folder")
    if not output.is_dir() or not any(output.iterdir()):
        return
    parts = model_parts(output)
    # a config or base model inside an existing model is carried over (train_config.cfg) or read before the swap
    if out in config.resolve().parents and (parts is None or config.resolve() != out / "train_config.cfg"):
        raise TrainingArgumentError(f"--output {output} holds the config {config}; copy it elsewhere or choose another folder")
    if base is not None and Path(base).resolve() != out and out in Path(base).resolve().parents:
        raise TrainingArgumentError(f"--output {output} holds the --base model {base}; choose another folder")
    if force:
        return
    if parts is None:
        raise TrainingArgumentError(f"--output {output} is a non-empty folder that holds no borderie model; choose a new or empty folder, or pass --force to replace it")
    others = sorted(p.name for p in output.iterdir() if p.name not in parts)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise TrainingArgumentError(f"--output {output} holds files that are not part of its model ({shown}); move them, or pass --force to replace the folder")


def check_base(base: Path) -> None:
    if not base.is_dir():
        raise TrainingArgumentError(f"--base {base}: no such folder; pass a model folder written by `borderie train`, e.g. models/borderie_vi_border")
    for name in ("config.cfg", "tok2vec", "ner"):
        if not (base / name).exists():
            raise TrainingArgumentError(f"--base {base}: holds no {name}, so it is not a borderie model to continue from; pass a folder written by `borderie train`")


def read_config(path: Path):
    """A training config (spaCy/thinc format) with the sections training needs, or TrainingArgumentError."""
    from spacy.util import load_config

    try:
        cfg = load_config(path, interpolate=False)
    except Exception as exc:  # configparser, thinc and decoding errors all mean: not a config
        generic = {"Config validation error", "Make sure the sections and values are formatted correctly."}
        detail = "; ".join(x.strip() for x in str(exc).splitlines() if x.strip() and x.strip() not in generic) or type(exc).__name__
        raise TrainingArgumentError(f"--config {path}: not a training config ({detail[:200]}); start from borderie/config.cfg") from exc
    missing = [s for s in ("nlp", "components", "training") if s not in cfg]
    if missing:
        raise TrainingArgumentError(f"--config {path}: no [{'], ['.join(missing)}] section; start from borderie/config.cfg")
    return cfg


def install_model(staged: Path, output: Path) -> None:
    """Put the finished model ``staged`` at ``output``: copied beside it first, then swapped in,
    so ``output`` always holds either the old model or the whole new one."""
    output.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    old = output.parent / f".{output.name}.old-{new.name.rsplit('-', 1)[-1]}"
    try:
        shutil.copytree(staged, new, dirs_exist_ok=True)
        if output.exists():
            os.replace(output, old)
        try:
            os.replace(new, output)
        except OSError:
            if old.exists():
                os.replace(old, output)  # put the previous model back
            raise
    finally:
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def model_card(nlp, train_docs, dev_docs, test_docs, scores, seed, paths, n_variants: int = 0, *, output=None, test_path=None, base=None, vectors=None) -> str:
    model = output if output is not None else f"models/{nlp.meta['name']}"
    evaluate = f"borderie evaluate --model {model} --data {test_path}" if test_path else f"borderie evaluate --model {model} --data {paths[1]}"
    retrain = (f"borderie train --train {paths[0]} --dev {paths[1]}" + (f" --test {test_path}" if test_path else "")
               + f" --output {model} --seed {seed} --config {model}/train_config.cfg" + (f" --base {base}" if base else "")
               + (f" --vectors {vectors}" if vectors else ""))
    rows = "\n".join(
        f"| {split} | {s['entities_exact_f1']:.3f} | {s['entities_lenient_f1']:.3f} | {s['relations_end_to_end_f1']:.3f} | "
        f"{s['relations_end_to_end_strict_f1']:.3f} | {s['relations_on_gold_entities_f1']:.3f} |"
        for split, s in scores.items()
    )
    return f"""# {nlp.meta['name']} (borderie model)

Entities (11 labels) and relations (11 labels) of Vietnamese border news, per
SCHEMA.md version 1. Pipeline: {', '.join(nlp.pipe_names)}; tokenizer
`borderie.WordTokenizer.v1` (underthesea word segmentation aligned to the input).

- Training data: {len(train_docs)} documents; dev {len(dev_docs)}; test {len(test_docs) if test_docs else 0}.
  The entity recognizer also saw {n_variants} newspaper-spelling variants of training
  documents (lower-case titles, hyphenated dates; `borderie/augment.py`); dev and test are never augmented.
- Training data hash (sha256 of train + dev JSONL, first 16 hex): `{data_hash(paths)}`
- Seed: {seed}; training config: `train_config.cfg` in this folder.
- Weights: spaCy serialization (tok2vec, ner) and JSON + `.npy` (relations); no pickle.

## Scores

Entity F1 is exact match (start, end, label), micro over labels. Relation F1
counts a relation right when label, head and tail match gold exactly;
"end to end" runs on predicted entities, "on gold entities" is labelled as such;
"strict" also requires every gold argument.

| split | entities exact F1 | entities lenient F1 | relations end-to-end F1 | relations end-to-end strict F1 | relations on gold entities F1 |
|---|---|---|---|---|---|
{rows}

Reproduce the {'test' if test_path else 'dev'} scores: `{evaluate}`

Retrain: `{retrain}`
"""
