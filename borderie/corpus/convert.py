"""Convert annotated documents between schema JSONL and annotation-tool formats.

``read(path, fmt)`` gives schema :class:`~borderie.schema.Document` objects,
``write(docs, path, fmt)`` writes them, ``convert(src, dst, src_fmt, dst_fmt)``
does both and returns a :class:`ConversionReport` (counts read and written, and
a note for everything the target format could not hold). Every document read is
checked with :func:`borderie.validation.check_record`; a problem raises
:class:`ConversionError` naming the file, the line or record, and the problem.
Output is written to a temporary file or folder and moved into place, so a
failed conversion leaves nothing half-written.

Formats (where each one keeps what the schema has no native place for):

``jsonl``
    Schema JSONL (SCHEMA.md). Lossless.
``labelstudio``
    Label Studio JSON export: a list of tasks, ``data.text`` the text, the first
    annotation's ``result`` holding ``labels`` regions (region ``id`` = entity id)
    and ``relation`` results (``from_id``/``to_id``/``labels``). Document id and
    meta go in ``data.doc_id`` and ``data.meta``; a relation's id, args and extra
    keys in its result ``meta`` (``{"id": "R1", "args": {"quantity": "T4"}}``), an
    entity's extra keys in its region ``meta.extra``. Lossless.
``doccano``
    Doccano JSONL (sequence labelling with relations): ``text``, ``entities``
    ``[{id, label, start_offset, end_offset}]``, ``relations``
    ``[{id, from_id, to_id, type}]`` with integer ids. Extra keys carry the rest:
    ``doc_id`` and ``meta`` on the record, ``schema_id`` (and ``extra``) on entities
    and relations, ``args`` (role -> Doccano entity id) on relations. Doccano
    exports without them get ids ``T1..``/``R1..`` in offset/file order. The old
    ``"label": [[start, end, LABEL]]`` layout is read too. Lossless.
``brat``
    A folder of ``<id>.txt`` + ``<id>.ann`` standoff pairs (plus ``annotation.conf``
    on write). ``T`` lines are entities (discontinuous spans are rejected), ``R``
    lines ``R1<TAB>LABEL Arg1:T1 Arg2:T2`` relations; relation args are an
    ``AnnotatorNotes`` line on the relation (``#1<TAB>AnnotatorNotes R1<TAB>quantity=T4
    date=T1``); meta is kept in ``<id>.meta.json`` beside the pair (brat ignores
    it). Entity/relation extra keys are dropped; ids that are not ``T<n>``/``R<n>``
    are renumbered. Documents are read in file-name order.
``conll``
    BIO, entities only: ``token<TAB>B-LABEL`` per line, a blank line between
    sentences, ``# id = ...`` (or ``-DOCSTART-``) starting a document. Tokens
    split the text at whitespace and at every entity boundary. The writer adds
    ``# text = ...`` (the exact text with ``\\``, newline, carriage return and tab
    escaped as ``\\\\``, ``\\n``, ``\\r``, ``\\t``) and ``# meta = {json}``; the reader
    uses ``# text`` to keep exact offsets and otherwise rebuilds the text by
    joining tokens with single spaces (reported). Relations and entity extra keys
    are dropped (counted); entity ids are regenerated ``T1..`` in text order.
    An ``I-X`` tag not preceded by ``B-X``/``I-X`` starts a new entity (IOB1 style).
``docbin``
    spaCy ``DocBin`` (``.spacy``): entities in ``doc.ents``; document id, meta,
    entity ids and extra keys, and relations in ``doc.user_data["borderie"]``.
    Each ``Doc`` keeps the exact text (words split at whitespace and at every
    entity boundary). Lossless.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..schema import ENTITY_LABELS, RELATION_SPECS, Document, Entity, Relation, write_jsonl
from ..sentences import sentence_spans
from ..validation import check_record, printable, validate_path

FORMATS: tuple[str, ...] = ("jsonl", "labelstudio", "doccano", "brat", "conll", "docbin")
# Suffixes that name a format unambiguously (Doccano JSONL must be named explicitly).
_SUFFIXES = {".jsonl": "jsonl", ".json": "labelstudio", ".spacy": "docbin", ".conll": "conll", ".bio": "conll", ".iob": "conll"}
USER_DATA_KEY = "borderie"


class ConversionError(ValueError):
    """Input that cannot be converted; the message names file, line or record, and problem."""

    def __init__(self, problems: str | list[str]):
        self.problems = [printable(p) for p in ([problems] if isinstance(problems, str) else problems)]
        super().__init__("\n".join(self.problems))


@dataclass
class Counts:
    documents: int = 0
    entities: int = 0
    relations: int = 0

    @classmethod
    def of(cls, docs: Iterable[Document], *, relations: bool = True) -> "Counts":
        docs = list(docs)
        return cls(len(docs), sum(len(d.entities) for d in docs), sum(len(d.relations) for d in docs) if relations else 0)

    def __str__(self) -> str:
        return f"{self.documents} documents, {self.entities} entities, {self.relations} relations"


@dataclass
class ConversionReport:
    """What ``convert`` read, wrote, and could not carry over."""

    source: str
    target: str
    source_format: str
    target_format: str
    read: Counts
    written: Counts
    dropped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        lines = [
            f"read {self.read} from {self.source} ({self.source_format})",
            f"wrote {self.written} to {self.target} ({self.target_format})",
        ]
        lines += [f"dropped: {note}" for note in self.dropped]
        return "\n".join(lines)


def infer_format(path: str | Path) -> str | None:
    """The format a path's suffix names (``.jsonl`` is schema JSONL), a folder is brat; else None."""
    path = Path(path)
    if path.is_dir() or (not path.exists() and not path.suffix):
        return "brat"
    return _SUFFIXES.get(path.suffix.lower())


