"""Event triggers: the words that report an arrest, a seizure, a handover, border
procedures, an exchange or a meeting, found once per sentence.

Real reporting puts the actor far from the event word ("X phối hợp với Y và Z
phát hiện, bắt quả tang đối tượng A"), turns it around ("bị X bắt giữ",
"được phía Lào trao trả") or chains several events on one subject ("bắt 2 đối
tượng, thu 1.500 viên"). The relation features (``features.py``) describe each
entity pair by the trigger that links them, so the classifier learns the
structure rather than the words of one corpus.

Words are matched on token norms (NFC, lower case); a multi-syllable trigger may
span several tokens ("bắt" + "quả tang"), the longest match wins.
"""

from __future__ import annotations

from dataclasses import dataclass

# Trigger words by the event type they report (NFC, lower case, space-separated syllables).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "arrest": (
        "bắt", "bắt giữ", "bắt quả tang", "bắt khẩn cấp", "bắt tạm giam", "bắt sống", "tạm giữ",
        "tạm giữ hình sự", "tạm giam", "khống chế", "khởi tố", "truy bắt", "vây bắt", "bắt gọn",
        "triệt phá", "phá án", "bắt được",
    ),
    "seize": (
        "thu giữ", "thu", "tịch thu", "thu được", "thu hồi", "tang vật", "thu giữ tang vật", "cùng tang vật",
        "thu tại chỗ", "phát hiện thu giữ",
    ),
    "return": (
        "trao trả", "bàn giao", "trả về", "trả lại", "trục xuất", "tiếp nhận", "nhận lại", "hồi hương",
        "giao trả", "trao trả lại", "chuyển giao", "giao cho", "trả",
    ),
    "process": (
        "làm thủ tục", "giải quyết thủ tục", "thủ tục", "kiểm soát", "thông quan", "xuất nhập cảnh",
        "xuất cảnh", "nhập cảnh",
    ),
    "exchange": ("trao đổi", "thông báo", "trao đổi thông tin", "gửi thư", "điện đàm", "liên lạc"),
    "meet": (
        "hội đàm", "hội kiến", "gặp", "gặp gỡ", "gặp mặt", "tiếp", "tiếp kiến", "tiếp xúc", "làm việc",
        "hội nghị", "họp", "thăm", "chào xã giao", "đón", "tiếp đón", "hội ngộ", "chủ trì", "đồng chủ trì",
        "giao lưu", "ký", "ký kết",
    ),
}
# Words that let a subject reach a trigger further right without a new clause:
# partners ("phối hợp với", "cùng", "và"), aspect ("đã", "vừa"), and "lực lượng".
CONNECTORS = frozenset(
    "phối hợp với cùng và , ( ) - – đã vừa mới đang tiến hành kịp thời nhanh chóng lực lượng "
    "chủ trì phối kết hợp hiệp đồng liên tiếp cũng thuộc của tại trên bắt đầu sau đó tổ chức "
    "phát hiện , kiểm tra cho biết nhanh".split()
) | {"phối hợp", "phối hợp với", "chủ trì", "tiến hành", "lực lượng", "cho biết", "phát hiện", "kiểm tra"}
# Words between a trigger and its object that do not break the link ("bắt quả tang đối tượng A").
OBJECT_WORDS = frozenset(
    "đối tượng tên nghi can nghi phạm anh chị ông bà cháu em người gồm : được của là thêm với "
    "tổng cộng hơn gần khoảng trên các những số cùng , đồng thời".split()
) | {"đối tượng", "nghi can", "nghi phạm", "tổng cộng", "đồng thời"}
PASSIVE = frozenset({"bị", "được"})
MAX_WORDS = 3  # a trigger spans at most this many tokens

_LEXICON: dict[str, str] = {}
for _type, _words in TRIGGERS.items():
    for _w in _words:
        _LEXICON.setdefault(_w, _type)
_LONGEST = max(len(w.split()) for w in _LEXICON)
# first syllable of every trigger: a token whose first syllable is none of them starts none
_FIRST = frozenset(w.split()[0] for w in _LEXICON)


@dataclass(frozen=True)
class Trigger:
    """An event word in a sentence: token range ``[start, end)`` (doc indices) and type."""

    start: int
    end: int
    type: str
    text: str


def find_triggers(norms: list[str], start: int, end: int) -> list[Trigger]:
    """Triggers among ``norms[start:end]`` (token norms, ``""`` for spaces), left to right."""
    out: list[Trigger] = []
    i = start
    while i < end:
        # a token may hold several syllables ("bắt giữ"): its first one must start a trigger
        if not norms[i] or norms[i].split(" ", 1)[0] not in _FIRST:
            i += 1
            continue
        best: Trigger | None = None
        words: list[str] = []
        j = i
        while j < end and len(words) < _LONGEST and j - i < MAX_WORDS + 2:
            if norms[j]:
                words.append(norms[j])
                key = " ".join(words)
                typ = _LEXICON.get(key)
                if typ is not None:
                    best = Trigger(i, j + 1, typ, key)
            j += 1
        if best is not None:
            out.append(best)
            i = best.end
        else:
            i += 1
    return out
