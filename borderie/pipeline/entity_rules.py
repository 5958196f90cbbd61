"""Boundary rules applied to the recognizer's entities (GUIDELINES.md 4.2, 4.30).

The statistical recognizer sometimes returns a span no annotator would draw:
an unbalanced bracket ("Sở Thương mại Champasak (Lào"), a leading descriptor
("lực lượng Hải quan Lạng Sơn", "anh em Biên phòng Đồng Tháp"), or a unit
with its bracketed code and parent run together ("Phòng Cảnh sát hình sự (PC02)
- Công an tỉnh Sơn La"). Each rule below rewrites
such a span to the guideline's form; a span that breaks no rule is left alone,
so the rules never add an entity the model did not find.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .relations.features import norm

# Words that start a descriptor before a name, never the name itself, when the
# next word is capitalized ("lực lượng Hải quan", but "Lực lượng bảo vệ biên giới
# tỉnh Takeo" keeps its head word: the next word is lower case).
LEADING_DESCRIPTORS = frozenset({"lực lượng", "anh em", "hiện", "ngày", "cùng", "trong khi", "sau khi", "nguyên", "đại diện"})
# A unit code in brackets: PC47, PA08, C04, JICA, BĐBP
_CODE = re.compile(r"^[A-ZĐ][A-ZĐ0-9]{1,5}$")


def _is_capitalized(token) -> bool:
    return token.text[:1].isupper()


def _balanced(tokens) -> bool:
    depth = 0
    for t in tokens:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def repair(doc: Doc) -> list[Span]:
    """The entities of ``doc`` with the boundary rules applied (see the module doc)."""
    ents = list(doc.ents)
    out: list[Span] = []
    k = 0
    while k < len(ents):
        e = ents[k]
        # "Bộ đội Biên phòng" "(" "BĐBP) tỉnh Kiên Giang": one name around its abbreviation
        if (
            k + 1 < len(ents)
            and ents[k + 1].label_ == e.label_
            and ents[k + 1].start == e.end + 1
            and doc[e.end].text == "("
            and not _balanced(ents[k + 1])
            and _balanced(doc[e.start : ents[k + 1].end])
        ):
            e = Span(doc, e.start, ents[k + 1].end, label=e.label_)
            k += 1
        out.extend(_repair_one(doc, e))
        k += 1
    return filter_spans(out)


def _repair_one(doc: Doc, e: Span) -> list[Span]:
    start, end, label = e.start, e.end, e.label_
    # leading descriptor before a capitalized name
    if label == "ORG" and end - start >= 2 and norm(doc[start].text) in LEADING_DESCRIPTORS and _is_capitalized(doc[start + 1]):
        start += 1
    # unbalanced bracket: cut at it (the model ran into or out of a bracket)
    if not _balanced(doc[start:end]):
        depth, cut = 0, None
        for x in range(start, end):
            if doc[x].text == "(":
                depth += 1
                if cut is None:
                    cut = x
            elif doc[x].text == ")":
                if depth == 0:
                    start, cut = x + 1, None
                    continue
                depth -= 1
                if depth == 0:
                    cut = None
        if cut is not None:
            end = cut
    if end <= start:
        return []
    spans = [(start, end)]
    # "X (CODE)" and "X (CODE) - Y": the code (and the parent) are ORGs of their own
    if label == "ORG":
        for x in range(start + 1, end - 2):
            code = doc[x + 1].text
            # an abbreviation inside a longer name stays ("Bộ đội Biên phòng (BĐBP) tỉnh
            # Kiên Giang"); a numbered unit code, or a code that ends the span, is split off
            if doc[x].text == "(" and doc[x + 2].text == ")" and _CODE.match(code) and (any(c.isdigit() for c in code) or x + 3 == end):
                spans = [(start, x), (x + 1, x + 2)]
                rest = x + 3
                while rest < end and doc[rest].text in ("-", "–", ","):
                    rest += 1
                if rest < end and _is_capitalized(doc[rest]):
                    spans.append((rest, end))
                break
    return [Span(doc, a, b, label=label) for a, b in spans if b > a]


class EntityRules:
    """spaCy component: rewrites ``doc.ents`` by :func:`repair`. No state, no weights."""

    def __init__(self, nlp: Language, name: str = "borderie_entity_rules"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if doc.ents:
            doc.ents = repair(doc)
        return doc

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)