def looks_like_doccano(path: str | Path) -> bool:
    """Whether the first record of a JSONL file has Doccano's layout (``start_offset``/``end_offset``
    entities, ``from_id``/``to_id`` relations, or ``label: [[start, end, LABEL]]``), not the schema's."""
    try:
        with open(path, encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "")
        rec = json.loads(first)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    if not isinstance(rec, dict):
        return False
    ents, rels, label = rec.get("entities"), rec.get("relations"), rec.get("label")
    return (
        (isinstance(ents, list) and any(isinstance(e, dict) and "start_offset" in e for e in ents))
        or (isinstance(rels, list) and any(isinstance(r, dict) and "from_id" in r for r in rels))
        or (isinstance(label, list) and all(isinstance(x, list) for x in label) and "entities" not in rec)
    )


def read(path: str | Path, fmt: str) -> tuple[list[Document], list[str]]:
    """Read documents in format ``fmt``; returns them and notes on what was not read.

    Raises :class:`ConversionError` on malformed input or records that break the schema.
    """
    path = Path(path)
    if fmt not in _READERS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if not path.exists():
        raise ConversionError(f"{path}: no such file or folder")
    if fmt == "brat" and not path.is_dir():
        raise ConversionError(f"{path}: brat input must be a folder of .txt/.ann files")
    if fmt != "brat" and path.is_dir():
        raise ConversionError(f"{path}: is a folder; {fmt} input is a file")
    try:
        located, notes = _READERS[fmt](path)
    except UnicodeDecodeError as exc:
        raise ConversionError(f"{path}, line {_first_undecodable_line(path)}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from exc
    except ConversionError:
        raise
    except (AttributeError, TypeError, KeyError, ValueError) as exc:  # a JSON shape the reader did not expect
        raise ConversionError(
            f"{path}: not the {fmt} layout this reader expects ({type(exc).__name__}: {exc}); "
            f"check --from, or see the {fmt} layout in `help(borderie.corpus.convert)`"
        ) from exc
    _check(located, str(path))
    return [doc for _, doc in located], notes


def write(docs: Iterable[Document], path: str | Path, fmt: str) -> list[str]:
    """Write documents in format ``fmt``; returns notes on what the format could not hold.

    The documents are checked first; nothing is written when one breaks the schema.
    """
    if fmt not in _WRITERS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    docs = list(docs)
    _check([(f"document #{i}", d) for i, d in enumerate(docs, 1)], "<documents to write>")
    return _WRITERS[fmt](docs, Path(path))


def convert(src: str | Path, dst: str | Path, src_fmt: str, dst_fmt: str) -> ConversionReport:
    """Read ``src`` in ``src_fmt`` and write it to ``dst`` in ``dst_fmt``."""
    docs, read_notes = read(src, src_fmt)
    write_notes = write(docs, dst, dst_fmt)
    return ConversionReport(
        source=str(src),
        target=str(dst),
        source_format=src_fmt,
        target_format=dst_fmt,
        read=Counts.of(docs),
        written=Counts.of(docs, relations=dst_fmt != "conll"),
        dropped=read_notes + write_notes,
    )


# --------------------------------------------------------------------------- helpers


def _check(located: list[tuple[str, Document]], file: str) -> None:
    """Validate documents (``where`` says which line or record each came from)."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for where, doc in located:
        if doc.id in seen:
            problems.append(f"{file}, {where}: [{doc.id}] duplicate document id (first at {seen[doc.id]})")
        seen.setdefault(doc.id, where)
        problems += [f"{file}, {where}: [{doc.id}] {msg}" for msg in check_record(doc.to_dict())]
    if problems:
        raise ConversionError(problems)


def _first_undecodable_line(path: Path) -> int:
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return 1  # a multi-byte character cut at the end of the file


def _utf8(path: Path) -> str:
    """The exact text of a file (line ends kept); not UTF-8 is a ConversionError naming the file."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConversionError(f"{path}, line {line}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from exc


def _json_file(path: Path, what: str, expected: type) -> Any:
    """A JSON file holding a value of type ``expected``, or a ConversionError saying what is wrong."""
    try:
        value = json.loads(_utf8(path))
    except json.JSONDecodeError as exc:
        raise ConversionError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); {what}") from exc
    if not isinstance(value, expected):
        raise ConversionError(f"{path}: holds a JSON {type(value).__name__}, expected {what}")
    return value


