"""The library's main job: ``load``, ``extract`` and ``extract_many``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

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


def _check_text(text: Any, where: str = "") -> str:
    if not isinstance(text, str):
        raise TypeError(f"borderie.extract expects text as str, got {type(text).__name__}{where}: {text!r:.80}")
    return text


# Long texts are cut at line breaks into pieces of at most this many characters, each
# run through the pipeline on its own (relations never cross a sentence, so none is lost).
MAX_PIECE = 50_000
# Default character budget of one batch in extract_many (see its docstring).
BATCH_CHARS = 40_000


def _pieces(text: str, limit: int | None = None) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, cut after line breaks (or spaces) near
    ``limit`` (default ``MAX_PIECE``); made one at a time, so a huge text is never copied whole."""
    limit = limit or MAX_PIECE
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        if cut <= start:
            cut = text.rfind(" ", start, start + limit)
        if cut <= start:
            cut = start + limit - 1
        yield start, text[start : cut + 1]
        start = cut + 1
    yield start, text[start:]


class _DocumentBuilder:
    """Collects the entities and relations of one text, piece by piece.

    Each processed spaCy Doc is converted as soon as it arrives and can then be
    freed, so a huge document holds only its schema objects, not its pieces.
    Entity spans are trimmed of whitespace at both ends (the recognizer may end one
    on a line-break token: ``Năm\\n``); one that is all whitespace is dropped,
    with the relations and arguments that point to it.
    """

    def __init__(self, clean: CleanText, doc_id: str, meta: dict):
        self.clean = clean
        self.doc_id = doc_id
        self.meta = meta
        self.complete = False
        self.entities: list[Entity] = []
        self.relations: list[Relation] = []

    def add(self, offset: int, sdoc, piece: str | None = None) -> None:
        """Convert the Doc of the piece of ``clean.text`` that starts at ``offset``
        (pieces arrive in order; the last one completes the document). ``piece`` is
        the Doc's text when the caller has it (``sdoc.text`` rebuilds it token by token)."""
        clean, text = self.clean, (sdoc.text if piece is None else piece)
        ids: dict[int, str] = {}  # index in sdoc.ents -> entity id
        for k, ent in enumerate(sdoc.ents):
            s, e = ent.start_char, ent.end_char
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s == e:
                continue
            start, end = clean.to_original(offset + s, offset + e)
            extra = {}
            value = ent._.value if ent.has_extension("value") else None
            if value is not None:
                extra["value"] = value
            if ent.label_ == "QUANTITY" and ent.has_extension("unit") and ent._.unit is not None:
                extra["unit"] = ent._.unit
            ids[k] = f"T{len(self.entities) + 1}"
            self.entities.append(Entity(ids[k], start, end, ent.label_, clean.original[start:end], extra))
        predicted = (sdoc._.relations or []) if sdoc.has_extension("relations") else []
        for rel in predicted:
            if rel["head"] not in ids or rel["tail"] not in ids:
                continue
            args = {role: ids[idx] for role, idx in rel["args"].items() if idx in ids}
            self.relations.append(
                Relation(f"R{len(self.relations) + 1}", rel["label"], ids[rel["head"]], ids[rel["tail"]], args, {"score": rel["score"]})
            )
        self.complete = offset + len(text) == len(clean.text)

    def document(self) -> Document:
        return Document(id=self.doc_id, text=self.clean.original, meta=self.meta, entities=self.entities, relations=self.relations)


def to_document(parts: list[tuple[int, Any]], clean: CleanText, *, doc_id: str = "", meta: Mapping[str, Any] | None = None) -> Document:
    """Convert processed spaCy Docs of pieces of ``clean.text`` (with their offsets)
    to one schema Document of ``clean.original``."""
    builder = _DocumentBuilder(clean, doc_id, dict(meta or {}))
    for offset, sdoc in parts:
        builder.add(offset, sdoc)
    return builder.document()


# An input record: (position in the input, text, id, meta).
_Record = tuple[int, str, str, dict]


