"""Schema version 1 types: Entity, Relation, Document, and the label tables.

This module owns the contract in SCHEMA.md: labels, which entity labels a
relation may join, which argument roles it may carry, and the JSONL record
format (``from_dict``/``to_dict`` round-trip a record exactly).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

SCHEMA_VERSION = 1

ENTITY_LABELS: tuple[str, ...] = (
    "PER",
    "TITLE",
    "ORG",
    "GATE",
    "MARKER",
    "LOC",
    "COUNTRY",
    "DATE",
    "QUANTITY",
    "DOC",
    "EVENT",
)


@dataclass(frozen=True)
class RelationSpec:
    """Which entity labels a relation joins and which argument roles it carries."""

    label: str
    heads: frozenset[str]
    tails: frozenset[str]
    roles: frozenset[str]
    symmetric: bool = False


def _spec(label: str, heads: str, tails: str, roles: str = "", symmetric: bool = False) -> RelationSpec:
    return RelationSpec(label, frozenset(heads.split()), frozenset(tails.split()), frozenset(roles.split()), symmetric)


RELATION_SPECS: dict[str, RelationSpec] = {
    s.label: s
    for s in (
        _spec("RETURNED", "ORG COUNTRY", "ORG COUNTRY", "quantity date location"),
        _spec("ARRESTED", "ORG", "QUANTITY PER", "date location"),
        _spec("SEIZED", "ORG", "QUANTITY", "date location"),
        _spec("PROCESSED", "ORG", "QUANTITY", "location date"),
        _spec("EXCHANGED", "ORG COUNTRY", "ORG COUNTRY", "quantity date"),
        _spec("MET", "ORG COUNTRY PER", "ORG COUNTRY PER", "event date location"),
        _spec("LEADS", "PER", "ORG"),
        _spec("HAS_TITLE", "PER", "TITLE"),
        _spec("MEMBER_OF", "PER", "ORG"),
        _spec("PART_OF", "ORG", "ORG"),
        _spec("LOCATED_IN", "GATE MARKER LOC ORG", "LOC COUNTRY"),
    )
}
RELATION_LABELS: tuple[str, ...] = tuple(RELATION_SPECS)
ARG_ROLES: tuple[str, ...] = ("quantity", "date", "location", "event")
# The entity label an argument role points to.
ROLE_LABELS: dict[str, frozenset[str]] = {
    "quantity": frozenset({"QUANTITY"}),
    "date": frozenset({"DATE"}),
    "location": frozenset({"LOC", "GATE", "MARKER", "COUNTRY"}),
    "event": frozenset({"EVENT"}),
}


@dataclass
class Entity:
    """A labelled span of the document text, ``text == doc.text[start:end]``."""

    id: str
    start: int
    end: int
    label: str
    text: str
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Entity":
        known = {"id", "start", "end", "label", "text"}
        return cls(
            id=data["id"],
            start=data["start"],
            end=data["end"],
            label=data["label"],
            text=data["text"],
            extra={k: v for k, v in data.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "start": self.start, "end": self.end, "label": self.label, "text": self.text}
        out.update(self.extra)
        return out

    @property
    def value(self) -> Any:
        """Normalized value (QUANTITY number, DATE ISO string) when known."""
        return self.extra.get("value")

    @property
    def unit(self) -> str | None:
        return self.extra.get("unit")


@dataclass
class Relation:
    """A directed, typed link ``head -> tail`` between two entity ids."""

    id: str
    label: str
    head: str
    tail: str
    args: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Relation":
        known = {"id", "label", "head", "tail", "args"}
        return cls(
            id=data["id"],
            label=data["label"],
            head=data["head"],
            tail=data["tail"],
            args=dict(data.get("args") or {}),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "head": self.head, "tail": self.tail, "args": dict(self.args)}
        out.update(self.extra)
        return out


@dataclass
class Document:
    """One record of the schema: text, metadata, entities and relations."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        return cls(
            id=data["id"],
            text=data["text"],
            meta=dict(data.get("meta") or {}),
            entities=[Entity.from_dict(e) for e in data.get("entities", [])],
            relations=[Relation.from_dict(r) for r in data.get("relations", [])],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "meta": dict(self.meta),
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def entity(self, entity_id: str) -> Entity:
        for ent in self.entities:
            if ent.id == entity_id:
                return ent
        raise KeyError(f"Document {self.id!r} has no entity {entity_id!r}")

    def triples(self) -> list[tuple[str, str, str, dict[str, str]]]:
        """Readable ``(head text, LABEL, tail text, {role: arg text})`` tuples."""
        by_id = {e.id: e for e in self.entities}
        out = []
        for rel in self.relations:
            args = {role: by_id[eid].text for role, eid in rel.args.items() if eid in by_id}
            out.append((by_id[rel.head].text, rel.label, by_id[rel.tail].text, args))
        return out


def json_lines(path, error: type[Exception] = ValueError) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` for every non-blank line of a JSON Lines file; a line that
    is not JSON raises ``error`` naming the file and the line."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise error(f"{path}, line {n}: not valid JSON ({exc.msg})") from None


def read_jsonl(path) -> Iterator[Document]:
    """Yield the documents of a schema JSONL file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Document.from_dict(json.loads(line))


def write_jsonl(docs: Iterable[Document], path) -> int:
    """Write documents as schema JSONL; returns the number written."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(doc.to_json() + "\n")
            n += 1
    return n
