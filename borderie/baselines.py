"""Baselines scored beside the model: underthesea's NER and a gazetteer-and-patterns system.

Both return schema Documents (entities only). ``to_coarse`` maps any document
to the coarse label set PER/ORG/LOC (LOC, COUNTRY and GATE -> LOC) on which
underthesea can be compared at all.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from .pipeline.tokenizer import align_words
from .schema import Document, Entity
from .sentences import sentence_spans

COARSE = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "COUNTRY": "LOC", "GATE": "LOC"}


def to_coarse(doc: Document) -> Document:
    """Keep PER, ORG and LOC-like entities, relabelled to PER/ORG/LOC; drop relations."""
    ents = [Entity(e.id, e.start, e.end, COARSE[e.label], e.text) for e in doc.entities if e.label in COARSE]
    return Document(id=doc.id, text=doc.text, meta=dict(doc.meta), entities=ents, relations=[])


def _bio_to_entities(text: str, offset: int, words: list[str], tags: list[str]) -> list[tuple[int, int, str]]:
    spans, _ = align_words(text, words, offset, refine=False)
    out: list[tuple[int, int, str]] = []
    cur: list | None = None
    for (s, e), tag in zip(spans, tags):
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur:
                out.append(tuple(cur))
            cur = [s, e, tag[2:]]
        elif tag.startswith("I-") and cur is not None:
            cur[1] = e
        else:
            if cur:
                out.append(tuple(cur))
            cur = None
    if cur:
        out.append(tuple(cur))
    return out


def underthesea_ner(documents: Iterable[Document], *, ner: Callable | None = None, progress: bool = False) -> list[Document]:
    """underthesea's own NER (PER/ORG/LOC), sentence by sentence, aligned to the text."""
    from tqdm import tqdm

    if ner is None:
        from underthesea import ner
    out = []
    for d in tqdm(documents, desc="underthesea ner", unit="doc", disable=not progress):
        ents = []
        for s, e in sentence_spans(d.text):
            sent = d.text[s:e]
            rows = ner(sent)
            words = [r[0] for r in rows]
            tags = [r[-1] for r in rows]
            for a, b, label in _bio_to_entities(sent, s, words, tags):
                if label in ("PER", "ORG", "LOC"):
                    ents.append(Entity(f"T{len(ents) + 1}", a, b, label, d.text[a:b]))
        out.append(Document(id=d.id, text=d.text, meta=dict(d.meta), entities=ents))
    return out


_CAP = r"(?:[A-ZÀ-ỸĐ][\wÀ-ỹ'’]*)"
_NAME = rf"{_CAP}(?:\s+{_CAP}){{0,4}}"
_NUM = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"
_COUNTRIES = r"Việt Nam|Trung Quốc|Lào|Campuchia|CHDCND Lào|Vương quốc Campuchia|Thái Lan|Myanmar"
_UNITS = (
    r"công dân|người|đối tượng|lượt phương tiện|lượt người|lượt hành khách|phương tiện|lượt|lần|thư|kg|gram|gam|g|viên|"
    r"bánh|tấn|lít|bao|thùng|con|xe|tàu|chiếc|vụ|tuổi|triệu đồng|tỷ đồng|đồng|USD|km|m|ngư dân|thuyền viên|trường hợp|cuộc"
)
RULES: list[tuple[str, re.Pattern]] = [
    ("ORG", re.compile(rf"\b(?:Đồn|Trạm|Bộ đội|Bộ Chỉ huy|Bộ Tư lệnh|Hải đội|Hải đoàn|Công an|Cục|Bộ|Sở|UBND|Ủy ban nhân dân|BĐBP|Đoàn)\s+(?:[\wÀ-ỹ]+\s+){{0,4}}?{_NAME}")),
    ("GATE", re.compile(rf"\b(?:[cC]ửa khẩu(?:\s+[qQ]uốc tế|\s+chính|\s+phụ)?|CKQT|CK|[lL]ối mở)\s+{_NAME}")),
    ("MARKER", re.compile(r"\b(?:[cC]ột\s+)?[mM]ốc(?:\s+quốc giới)?(?:\s+số)?\s+\d+(?:\s*\(\d+\)|/\d+)?")),
    ("DATE", re.compile(r"\b(?:ngày\s+)?\d{1,2}(?:\s*-\s*\d{1,2})?/\d{1,2}(?:/\d{4})?|\b(?:quý\s+(?:[IV]+|\d)(?:\s+năm\s+\d{4}|/\d{4})?)|\bnăm\s+\d{4}|\btháng\s+\d{1,2}/\d{4}")),
    ("QUANTITY", re.compile(rf"\b{_NUM}\s+(?:{_UNITS})\b")),
    ("COUNTRY", re.compile(rf"\b(?:{_COUNTRIES})\b")),
    ("LOC", re.compile(rf"\b(?:tỉnh|huyện|xã|thôn|bản|thị trấn|thành phố|TP\.|phường|thị xã|Thủ đô)\s+{_NAME}")),
    ("DOC", re.compile(rf"\b(?:Hiệp định|Nghị định thư|Nghị định|Luật|Hiệp ước|Thỏa thuận|Quy chế)\s+(?:[\wÀ-ỹ/\-]+\s*){{1,8}}?(?=[,.;:)]|$)")),
    ("EVENT", re.compile(rf"\b(?:[cC]uộc họp|[hH]ội đàm|Hội nghị|Hội thảo)\s+(?:thường niên|định kỳ)?(?:\s+lần thứ\s+\d+)?")),
    ("PER", re.compile(rf"\b(?:ông|bà|anh|chị|Đại tá|Thượng tá|Trung tá|Thiếu tá|Đại úy|Thượng úy|Trung úy|Thiếu tướng|Trung tướng|đồng chí) ({_NAME})")),
    ("TITLE", re.compile(r"\b(?:Thứ trưởng|Bộ trưởng|Chủ tịch|Phó Chủ tịch|Chỉ huy trưởng|Phó Chỉ huy trưởng|Đồn trưởng|Chính trị viên|Trưởng đoàn|Đại tá|Thượng tá|Trung tá|Thiếu tá|Thiếu tướng|Trung tướng|Giám đốc|Cục trưởng)\b")),
]


def rules_baseline(documents: Iterable[Document], *, progress: bool = False) -> list[Document]:
    """Gazetteer and regular patterns for all 11 labels; first rule wins, no overlaps."""
    from tqdm import tqdm

    out = []
    for d in tqdm(documents, desc="rules", unit="doc", disable=not progress):
        taken: list[tuple[int, int, str]] = []
        for label, pattern in RULES:
            for m in pattern.finditer(d.text):
                group = 1 if m.re.groups else 0
                s, e = m.start(group), m.end(group)
                while e > s and d.text[e - 1] in " ,.;:":
                    e -= 1
                if e > s and not any(a < e and s < b for a, b, _ in taken):
                    taken.append((s, e, label))
        taken.sort()
        ents = [Entity(f"T{k + 1}", s, e, label, d.text[s:e]) for k, (s, e, label) in enumerate(taken)]
        out.append(Document(id=d.id, text=d.text, meta=dict(d.meta), entities=ents))
    return out


BASELINES: dict[str, Callable[[Iterable[Document]], list[Document]]] = {"underthesea": underthesea_ner, "rules": rules_baseline}