def _records(texts: Iterable[str | Mapping[str, Any]]) -> Iterator[_Record]:
    """Unpack and check input items as they are read: a bad one raises at once,
    naming its position (and id)."""
    for k, item in enumerate(texts):
        if isinstance(item, Mapping):
            doc_id = str(item.get("id", ""))
            where = f" in record {k}" + (f" (id {doc_id!r})" if doc_id else "")
            meta = item.get("meta") or {}
            if not isinstance(meta, Mapping):
                raise TypeError(f"meta{where} must be a mapping, got {type(meta).__name__}")
            yield k, _check_text(item.get("text"), where), doc_id, dict(meta)
        else:
            yield k, _check_text(item, f" in record {k}"), "", {}


def extract(text: str, *, nlp=None, meta: Mapping[str, Any] | None = None, doc_id: str = "") -> Document:
    """Extract entities and relations from one text.

    The model runs on a canonical form of the text (NFC, whitespace folded,
    invisible characters dropped); every offset in the result indexes ``text``
    exactly as given, and no entity starts or ends with whitespace.
    ``meta["date"]`` supplies the year of dates that omit it.

    Examples
    --------
    >>> doc = borderie.extract("Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân.")
    >>> doc.triples()
    """
    _check_text(text)
    return next(extract_many([{"text": text, "meta": meta or {}, "id": doc_id}], nlp=nlp))


def _budgeted(items: Iterator[Any], batch_size: int, batch_chars: int, size: Callable[[Any], int]) -> Iterator[list[Any]]:
    """Group items into batches of at most ``batch_size`` items and, past the first
    item, ``batch_chars`` characters: memory follows the characters in a batch."""
    batch: list[Any] = []
    chars = 0
    for item in items:
        n = size(item)
        if batch and (len(batch) >= batch_size or chars + n > batch_chars):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += n
    if batch:
        yield batch


def _extract_serial(nlp, records: Iterable[_Record], batch_size: int, batch_chars: int) -> Iterator[Document]:
    """Documents of ``records`` in order, in this process."""
    building: dict[int, _DocumentBuilder] = {}

    def pieces() -> Iterator[tuple[Any, tuple[int, int, str]]]:
        for k, text, doc_id, meta in records:
            clean = clean_text(text)
            building[k] = _DocumentBuilder(clean, doc_id, meta)
            for offset, piece in _pieces(clean.text):
                sdoc = nlp.make_doc(piece)
                sdoc._.meta = meta
                yield sdoc, (k, offset, piece)

    for batch in _budgeted(pieces(), batch_size, batch_chars, lambda item: len(item[1][2])):
        for sdoc, (k, offset, piece) in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
            builder = building[k]
            builder.add(offset, sdoc, piece)
            if builder.complete:
                del building[k]
                yield builder.document()


# How long the parent waits for a result before it checks that its workers are alive.
_POLL_SECONDS = 1.0
# Worker processes get the pipeline by fork where the platform has it; elsewhere they
# load it from ``nlp.path``. Set before the workers start (a fork inherits it).
_worker_nlp: Any = None


def _worker(nlp_path: str | None, parent: int, tasks, results, batch_size: int, batch_chars: int) -> None:
    """Worker process: ``(batch number, records)`` in, ``(batch number, documents, error)`` out.
    Stops at ``None``, or when the parent process ``parent`` is gone (killed, not closed)."""
    import os
    import queue
    import signal
    import traceback

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    nlp = _worker_nlp if _worker_nlp is not None else load(nlp_path)
    while True:
        try:
            job = tasks.get(timeout=_POLL_SECONDS * 5)
        except queue.Empty:
            if os.getppid() != parent:
                return
            continue
        if job is None:
            return
        number, records = job
        try:
            docs = [d.to_dict() for d in _extract_serial(nlp, records, batch_size, batch_chars)]
        except Exception as exc:
            first, last = records[0], records[-1]
            where = f"records {first[0]}-{last[0]}" + (f" (ids {first[2]!r}..{last[2]!r})" if first[2] else "")
            results.put((number, None, f"{where}: {type(exc).__name__}: {exc}\n\nworker traceback:\n{traceback.format_exc()}"))
        else:
            results.put((number, docs, None))