def _fresh_ids(prefix: str, used: Iterable[str]) -> Iterator[str]:
    """``T1``, ``T2``, ... skipping ids already taken."""
    taken = set(used)
    n = 0
    while True:
        n += 1
        if f"{prefix}{n}" not in taken:
            yield f"{prefix}{n}"


@contextmanager
def _atomic_file(path: Path, mode: str = "w") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; moved onto ``path`` only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _list_of_dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, dict) for x in value)


def _scalar_ids(record: dict, *keys: str) -> bool:
    """Whether the ids under ``keys`` (when present) are strings or numbers (usable as keys)."""
    return all(isinstance(record.get(k), (str, int, float, type(None))) for k in keys)


def _tokens(doc: Document) -> list[tuple[int, int]]:
    """Character spans of the tokens of ``doc.text``: split at whitespace and at every entity boundary.

    Raises ConversionError for an entity that starts or ends with whitespace (no token edge there).
    """
    for e in doc.entities:
        if doc.text[e.start].isspace() or doc.text[e.end - 1].isspace():
            raise ConversionError(f"[{doc.id}] entity {e.id} {e.text!r} starts or ends with whitespace; tokens cannot hold it")
    cuts = sorted({e.start for e in doc.entities} | {e.end for e in doc.entities})
    spans = []
    for m in re.finditer(r"\S+", doc.text):
        s, e = m.span()
        inner = [c for c in cuts if s < c < e]
        spans += list(zip([s] + inner, inner + [e]))
    return spans


# --------------------------------------------------------------------------- jsonl


def _read_jsonl(path: Path) -> tuple[list[tuple[str, Document]], list[str]]:
    problems = validate_path(path)
    if problems:
        raise ConversionError([f"{p.file}, line {p.line}: [{p.doc_id}] {p.message}" for p in problems])
    with open(path, encoding="utf-8") as fh:
        return [(f"line {n}", Document.from_dict(json.loads(line))) for n, line in enumerate(fh, 1) if line.strip()], []


def _write_jsonl(docs: list[Document], path: Path) -> list[str]:
    with _atomic_file(path) as tmp:
        write_jsonl(docs, tmp)
    return []


# --------------------------------------------------------------------------- Label Studio


def _read_labelstudio(path: Path) -> tuple[list[tuple[str, Document]], list[str]]:
    try:
        tasks = json.loads(_utf8(path))
    except json.JSONDecodeError as exc:
        raise ConversionError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(tasks, list):
        raise ConversionError(f"{path}: expected a JSON list of tasks (Label Studio 'JSON' export), got a {type(tasks).__name__}")
    located, notes = [], []
    for n, task in enumerate(tasks, 1):
        where = f"task #{n}"
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ConversionError(f"{path}, {where}: no string 'data.text'")
        doc_id = str(data.get("doc_id") or data.get("id") or task.get("id") or f"task{n}")
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        if not _list_of_dicts(task.get("annotations") or []):
            raise ConversionError(f"{path}, {where} [{doc_id}]: 'annotations' must be a list of objects")
        annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if len(annotations) > 1:
            notes.append(f"{path}, {where} [{doc_id}]: used the first of {len(annotations)} annotations")
        results = annotations[0].get("result", []) if annotations else []
        if not _list_of_dicts(results):
            raise ConversionError(f"{path}, {where} [{doc_id}]: the annotation's 'result' must be a list of objects")
        for res in results:
            for key in ("value", "meta"):
                if not isinstance(res.get(key) or {}, dict):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: result {res.get('id')!r}: '{key}' must be an object")
        entities: list[Entity] = []
        rel_results = []
        skipped: dict[str, int] = {}
        for i, res in enumerate(results):
            kind = res.get("type")
            if kind == "labels":
                val = res.get("value") or {}
                labels = val.get("labels") or []
                if not isinstance(labels, list) or len(labels) != 1 or not {"start", "end"} <= set(val):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: region {res.get('id')!r} must have start, end and exactly one label, has {labels}")
                s, e = val["start"], val["end"]
                text = val.get("text", data["text"][s:e] if isinstance(s, int) and isinstance(e, int) else "")
                extra = (res.get("meta") or {}).get("extra") or {}
                entities.append(Entity(str(res.get("id") or f"region{i}"), s, e, labels[0], text, dict(extra)))
            elif kind == "relation":
                rel_results.append(res)
            else:
                skipped[str(kind)] = skipped.get(str(kind), 0) + 1
        for kind, k in skipped.items():
            notes.append(f"{path}, {where} [{doc_id}]: {k} result(s) of type {kind!r} ignored")
        relations: list[Relation] = []
        meta_ids = [(r.get("meta") or {}).get("id") for r in rel_results]
        meta_ids = [None if i is None else str(i) for i in meta_ids]
        fresh = _fresh_ids("R", [i for i in meta_ids if i])
        for res, rid in zip(rel_results, meta_ids):
            labels = res.get("labels") or []
            if not isinstance(labels, list) or len(labels) != 1:
                raise ConversionError(f"{path}, {where} [{doc_id}]: relation {res.get('from_id')} -> {res.get('to_id')} must have exactly one label, has {labels}")
            head, tail = str(res.get("from_id")), str(res.get("to_id"))
            if res.get("direction") == "left":
                head, tail = tail, head
            elif res.get("direction") == "bi":
                notes.append(f"{path}, {where} [{doc_id}]: bidirectional relation {labels[0]} {head} <-> {tail} read as {head} -> {tail}")
            rmeta = res.get("meta") or {}
            relations.append(Relation(str(rid or next(fresh)), labels[0], head, tail, dict(rmeta.get("args") or {}), dict(rmeta.get("extra") or {})))
        located.append((where, Document(doc_id, data["text"], dict(meta), entities, relations)))
    return located, notes


