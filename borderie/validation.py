"""Checks a schema record against SCHEMA.md and reports every problem at once."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .schema import ENTITY_LABELS, RELATION_SPECS, ROLE_LABELS
from .sentences import sentence_spans


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(message: str) -> str:
    """``message`` with lone surrogates (read from JSON escapes) written as ``\\udXXX``, so it can be printed."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", message)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record: where it is and what is wrong."""

    file: str
    line: int
    doc_id: str
    message: str

    def __str__(self) -> str:
        return printable(f"{self.file}:{self.line}: [{self.doc_id}] {self.message}")


def check_record(data: Any, *, same_sentence: bool = False) -> list[str]:
    """Return the problems of one decoded JSONL record, as messages.

    ``same_sentence`` also requires both ends of every relation to lie in one
    sentence (the corpus convention; off for arbitrary input).
    """
    if not isinstance(data, dict):
        return [f"record is a {type(data).__name__}, expected a JSON object"]
    msgs: list[str] = []
    for key, typ in (("id", str), ("text", str), ("entities", list), ("relations", list)):
        if key not in data:
            msgs.append(f"missing key {key!r}")
        elif not isinstance(data[key], typ):
            msgs.append(f"key {key!r} is a {type(data[key]).__name__}, expected {typ.__name__}")
    if "meta" in data and not isinstance(data["meta"], dict):
        msgs.append("key 'meta' must be an object")
    if msgs:
        return msgs
    text: str = data["text"]
    if unicodedata.normalize("NFC", text) != text:
        msgs.append("text is not NFC (normalize it with unicodedata.normalize('NFC', text))")
    lone = _SURROGATE.search(text)
    if lone:
        msgs.append(f"text holds a lone surrogate U+{ord(lone.group()):04X} at offset {lone.start()}, which UTF-8 cannot store (the source was decoded wrongly)")
    elif _SURROGATE.search(json.dumps(data, ensure_ascii=False)):
        msgs.append("an id, label or meta value holds a lone surrogate (U+D800..U+DFFF), which UTF-8 cannot store")

    ents: dict[str, dict] = {}
    spans = []
    for i, ent in enumerate(data["entities"]):
        if not isinstance(ent, dict) or not {"id", "start", "end", "label", "text"} <= set(ent):
            msgs.append(f"entity #{i} must have id, start, end, label and text")
            continue
        wrong = [k for k in ("id", "label", "text") if not isinstance(ent[k], str)]
        if wrong:
            msgs += [f"entity #{i}: {k} is a {type(ent[k]).__name__}, expected a string" for k in wrong]
            continue
        eid = ent["id"]
        if eid in ents:
            msgs.append(f"duplicate entity id {eid!r}")
        ents[eid] = ent
        if ent["label"] not in ENTITY_LABELS:
            msgs.append(f"entity {eid}: unknown label {ent['label']!r} (known: {', '.join(ENTITY_LABELS)})")
        s, e = ent["start"], ent["end"]
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            msgs.append(f"entity {eid}: offsets {s}..{e} out of range for a text of {len(text)} characters")
            continue
        if text[s:e] != ent["text"]:
            msgs.append(f"entity {eid}: text[{s}:{e}] is {text[s:e]!r}, not {ent['text']!r}")
        spans.append((s, e, eid))
    spans.sort()
    for (s1, e1, id1), (s2, e2, id2) in zip(spans, spans[1:]):
        if s2 < e1:
            msgs.append(f"entities {id1} ({s1}..{e1}) and {id2} ({s2}..{e2}) overlap")

    sent_of = {}
    if same_sentence:
        sents = sentence_spans(text)
        for eid, ent in ents.items():
            sent_of[eid] = next((k for k, (a, b) in enumerate(sents) if a <= ent["start"] < b), -1)

    rel_ids: set[str] = set()
    for i, rel in enumerate(data["relations"]):
        if not isinstance(rel, dict) or not {"id", "label", "head", "tail"} <= set(rel):
            msgs.append(f"relation #{i} must have id, label, head and tail")
            continue
        wrong = [k for k in ("id", "label", "head", "tail") if not isinstance(rel[k], str)]
        if wrong:
            msgs += [f"relation #{i}: {k} is a {type(rel[k]).__name__}, expected a string" for k in wrong]
            continue
        rid, label = rel["id"], rel["label"]
        if rid in rel_ids:
            msgs.append(f"duplicate relation id {rid!r}")
        rel_ids.add(rid)
        spec = RELATION_SPECS.get(label)
        if spec is None:
            msgs.append(f"relation {rid}: unknown label {label!r} (known: {', '.join(RELATION_SPECS)})")
        ends = []
        for end_name, allowed in (("head", spec.heads if spec else None), ("tail", spec.tails if spec else None)):
            eid = rel[end_name]
            if eid not in ents:
                msgs.append(f"relation {rid}: {end_name} {eid!r} is not an entity of this document")
                continue
            ends.append(eid)
            if allowed is not None and ents[eid]["label"] not in allowed:
                msgs.append(
                    f"relation {rid} ({label}): {end_name} {eid} is {ents[eid]['label']}, "
                    f"allowed: {', '.join(sorted(allowed))}"
                )
        if len(ends) == 2 and ends[0] == ends[1]:
            msgs.append(f"relation {rid}: head and tail are the same entity {ends[0]}")
        args = rel.get("args") or {}
        if not isinstance(args, dict):
            msgs.append(f"relation {rid}: args must be an object")
            args = {}
        bad_args = [role for role, eid in args.items() if not isinstance(eid, str)]
        msgs += [f"relation {rid}: arg {role} is a {type(args[role]).__name__}, expected an entity id string" for role in bad_args]
        args = {role: eid for role, eid in args.items() if role not in bad_args}
        for role, eid in args.items():
            if spec is not None and role not in spec.roles:
                allowed_roles = ", ".join(sorted(spec.roles)) or "none"
                msgs.append(f"relation {rid} ({label}): role {role!r} not allowed (allowed: {allowed_roles})")
            if eid not in ents:
                msgs.append(f"relation {rid}: arg {role}={eid!r} is not an entity of this document")
            elif role in ROLE_LABELS and ents[eid]["label"] not in ROLE_LABELS[role]:
                msgs.append(f"relation {rid}: arg {role} points to {eid}, a {ents[eid]['label']}")
        if same_sentence and len(ends) == 2:
            if sent_of.get(ends[0]) != sent_of.get(ends[1]):
                msgs.append(f"relation {rid} ({label}): head {ends[0]} and tail {ends[1]} are in different sentences")
            for role, eid in args.items():
                if eid in sent_of and sent_of[eid] != sent_of.get(ends[0]):
                    msgs.append(f"relation {rid} ({label}): arg {role}={eid} is not in the sentence of its head {ends[0]}")
    return msgs


def validate_lines(lines: Iterable[str], file: str = "<input>", *, same_sentence: bool = False) -> Iterator[Problem]:
    """Validate JSONL lines; yields every problem with its file, line and document id."""
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(file, lineno, "?", f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        doc_id = str(data.get("id", "?")) if isinstance(data, dict) else "?"
        if doc_id in seen:
            yield Problem(file, lineno, doc_id, f"duplicate document id (first on line {seen[doc_id]})")
        else:
            seen[doc_id] = lineno
        for msg in check_record(data, same_sentence=same_sentence):
            yield Problem(file, lineno, doc_id, msg)


def validate_path(path: str | Path, *, same_sentence: bool = False) -> list[Problem]:
    """Validate a JSONL file, or every ``*.jsonl`` file under a directory."""
    path = Path(path)
    files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        return [Problem(str(path), 0, "?", "no .jsonl file found")]
    problems: list[Problem] = []
    for f in files:
        if not f.exists():
            problems.append(Problem(str(f), 0, "?", "file does not exist"))
            continue
        if f.is_dir():
            problems.append(Problem(str(f), 0, "?", "is a folder, not a .jsonl file"))
            continue
        undecodable: list[Problem] = []
        with open(f, "rb") as fh:
            problems.extend(validate_lines(_utf8_lines(fh, str(f), undecodable), str(f), same_sentence=same_sentence))
        problems.extend(undecodable)
    return problems


def _utf8_lines(fh, file: str, problems: list[Problem]) -> Iterator[str]:
    """Decode the lines of a binary file; at the first line that is not UTF-8, note a problem
    naming it and stop reading (a binary file or another encoding would give one per line)."""
    for lineno, raw in enumerate(fh, 1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(file, lineno, "?", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); save the file as UTF-8"))
            return