def _extract_parallel(nlp, records: Iterable[_Record], batch_size: int, batch_chars: int, n_process: int) -> Iterator[Document]:
    """Documents of ``records`` in order, from ``n_process`` worker processes.

    The workers do everything (cleaning, segmentation, the pipeline, conversion);
    this process reads the input, sends batches, and puts the results back in
    order. At most two batches per worker are in flight, so memory stays bounded
    on endless input. Closing the generator early, a bad input item or a worker
    error stops the workers.
    """
    import multiprocessing as mp
    import os
    import queue

    global _worker_nlp
    if "fork" in mp.get_all_start_methods():
        ctx, nlp_path = mp.get_context("fork"), None
    else:
        path = getattr(nlp, "path", None)
        if path is None:
            raise ValueError("n_process > 1 on this platform needs a pipeline loaded from a folder (borderie.load(path)); use n_process=1")
        ctx, nlp_path = mp.get_context("spawn"), str(path)
    if nlp_path is None:  # build the cleaner's table and load the segmenter once, before the fork
        nlp.make_doc(clean_text("Biên phòng\u200b").text)
    tasks, results = ctx.Queue(), ctx.Queue()
    args = (nlp_path, os.getpid(), tasks, results, batch_size, batch_chars)
    workers = [ctx.Process(target=_worker, args=args, daemon=True) for _ in range(n_process)]
    with _lock:  # another thread's extract_many must not swap the pipeline mid-start
        _worker_nlp = nlp if nlp_path is None else None
        try:
            for w in workers:
                w.start()
        finally:
            _worker_nlp = None
    batches = _budgeted(iter(records), batch_size, batch_chars, lambda record: len(record[1]))
    finished: dict[int, list[dict]] = {}
    sent = next_out = 0
    exhausted = clean_exit = False
    try:
        while True:
            while not exhausted and sent - next_out < 2 * n_process:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                else:
                    tasks.put((sent, batch))
                    sent += 1
            if exhausted and next_out == sent:
                break
            while next_out not in finished:
                try:
                    number, docs, error = results.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    dead = [w for w in workers if w.exitcode is not None]
                    if dead:
                        raise RuntimeError(f"a borderie worker process stopped with exit code {dead[0].exitcode} (out of memory?); no more documents")
                    continue
                if error is not None:
                    raise RuntimeError(f"a borderie worker failed on {error}")
                finished[number] = docs
            for data in finished.pop(next_out):
                yield Document.from_dict(data)
            next_out += 1
        clean_exit = True
    finally:
        if clean_exit:
            for _ in workers:
                tasks.put(None)
            for w in workers:
                w.join(timeout=10)
        for w in workers:  # early close, an error, or a worker that did not finish
            if w.is_alive():
                w.terminate()
            w.join()
        for q in (tasks, results):
            q.cancel_join_thread()
            q.close()


def extract_many(
    texts: Iterable[str | Mapping[str, Any]],
    *,
    nlp=None,
    batch_size: int = 32,
    batch_chars: int = BATCH_CHARS,
    n_process: int = 1,
) -> Iterator[Document]:
    """Stream Documents for many texts, in input order.

    Items are strings or records with ``text`` (and optional ``id`` and ``meta``);
    an item that is neither raises ``TypeError`` naming its position, right after
    the documents before it (so is any error raised while reading ``texts``). Texts are batched up to ``batch_size`` documents or ``batch_chars``
    characters, whichever comes first (peak memory grows with the characters in a
    batch); a text longer than 50,000 characters is run in pieces, each converted
    as soon as it is done. ``n_process > 1`` runs everything in that many worker
    processes (this one only reads input and yields results); closing the
    generator early stops them.

    Examples
    --------
    >>> for doc in borderie.extract_many([{"id": "a1", "text": "..."}], n_process=2):
    ...     print(doc.id, doc.triples())
    """
    if batch_size < 1 or batch_chars < 1 or n_process < 1:
        raise ValueError(f"batch_size, batch_chars and n_process must be >= 1, got {batch_size}, {batch_chars}, {n_process}")
    nlp = nlp or load()
    failure: list[Exception] = []

    def until_failure(records: Iterator[_Record]) -> Iterator[_Record]:
        try:
            yield from records
        except Exception as exc:  # re-raised below, once the records before it are done
            failure.append(exc)

    if n_process == 1:
        yield from _extract_serial(nlp, until_failure(_records(texts)), batch_size, batch_chars)
    else:
        yield from _extract_parallel(nlp, until_failure(_records(texts)), batch_size, batch_chars, n_process)
    if failure:
        raise failure[0]
