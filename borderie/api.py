"""The library's main job: ``load``, ``extract`` and ``extract_many``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .cleaning import CleanText, clean_text
from .schema import Document, Entity, Relation

# The shipped model: inside the installed package (the wheel), else the checkout's models/.
_PACKAGED_MODEL = Path(__file__).resolve().parent / "models" / "borderie_vi_border"
DEFAULT_MODEL = _PACKAGED_MODEL if _PACKAGED_MODEL.exists() else Path(__file__).resolve().parent.parent / "models" / "borderie_vi_border"
_cache: dict[str, Any] = {}
_lock = threading.Lock()


def _model_path(path: str | Path | None) -> Path:
    return Path(path) if path is not None else DEFAULT_MODEL


def load(path: str | Path | None = None):
    """Load a borderie pipeline (a ``spacy.Language``), once per process and path.

    Parameters
    ----------
    path : folder of a saved model; default the model shipped under ``models/``.

    Examples
    --------
    >>> nlp = borderie.load()
    >>> doc = nlp("Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân.")
    >>> [(e.text, e.label_) for e in doc.ents]
    """
    from .modelcheck import load_folder
    from .registrations import ensure_extensions

    model = _model_path(path)
    key = str(model.resolve())
    with _lock:
        if key not in _cache:
            if not (model / "config.cfg").exists():
                raise FileNotFoundError(
                    f"No borderie model at {model} (no config.cfg there). Pass the folder written by "
                    "`borderie train --output DIR`, or leave path empty for the shipped model."
                )
            ensure_extensions()
            _cache[key] = load_folder(model)  # a damaged or foreign folder: ModelError naming the file
        return _cache[key]


def _check_text(text: Any) -> str:
    if not isinstance(text, str):
        raise TypeError(f"borderie.extract expects text as str, got {type(text).__name__}: {text!r:.80}")
    return text


# Long texts are cut at line breaks into pieces of at most this many characters, each
# run through the pipeline on its own (relations never cross a sentence, so none is lost).
MAX_PIECE = 50_000
# Default character budget of one batch in extract_many (see its docstring).
BATCH_CHARS = 40_000


def _pieces(text: str, limit: int = MAX_PIECE) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, cut after line breaks (or spaces) near ``limit``."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        if cut <= start:
            cut = text.rfind(" ", start, start + limit)
        if cut <= start:
            cut = start + limit - 1
        out.append((start, text[start : cut + 1]))
        start = cut + 1
    out.append((start, text[start:]))
    return out


def to_document(parts: list[tuple[int, Any]], clean: CleanText, *, doc_id: str = "", meta: Mapping[str, Any] | None = None) -> Document:
    """Convert processed spaCy Docs of pieces of ``clean.text`` (with their offsets)
    to one schema Document of ``clean.original``."""
    entities: list[Entity] = []
    relations: list[Relation] = []
    for offset, sdoc in parts:
        base = len(entities)
        for ent in sdoc.ents:
            start, end = clean.to_original(offset + ent.start_char, offset + ent.end_char)
            extra = {}
            value = ent._.value if ent.has_extension("value") else None
            if value is not None:
                extra["value"] = value
            if ent.label_ == "QUANTITY" and ent.has_extension("unit") and ent._.unit is not None:
                extra["unit"] = ent._.unit
            entities.append(Entity(f"T{len(entities) + 1}", start, end, ent.label_, clean.original[start:end], extra))
        predicted = (sdoc._.relations or []) if sdoc.has_extension("relations") else []
        for rel in predicted:
            relations.append(
                Relation(
                    f"R{len(relations) + 1}",
                    rel["label"],
                    f"T{base + rel['head'] + 1}",
                    f"T{base + rel['tail'] + 1}",
                    {role: f"T{base + idx + 1}" for role, idx in rel["args"].items()},
                    {"score": rel["score"]},
                )
            )
    return Document(id=doc_id, text=clean.original, meta=dict(meta or {}), entities=entities, relations=relations)


def _unpack(item: str | Mapping[str, Any]) -> tuple[CleanText, str, dict]:
    if isinstance(item, Mapping):
        text, doc_id, meta = item.get("text"), str(item.get("id", "")), dict(item.get("meta") or {})
    else:
        text, doc_id, meta = item, "", {}
    return clean_text(_check_text(text)), doc_id, meta


def extract(text: str, *, nlp=None, meta: Mapping[str, Any] | None = None, doc_id: str = "") -> Document:
    """Extract entities and relations from one text.

    The model runs on a canonical form of the text (NFC, whitespace folded,
    invisible characters dropped); every offset in the result indexes ``text``
    exactly as given. ``meta["date"]`` supplies the year of dates that omit it.

    Examples
    --------
    >>> doc = borderie.extract("Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân.")
    >>> doc.triples()
    """
    return next(extract_many([{"text": text, "meta": meta or {}, "id": doc_id}], nlp=nlp))


def _budgeted(items: Iterator[tuple[Any, Any]], batch_size: int, batch_chars: int) -> Iterator[list[tuple[Any, Any]]]:
    """Group (Doc, context) pairs into batches of at most ``batch_size`` docs and, past
    the first doc, ``batch_chars`` characters: memory follows the characters in a batch."""
    batch: list[tuple[Any, Any]] = []
    size = 0
    for item in items:
        n = len(item[0].text)
        if batch and (len(batch) >= batch_size or size + n > batch_chars):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += n
    if batch:
        yield batch


def extract_many(
    texts: Iterable[str | Mapping[str, Any]],
    *,
    nlp=None,
    batch_size: int = 32,
    batch_chars: int = BATCH_CHARS,
    n_process: int = 1,
) -> Iterator[Document]:
    """Stream Documents for many texts, in input order.

    Items are strings or records with ``text`` (and optional ``id`` and ``meta``).
    In one process, texts are batched up to ``batch_size`` documents or
    ``batch_chars`` characters, whichever comes first (peak memory grows with the
    characters in a batch). ``n_process > 1`` uses spaCy's multiprocessing with
    batches of ``batch_size`` documents.
    """
    if batch_size < 1 or batch_chars < 1 or n_process < 1:
        raise ValueError(f"batch_size, batch_chars and n_process must be >= 1, got {batch_size}, {batch_chars}, {n_process}")
    nlp = nlp or load()
    pending: dict[int, tuple[CleanText, str, dict, list]] = {}

    def prepared() -> Iterator[tuple[Any, tuple[int, int, int]]]:
        for k, item in enumerate(texts):
            clean, doc_id, meta = _unpack(item)
            pieces = _pieces(clean.text)
            pending[k] = (clean, doc_id, meta, [])
            for offset, piece in pieces:
                sdoc = nlp.make_doc(piece)
                sdoc._.meta = meta
                yield sdoc, (k, offset, len(pieces))

    if n_process == 1:
        processed = (
            pair for batch in _budgeted(prepared(), batch_size, batch_chars) for pair in nlp.pipe(batch, as_tuples=True, batch_size=len(batch))
        )
    else:
        processed = nlp.pipe(prepared(), as_tuples=True, batch_size=batch_size, n_process=n_process)
    for sdoc, (k, offset, n) in processed:
        clean, doc_id, meta, parts = pending[k]
        parts.append((offset, sdoc))
        if len(parts) == n:
            del pending[k]
            yield to_document(parts, clean, doc_id=doc_id, meta=meta)
