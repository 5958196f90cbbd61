"""Consistency checks across a corpus: what a second annotation pass should look at.

Reports, per document, (1) unannotated occurrences of a string that the corpus
annotates elsewhere (a likely missed entity), (2) boundary drift: honorifics
inside PER, prepositions inside DATE, approximators inside QUANTITY. These are
places to look, not verdicts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from ..schema import Document

DRIFT = {
    "PER": re.compile(r"^(ông|bà|anh|chị|đồng chí|Đại tá|Thượng tá|Trung tá|Thiếu tá|Đại úy|Thiếu tướng|Trung tướng)\s", re.I),
    "DATE": re.compile(r"^(từ|vào|trong|đến|tới|sáng|chiều|tối|đêm|trưa|sinh)\s", re.I),
    "QUANTITY": re.compile(r"^(trên|hơn|gần|khoảng|chừng|tổng cộng|tổng số|tới|đến)\s", re.I),
    "GATE": re.compile(r"^(tại|qua)\s", re.I),
}
LABELS_FOR_MISSES = ("COUNTRY", "GATE", "ORG", "LOC", "MARKER", "DOC", "EVENT", "TITLE")


@dataclass(frozen=True)
class Finding:
    doc_id: str
    kind: str
    text: str
    context: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.kind}: {self.text!r} in …{self.context}…"


def check_consistency(docs: Iterable[Document], *, min_count: int = 3) -> list[Finding]:
    docs = list(docs)
    seen: dict[str, Counter] = defaultdict(Counter)
    for d in docs:
        for e in d.entities:
            if e.label in LABELS_FOR_MISSES and len(e.text) >= 3:
                seen[e.text][e.label] += 1
    frequent = {t: c.most_common(1)[0][0] for t, c in seen.items() if sum(c.values()) >= min_count}
    pattern = re.compile("|".join(re.escape(t) for t in sorted(frequent, key=len, reverse=True))) if frequent else None
    findings: list[Finding] = []
    for d in docs:
        covered = [(e.start, e.end) for e in d.entities]
        for e in d.entities:
            rx = DRIFT.get(e.label)
            if rx and rx.search(e.text):
                findings.append(Finding(d.id, f"{e.label} boundary", e.text, d.text[max(0, e.start - 30) : e.end + 30]))
        if pattern is None:
            continue
        for m in pattern.finditer(d.text):
            s, t = m.start(), m.end()
            if any(a <= s < b or a < t <= b for a, b in covered):
                continue
            before = d.text[s - 1] if s else " "
            after = d.text[t] if t < len(d.text) else " "
            if before.isalnum() or after.isalnum():
                continue  # part of a longer word
            findings.append(Finding(d.id, f"unannotated {frequent[m.group()]}?", m.group(), d.text[max(0, s - 30) : t + 30].replace("\n", " ")))
    return findings


def main(argv: list[str] | None = None) -> int:
    """``python -m borderie.corpus.consistency PATH...``: findings for the sources under PATH,
    judged against every source in corpus/src (the strings the corpus annotates elsewhere)."""
    import sys
    from pathlib import Path

    from .authoring import parse_file, source_files

    paths = (argv if argv is not None else sys.argv[1:]) or ["corpus/src"]
    targets = {parse_file(f).doc.id for p in paths for f in source_files(p)}
    root = Path("corpus/src")
    reference = [parse_file(f).doc for f in source_files(root if root.exists() else paths[0])]
    findings = [f for f in check_consistency(reference) if f.doc_id in targets]
    for f in findings:
        print(f)
    print(f"{len(findings)} finding(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
