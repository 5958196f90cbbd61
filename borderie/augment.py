"""Spelling variants of training documents, for the entity recognizer only.

Real newspapers differ from bulletins in regular ways that the corpus, written
mostly in bulletin style, rarely shows: ranks and titles in lower case ("thiếu tá Lò
Văn A, đồn trưởng Đồn Biên phòng B"), the generic head of a unit's name in lower case
("đồn biên phòng Bát Xát", "bộ đội biên phòng tỉnh Lào Cai", "công an huyện Mường
Khương") and day-month dates with a hyphen ("sáng 5-6", "tháng 7-2024"). ``augment`` adds, for a share of the training documents, a copy
with those spellings. Both rewrites keep every character offset, so entities and
relations carry over unchanged. The corpus files themselves are never changed,
and dev and test are never augmented.
"""

from __future__ import annotations

import random
import re
from typing import Iterable

from .schema import Document, Entity

# Syllables of generic titles and ranks that newspapers write in lower case.
TITLE_SYLLABLES = frozenset(
    """đại thượng trung thiếu tá úy uý tướng chuẩn đô đốc phó chỉ huy trưởng đồn chủ tịch tỉnh tư lệnh
    thứ chính trị viên ủy uỷ trạm chi đội giám cục bộ bản nhiệm bí thư hải đoàn ban tổ phòng tham mưu
    binh nhất nhì hạ sĩ quân thủ tướng phủ""".split()
)
# Generic heads of unit names that newspapers often write in lower case.
ORG_HEADS = (
    "Bộ đội Biên phòng", "Bộ Chỉ huy", "Đồn Biên phòng", "Trạm Kiểm soát Biên phòng", "Biên phòng",
    "Công an", "Cảnh sát", "Cơ quan Cảnh sát điều tra", "Hải quan", "Chi cục", "Cục", "Phòng", "Đội",
    "Đồn", "Trạm", "Tổ chức", "Ban", "Sở", "Ủy ban nhân dân", "Trung tâm", "Hải đội", "Tiểu đoàn",
)
_ORG_HEAD = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, ORG_HEADS), key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)
_SLASH_IN_DATE = re.compile(r"(?<=\d)/(?=\d)")
_SENTENCE_END = set(".!?:;\"“”\n")


def _sentence_initial(text: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    return k < 0 or text[k] in _SENTENCE_END


def lower_title(title: str) -> str:
    """``Phó Đồn trưởng`` -> ``phó đồn trưởng``; other words keep their case (``thứ trưởng Ngoại giao``)."""
    return " ".join(w.lower() if w.lower() in TITLE_SYLLABLES else w for w in title.split(" "))


def lower_org_heads(name: str) -> str:
    """``Đồn Biên phòng Bát Xát`` -> ``đồn biên phòng Bát Xát``; the proper name keeps its case."""
    return _ORG_HEAD.sub(lambda m: m.group(0).lower(), name)


def hyphen_date(date: str) -> str:
    """``ngày 5/6/2024`` -> ``ngày 5-6-2024``; ``quý I/2024`` is left alone."""
    return _SLASH_IN_DATE.sub("-", date)


def variant(doc: Document, *, titles: bool = True, dates: bool = True, orgs: bool = False) -> Document | None:
    """A copy of ``doc`` in newspaper spelling, or None when nothing changes."""
    chars = list(doc.text)
    changed = False
    for e in doc.entities:
        if titles and e.label == "TITLE" and not _sentence_initial(doc.text, e.start):
            new = lower_title(e.text)
        elif orgs and e.label == "ORG" and not _sentence_initial(doc.text, e.start):
            new = lower_org_heads(e.text)
        elif dates and e.label == "DATE":
            new = hyphen_date(e.text)
        else:
            continue
        if new != e.text and len(new) == len(e.text):
            chars[e.start : e.end] = new
            changed = True
    if not changed:
        return None
    text = "".join(chars)
    entities = [Entity(e.id, e.start, e.end, e.label, text[e.start : e.end], dict(e.extra)) for e in doc.entities]
    meta = {**doc.meta, "augmented_from": doc.id}
    return Document(id=f"{doc.id}~news", text=text, meta=meta, entities=entities, relations=list(doc.relations))


def augment(documents: Iterable[Document], *, rate: float, seed: int) -> list[Document]:
    """Variants for about ``rate`` of the documents (lower-case titles, hyphenated dates,
    or both, chosen at random; lower-case unit heads in half of them), reproducible from ``seed``."""
    if not 0 <= rate <= 1:
        raise ValueError(f"augment rate must be between 0 and 1, not {rate}")
    rng = random.Random(seed)
    out = []
    for doc in documents:
        if rng.random() >= rate:
            continue
        mode = rng.choice(("titles", "dates", "both"))
        orgs = rng.random() < 0.5
        v = variant(doc, titles=mode != "dates", dates=mode != "titles", orgs=orgs)
        if v is not None:
            out.append(v)
    return out