def _write_labelstudio(docs: list[Document], path: Path) -> list[str]:
    tasks = []
    for n, doc in enumerate(docs, 1):
        result: list[dict[str, Any]] = []
        for e in doc.entities:
            region: dict[str, Any] = {
                "id": e.id, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": e.start, "end": e.end, "text": e.text, "labels": [e.label]},
            }
            if e.extra:
                region["meta"] = {"extra": e.extra}
            result.append(region)
        for r in doc.relations:
            rmeta: dict[str, Any] = {"id": r.id}
            if r.args:
                rmeta["args"] = r.args
            if r.extra:
                rmeta["extra"] = r.extra
            result.append({"from_id": r.head, "to_id": r.tail, "type": "relation", "direction": "right", "labels": [r.label], "meta": rmeta})
        tasks.append({"id": n, "data": {"text": doc.text, "doc_id": doc.id, "meta": doc.meta}, "annotations": [{"id": n, "result": result}]})
    with _atomic_file(path) as tmp:
        tmp.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return []


# --------------------------------------------------------------------------- Doccano

_DOCCANO_KEYS = {"id", "doc_id", "text", "meta", "entities", "relations", "label", "Comments"}


def _read_doccano(path: Path) -> tuple[list[tuple[str, Document]], list[str]]:
    located, notes = [], []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"line {n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConversionError(f"{path}, {where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise ConversionError(f"{path}, {where}: expected an object with a string 'text'")
            doc_id = str(rec.get("doc_id") or rec.get("id") or f"line{n}")
            meta = dict(rec["meta"]) if isinstance(rec.get("meta"), dict) else {}
            meta.update({k: v for k, v in rec.items() if k not in _DOCCANO_KEYS})  # Doccano flattens metadata
            if rec.get("Comments"):
                notes.append(f"{path}, {where} [{doc_id}]: {len(rec['Comments'])} comment(s) ignored")
            raw_ents = rec.get("entities")
            if raw_ents is None and isinstance(rec.get("label"), list):  # old layout: [[start, end, LABEL], ...]
                if not all(isinstance(x, list) and len(x) == 3 for x in rec["label"]):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: 'label' must be a list of [start, end, LABEL]")
                raw_ents = [{"id": i, "start_offset": s, "end_offset": e, "label": lab} for i, (s, e, lab) in enumerate(rec["label"])]
            raw_ents = raw_ents or []
            for key, value in (("entities", raw_ents), ("relations", rec.get("relations") or []), ("Comments", rec.get("Comments") or [])):
                if not isinstance(value, list):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: '{key}' is a {type(value).__name__}, expected a list")
            for i, ent in enumerate(raw_ents):
                if not isinstance(ent, dict) or not {"label", "start_offset", "end_offset"} <= set(ent):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: entity #{i} must have label, start_offset and end_offset")
                if not (isinstance(ent["start_offset"], int) and isinstance(ent["end_offset"], int)):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: entity #{i} offsets must be integers")
                if not _scalar_ids(ent, "id", "schema_id"):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: entity #{i}: 'id' and 'schema_id' must be numbers or strings")
            order = sorted(range(len(raw_ents)), key=lambda i: (raw_ents[i]["start_offset"], raw_ents[i]["end_offset"]))
            fresh = _fresh_ids("T", [e["schema_id"] for e in raw_ents if e.get("schema_id")])
            new_id = {i: raw_ents[i].get("schema_id") or next(fresh) for i in order}
            by_tool_id = {raw_ents[i].get("id", i): new_id[i] for i in range(len(raw_ents))}
            text = rec["text"]
            entities = []
            for i, ent in enumerate(raw_ents):
                s, e = ent["start_offset"], ent["end_offset"]
                span = text[s:e] if isinstance(s, int) and isinstance(e, int) else ""
                entities.append(Entity(new_id[i], s, e, ent["label"], span, dict(ent.get("extra") or {})))
            relations = []
            raw_rels = rec.get("relations") or []
            fresh_r = _fresh_ids("R", [r["schema_id"] for r in raw_rels if isinstance(r, dict) and r.get("schema_id")])
            for i, rel in enumerate(raw_rels):
                if not isinstance(rel, dict) or not {"from_id", "to_id", "type"} <= set(rel):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: relation #{i} must have from_id, to_id and type")
                if not _scalar_ids(rel, "from_id", "to_id", "schema_id") or not isinstance(rel.get("args") or {}, dict) or not _scalar_ids(rel.get("args") or {}, *(rel.get("args") or {})):
                    raise ConversionError(f"{path}, {where} [{doc_id}]: relation #{i}: from_id, to_id, schema_id and args values must be numbers or strings, args an object")
                args = {role: by_tool_id.get(eid, str(eid)) for role, eid in (rel.get("args") or {}).items()}
                relations.append(Relation(
                    rel.get("schema_id") or next(fresh_r), rel["type"],
                    by_tool_id.get(rel["from_id"], str(rel["from_id"])), by_tool_id.get(rel["to_id"], str(rel["to_id"])),
                    args, dict(rel.get("extra") or {}),
                ))
            located.append((where, Document(doc_id, text, meta, entities, relations)))
    return located, notes


def _write_doccano(docs: list[Document], path: Path) -> list[str]:
    with _atomic_file(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        next_ent = next_rel = 1
        for n, doc in enumerate(docs, 1):
            tool_id = {}
            ents = []
            for e in doc.entities:
                tool_id[e.id] = next_ent
                ent: dict[str, Any] = {"id": next_ent, "label": e.label, "start_offset": e.start, "end_offset": e.end, "schema_id": e.id}
                if e.extra:
                    ent["extra"] = e.extra
                ents.append(ent)
                next_ent += 1
            rels = []
            for r in doc.relations:
                rel: dict[str, Any] = {"id": next_rel, "from_id": tool_id[r.head], "to_id": tool_id[r.tail], "type": r.label, "schema_id": r.id}
                if r.args:
                    rel["args"] = {role: tool_id[eid] for role, eid in r.args.items()}
                if r.extra:
                    rel["extra"] = r.extra
                rels.append(rel)
                next_rel += 1
            rec = {"id": n, "doc_id": doc.id, "text": doc.text, "meta": doc.meta, "entities": ents, "relations": rels}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return []


# --------------------------------------------------------------------------- brat

_T_LINE = re.compile(r"^(T\S*)\t(\S+) ([0-9; ]+)\t(.*)$")
_R_LINE = re.compile(r"^(R\S*)\t(\S+) (\S+?):(\S+) (\S+?):(\S+)\s*$")
_NOTE_LINE = re.compile(r"^#\S*\tAnnotatorNotes (\S+)\t(.*)$")
_ARG_NOTE = re.compile(r"^(?:[a-z]+=\S+)(?: [a-z]+=\S+)*$")
_SAFE_ID = re.compile(r"^(?!\.+\Z)[\w.\-]+\Z")  # a plain file name: not "." or "..", no separators or line breaks


def _read_brat(folder: Path) -> tuple[list[tuple[str, Document]], list[str]]:
    located, notes = [], []
    for ann in sorted(folder.glob("*.ann")):
        if not ann.with_suffix(".txt").exists():
            raise ConversionError(f"{ann}: no {ann.stem}.txt beside it")
    for txt in sorted(folder.glob("*.txt")):
        doc_id = txt.stem
        text = _utf8(txt)
        ann = txt.with_suffix(".ann")
        meta_file = folder / f"{doc_id}.meta.json"
        meta = _json_file(meta_file, "a JSON object of document metadata", dict) if meta_file.exists() else {}
        entities: list[Entity] = []
        relations: list[Relation] = []
        arg_notes: dict[str, tuple[int, str]] = {}
        ignored: dict[str, int] = {}
        lines = _utf8(ann).splitlines() if ann.exists() else []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            kind = line[0]
            if kind == "T":
                m = _T_LINE.match(line)
                if not m:
                    raise ConversionError(f"{ann}, line {n}: malformed T line {line!r} (expected 'T1<TAB>LABEL START END<TAB>text')")
                tid, label, offsets, span = m.groups()
                if ";" in offsets:
                    raise ConversionError(f"{ann}, line {n}: {tid} is discontinuous ({offsets}); the schema has no multi-fragment entities")
                parts = offsets.split()
                if len(parts) != 2:
                    raise ConversionError(f"{ann}, line {n}: {tid} offsets {offsets!r} are not 'START END'")
                entities.append(Entity(tid, int(parts[0]), int(parts[1]), label, span))
            elif kind == "R":
                m = _R_LINE.match(line)
                if not m:
                    raise ConversionError(f"{ann}, line {n}: malformed R line {line!r} (expected 'R1<TAB>LABEL Arg1:T1 Arg2:T2')")
                rid, label, role1, id1, role2, id2 = m.groups()
                head, tail = (id2, id1) if (role1, role2) == ("Arg2", "Arg1") else (id1, id2)
                relations.append(Relation(rid, label, head, tail))
            elif kind == "#":
                m = _NOTE_LINE.match(line)
                if m and m.group(1).startswith("R") and _ARG_NOTE.match(m.group(2).strip()):
                    arg_notes[m.group(1)] = (n, m.group(2).strip())
                else:
                    ignored["note"] = ignored.get("note", 0) + 1
            elif kind in "AMNE*":
                name = {"A": "attribute", "M": "attribute", "N": "normalization", "E": "event", "*": "equivalence"}[kind]
                ignored[name] = ignored.get(name, 0) + 1
            else:
                raise ConversionError(f"{ann}, line {n}: malformed line {line!r}")
        for rel in relations:
            if rel.id in arg_notes:
                _, note = arg_notes.pop(rel.id)
                rel.args = dict(pair.split("=", 1) for pair in note.split())
        for rid, (n, _) in arg_notes.items():
            raise ConversionError(f"{ann}, line {n}: AnnotatorNotes on {rid}, which is not a relation of this file")
        for name, k in ignored.items():
            notes.append(f"{ann}: {k} {name} line(s) ignored")
        located.append((ann.name, Document(doc_id, text, meta, entities, relations)))
    return located, notes


def _annotation_conf() -> str:
    lines = ["[entities]", *ENTITY_LABELS, "", "[relations]"]
    for spec in RELATION_SPECS.values():
        lines.append(f"{spec.label}\tArg1:{'|'.join(sorted(spec.heads))}, Arg2:{'|'.join(sorted(spec.tails))}")
    lines += ["", "[events]", "", "[attributes]", ""]
    return "\n".join(lines)


def _write_brat(docs: list[Document], folder: Path) -> list[str]:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConversionError(f"{folder}: exists and is not an empty folder; brat output needs a new folder")
    notes: list[str] = []
    extras = 0
    renamed = []
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for doc in docs:
            if not _SAFE_ID.match(doc.id):
                raise ConversionError(f"[{doc.id}] document id is not a safe file name (letters, digits, '.', '_', '-')")
            ent_id = {e.id: e.id for e in doc.entities}
            if not all(re.fullmatch(r"T\d+", i) for i in ent_id):
                ent_id = {e.id: f"T{k}" for k, e in enumerate(doc.entities, 1)}
                renamed.append(doc.id)
            rel_id = {r.id: r.id for r in doc.relations}
            if not all(re.fullmatch(r"R\d+", i) for i in rel_id):
                rel_id = {r.id: f"R{k}" for k, r in enumerate(doc.relations, 1)}
                renamed.append(doc.id)
            lines = []
            for e in doc.entities:
                if "\n" in e.text:
                    raise ConversionError(f"[{doc.id}] entity {e.id} spans a line break; brat .ann lines cannot hold it")
                lines.append(f"{ent_id[e.id]}\t{e.label} {e.start} {e.end}\t{e.text}")
                extras += bool(e.extra)
            for r in doc.relations:
                lines.append(f"{rel_id[r.id]}\t{r.label} Arg1:{ent_id[r.head]} Arg2:{ent_id[r.tail]}")
                extras += bool(r.extra)
            for k, r in enumerate([r for r in doc.relations if r.args], 1):
                args = " ".join(f"{role}={ent_id[eid]}" for role, eid in r.args.items())
                lines.append(f"#{k}\tAnnotatorNotes {rel_id[r.id]}\t{args}")
            with open(tmp / f"{doc.id}.txt", "w", encoding="utf-8", newline="") as fh:
                fh.write(doc.text)
            (tmp / f"{doc.id}.ann").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            if doc.meta:
                (tmp / f"{doc.id}.meta.json").write_text(json.dumps(doc.meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (tmp / "annotation.conf").write_text(_annotation_conf(), encoding="utf-8")
        if folder.exists():
            folder.rmdir()  # empty, checked above
        os.replace(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    if extras:
        notes.append(f"brat: extra keys (value, unit, score, ...) of {extras} entit(ies)/relation(s) dropped")
    if renamed:
        notes.append(f"brat: ids renumbered T1../R1.. in {len(set(renamed))} document(s) (brat ids are T<n>/R<n>): {', '.join(sorted(set(renamed)))}")
    return notes


# --------------------------------------------------------------------------- CoNLL

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _write_conll(docs: list[Document], path: Path) -> list[str]:
    n_rel = n_rel_docs = n_extra = 0
    chunks = []
    for doc in docs:
        tokens = _tokens(doc)
        tags = ["O"] * len(tokens)
        starts = {s: k for k, (s, _) in enumerate(tokens)}
        for e in sorted(doc.entities, key=lambda e: e.start):
            k = starts[e.start]
            tags[k] = f"B-{e.label}"
            k += 1
            while k < len(tokens) and tokens[k][1] <= e.end:
                tags[k] = f"I-{e.label}"
                k += 1
            n_extra += bool(e.extra)
        n_rel += len(doc.relations)
        n_rel_docs += bool(doc.relations)
        lines = [f"# id = {doc.id}"]
        if doc.meta:
            lines.append(f"# meta = {json.dumps(doc.meta, ensure_ascii=False)}")
        lines.append(f"# text = {_escape(doc.text)}")
        sent_of = []
        sents = sentence_spans(doc.text)
        j = 0
        for s, _ in tokens:
            while j + 1 < len(sents) and s >= sents[j][1]:
                j += 1
            sent_of.append(j)
        for k, ((s, e), tag) in enumerate(zip(tokens, tags)):
            if k and sent_of[k] != sent_of[k - 1] and not tag.startswith("I-"):
                lines.append("")
            lines.append(f"{doc.text[s:e]}\t{tag}")
        chunks.append("\n".join(lines) + "\n")
    with _atomic_file(path) as tmp:
        tmp.write_text("\n".join(chunks), encoding="utf-8")
    notes = []
    if n_rel:
        notes.append(f"conll: {n_rel} relation(s) (with their args) in {n_rel_docs} document(s) dropped: CoNLL holds entities only")
    if n_extra:
        notes.append(f"conll: extra keys (value, unit, ...) of {n_extra} entit(ies) dropped")
    return notes


@dataclass
class _ConllDoc:
    line: int
    id: str | None = None
    text: str | None = None
    meta: dict = field(default_factory=dict)
    sentences: list[list[tuple[str, str, int]]] = field(default_factory=lambda: [[]])

    def has_tokens(self) -> bool:
        return any(self.sentences)


def _read_conll(path: Path) -> tuple[list[tuple[str, Document]], list[str]]:
    raw_docs: list[_ConllDoc] = []
    cur: _ConllDoc | None = None

    def start(n: int) -> _ConllDoc:
        doc = _ConllDoc(n)
        raw_docs.append(doc)
        return doc

    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                if cur and cur.sentences[-1]:
                    cur.sentences.append([])
                continue
            if line.startswith("-DOCSTART-"):
                cur = start(n)
                continue
            if line.startswith("#") and "\t" not in line:
                m = re.match(r"^#\s*(\w+)\s*=\s?(.*)$", line)
                if not m:
                    continue  # a free comment
                key, value = m.groups()
                if key == "id":
                    if cur is None or cur.has_tokens() or cur.id is not None:
                        cur = start(n)
                    cur.id = value.strip()
                elif key in ("text", "meta"):
                    if cur is None or cur.has_tokens():
                        cur = start(n)
                    if key == "text":
                        cur.text = _unescape(value)
                    else:
                        try:
                            cur.meta = json.loads(value)
                        except json.JSONDecodeError as exc:
                            raise ConversionError(f"{path}, line {n}: '# meta =' is not valid JSON ({exc.msg})") from exc
                        if not isinstance(cur.meta, dict):
                            raise ConversionError(f"{path}, line {n}: '# meta =' must be a JSON object")
                continue
            cols = line.split("\t") if "\t" in line else line.split()
            if len(cols) < 2 or not cols[0]:
                raise ConversionError(f"{path}, line {n}: expected 'TOKEN<TAB>TAG', got {line!r}")
            tag = cols[-1].strip()
            if not (tag == "O" or re.fullmatch(r"[BI]-\S+", tag)):
                raise ConversionError(f"{path}, line {n}: tag {tag!r} is not O, B-LABEL or I-LABEL")
            if cur is None:
                cur = start(n)
            cur.sentences[-1].append((cols[0], tag, n))

    located, rebuilt = [], []
    for k, raw in enumerate(raw_docs, 1):
        sents = [s for s in raw.sentences if s]
        if not sents and raw.text is None:
            continue
        doc_id = raw.id or f"doc{k}"
        spans: list[tuple[int, int]] = []
        if raw.text is not None:
            text, pos = raw.text, 0
            for sent in sents:
                for token, _, n in sent:
                    while pos < len(text) and text[pos].isspace():
                        pos += 1
                    if not text.startswith(token, pos):
                        raise ConversionError(f"{path}, line {n}: [{doc_id}] token {token!r} does not match '# text' at offset {pos} ({text[pos:pos + len(token)]!r})")
                    spans.append((pos, pos + len(token)))
                    pos += len(token)
            if text[pos:].strip():
                raise ConversionError(f"{path}, line {raw.line}: [{doc_id}] '# text' goes on after the last token: {text[pos:pos + 30]!r}")
        else:
            rebuilt.append(doc_id)
            pos, words = 0, []
            for sent in sents:
                for token, _, _ in sent:
                    if words:
                        pos += 1
                    spans.append((pos, pos + len(token)))
                    words.append(token)
                    pos += len(token)
            text = " ".join(words)
        entities: list[Entity] = []
        k_tok = 0
        for sent in sents:
            open_ent: list | None = None
            for _, tag, _ in sent:
                s, e = spans[k_tok]
                k_tok += 1
                if tag == "O":
                    open_ent = None
                    continue
                prefix, label = tag[0], tag[2:]
                if prefix == "I" and open_ent is not None and open_ent[2] == label:
                    open_ent[1] = e
                else:
                    open_ent = [s, e, label]
                    entities.append(open_ent)  # type: ignore[arg-type]
        ents = [Entity(f"T{i}", s, e, label, text[s:e]) for i, (s, e, label) in enumerate(entities, 1)]
        located.append((f"line {raw.line}", Document(doc_id, text, dict(raw.meta), ents, [])))
    notes = []
    if rebuilt:
        notes.append(f"{path}: {len(rebuilt)} document(s) had no '# text =' line: text rebuilt by joining tokens with single spaces")
    return located, notes


# --------------------------------------------------------------------------- spaCy DocBin


def _write_docbin(docs: list[Document], path: Path) -> list[str]:
    from spacy.tokens import Doc, DocBin
    from spacy.util import get_words_and_spaces
    from spacy.vocab import Vocab

    vocab = Vocab()
    db = DocBin(store_user_data=True)
    for doc in docs:
        words, spaces = get_words_and_spaces([doc.text[s:e] for s, e in _tokens(doc)], doc.text)
        sdoc = Doc(vocab, words=words, spaces=spaces)
        ents = sorted(doc.entities, key=lambda e: e.start)
        spans = []
        for e in ents:
            span = sdoc.char_span(e.start, e.end, label=e.label)
            if span is None:  # cannot happen: tokens split at every entity boundary
                raise ConversionError(f"[{doc.id}] entity {e.id} {e.text!r} does not align with tokens")
            spans.append(span)
        sdoc.ents = spans
        sdoc.user_data[USER_DATA_KEY] = {
            "id": doc.id,
            "meta": doc.meta,
            "entities": [{"id": e.id, "extra": e.extra} for e in ents],
            "relations": [r.to_dict() for r in doc.relations],
        }
        db.add(sdoc)
    with _atomic_file(path) as tmp:
        db.to_disk(tmp)
    return []


def _read_docbin(path: Path) -> tuple[list[tuple[str, Document]], list[str]]:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    try:
        db = DocBin().from_disk(path)
    except Exception as exc:  # a corrupt or foreign file: say which
        raise ConversionError(f"{path}: not a spaCy DocBin ({type(exc).__name__}: {exc})") from exc
    located, bare = [], 0
    for n, sdoc in enumerate(db.get_docs(Vocab()), 1):
        data = sdoc.user_data.get(USER_DATA_KEY)
        if isinstance(data, dict):
            data = json.loads(json.dumps(data))  # msgpack gives tuples back for lists
        else:
            bare += 1
            data = {}
        doc_id = str(data.get("id") or f"doc{n}")
        stored = data.get("entities") or []
        if stored and len(stored) != len(sdoc.ents):
            raise ConversionError(f"{path}, doc #{n}: [{doc_id}] user_data lists {len(stored)} entities, doc.ents has {len(sdoc.ents)}")
        entities = []
        for i, span in enumerate(sdoc.ents):
            info = stored[i] if stored else {"id": f"T{i + 1}"}
            entities.append(Entity(info["id"], span.start_char, span.end_char, span.label_, span.text, dict(info.get("extra") or {})))
        relations = [Relation.from_dict(r) for r in data.get("relations") or []]
        located.append((f"doc #{n}", Document(doc_id, sdoc.text, dict(data.get("meta") or {}), entities, relations)))
    notes = [f"{path}: {bare} document(s) without user_data[{USER_DATA_KEY!r}]: ids generated, no relations or meta"] if bare else []
    return located, notes


_READERS: dict[str, Callable[[Path], tuple[list[tuple[str, Document]], list[str]]]] = {
    "jsonl": _read_jsonl,
    "labelstudio": _read_labelstudio,
    "doccano": _read_doccano,
    "brat": _read_brat,
    "conll": _read_conll,
    "docbin": _read_docbin,
}
_WRITERS: dict[str, Callable[[list[Document], Path], list[str]]] = {
    "jsonl": _write_jsonl,
    "labelstudio": _write_labelstudio,
    "doccano": _write_doccano,
    "brat": _write_brat,
    "conll": _write_conll,
    "docbin": _write_docbin,
}

__all__ = ["FORMATS", "ConversionError", "ConversionReport", "Counts", "convert", "infer_format", "read", "write"]
