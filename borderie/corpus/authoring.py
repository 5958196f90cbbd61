"""The corpus authoring format, compiled to schema JSONL.

Authors write one document per ``.txt`` file with inline markup, so nobody
counts character offsets by hand (see corpus/AUTHORING.md)::

    id: cn-ls-001
    date: 2025-03-14
    genre: handover
    border: CN
    ---
    [Đồn Biên phòng Tân Thanh](ORG#a) trao trả cho [phía Trung Quốc] ...
    ---
    RETURNED a > b quantity=q date=d

Entities are ``[surface](LABEL)`` or ``[surface](LABEL#key)``; keys name the
entity in the relation lines ``LABEL head > tail role=key ...``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..schema import Document, Entity, Relation
from ..validation import check_record

GENRES = ("meeting", "handover", "seizure", "trade", "patrol", "visit", "legal", "rescue")
BORDERS = ("CN", "LA", "KH", "SEA", "MULTI")
_MARK = re.compile(r"\[([^\[\]\n]+)\]\(([A-Z_]+)(?:#([A-Za-z0-9_]+))?\)")
_REL = re.compile(r"^([A-Z_]+)\s+([A-Za-z0-9_]+)\s*>\s*([A-Za-z0-9_]+)((?:\s+[a-z]+=[A-Za-z0-9_]+)*)\s*$")


class AuthoringError(ValueError):
    """A source file that cannot be compiled; the message lists every problem."""


@dataclass
class SourceDoc:
    path: Path
    doc: Document
    problems: list[str]


def parse_source(raw: str, path: str | Path = "<source>") -> SourceDoc:
    """Compile one authoring file to a :class:`Document`, collecting problems."""
    path = Path(path)
    problems: list[str] = []
    raw = unicodedata.normalize("NFC", raw.replace("\r\n", "\n"))
    parts = re.split(r"^---[ \t]*$", raw, maxsplit=2, flags=re.M)
    if len(parts) < 2:
        return SourceDoc(path, Document(id=path.stem, text=""), ["missing the '---' line after the header"])
    header, body = parts[0], parts[1]
    rel_block = parts[2] if len(parts) > 2 else ""
    meta: dict[str, str] = {}
    for n, line in enumerate(header.splitlines(), 1):
        if not line.strip():
            continue
        if ":" not in line:
            problems.append(f"header line {n}: expected 'key: value', got {line!r}")
            continue
        k, v = line.split(":", 1)
        meta[k.strip()] = v.strip()
    doc_id = meta.pop("id", path.stem)
    if meta.get("genre") not in GENRES:
        problems.append(f"genre {meta.get('genre')!r} not one of {', '.join(GENRES)}")
    if meta.get("border") not in BORDERS:
        problems.append(f"border {meta.get('border')!r} not one of {', '.join(BORDERS)}")

    body = body.strip("\n").rstrip()
    text_parts: list[str] = []
    entities: list[Entity] = []
    keys: dict[str, str] = {}
    pos = 0
    length = 0
    for m in _MARK.finditer(body):
        chunk = body[pos : m.start()]
        text_parts.append(chunk)
        length += len(chunk)
        surface, label, key = m.group(1), m.group(2), m.group(3)
        if surface != surface.strip():
            problems.append(f"entity {surface!r}: leading or trailing space inside the brackets")
        eid = f"T{len(entities) + 1}"
        entities.append(Entity(eid, length, length + len(surface), label, surface))
        if key:
            if key in keys:
                problems.append(f"key {key!r} used for two entities")
            keys[key] = eid
        text_parts.append(surface)
        length += len(surface)
        pos = m.end()
    text_parts.append(body[pos:])
    text = "".join(text_parts)
    for bad in re.finditer(r"\[|\]\(", text):
        ctx = text[max(0, bad.start() - 30) : bad.start() + 30]
        problems.append(f"stray markup near {ctx!r}")

    relations: list[Relation] = []
    for n, line in enumerate(rel_block.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _REL.match(line)
        if not m:
            problems.append(f"relation line {line!r}: expected 'LABEL head > tail role=key ...'")
            continue
        label, h, t, argstr = m.groups()
        args = {}
        for a in argstr.split():
            role, key = a.split("=")
            if key not in keys:
                problems.append(f"relation line {line!r}: unknown key {key!r}")
                continue
            args[role] = keys[key]
        if h not in keys or t not in keys:
            problems.append(f"relation line {line!r}: unknown key {h if h not in keys else t!r}")
            continue
        relations.append(Relation(f"R{len(relations) + 1}", label, keys[h], keys[t], args))
    meta.setdefault("source", "borderie")
    doc = Document(id=doc_id, text=text, meta=meta, entities=entities, relations=relations)
    problems.extend(check_record(doc.to_dict(), same_sentence=True))
    return SourceDoc(path, doc, problems)


def parse_file(path: str | Path) -> SourceDoc:
    path = Path(path)
    return parse_source(path.read_text(encoding="utf-8"), path)


def source_files(root: str | Path) -> list[Path]:
    root = Path(root)
    return sorted(root.rglob("*.txt")) if root.is_dir() else [root]


def main(argv: list[str] | None = None) -> int:
    """``python -m borderie.corpus.authoring PATH...``: check sources, print counts."""
    import sys
    from collections import Counter

    paths = argv if argv is not None else sys.argv[1:]
    ents: Counter[str] = Counter()
    rels: Counter[str] = Counter()
    n_docs = n_bad = n_syll = 0
    ids: dict[str, Path] = {}
    for root in paths:
        for f in source_files(root):
            src = parse_file(f)
            n_docs += 1
            if src.doc.id in ids:
                src.problems.append(f"document id {src.doc.id!r} also used by {ids[src.doc.id]}")
            ids[src.doc.id] = f
            for p in src.problems:
                print(f"{f}: {p}")
            n_bad += bool(src.problems)
            ents.update(e.label for e in src.doc.entities)
            rels.update(r.label for r in src.doc.relations)
            n_syll += len(src.doc.text.split())
    print(f"{n_docs} documents, {n_bad} with problems, {n_syll} syllables")
    print("entities:", dict(sorted(ents.items())))
    print("relations:", dict(sorted(rels.items())))
    return 1 if n_bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
