"""Features of entity pairs (relation classifier) and of argument candidates (attacher).

Everything a sentence shares is computed once in :class:`SentenceContext`: token
norms, which token belongs to which entity, event triggers (``triggers.py``) and
prefix counts, so a pair costs time in proportion to its own features, not to the
length of its sentence (a sentence of 60 entities has 3,540 ordered pairs).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from itertools import accumulate

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

from .triggers import CONNECTORS, OBJECT_WORDS, PASSIVE, Trigger, find_triggers

# Cue words by the relation they signal (NFC, lower case, matched on token norms).
CUES: dict[str, tuple[str, ...]] = {
    "return": ("trao trả", "bàn giao", "trục xuất", "tiếp nhận", "nhận lại", "hồi hương", "trả", "giao"),
    "arrest": ("bắt giữ", "bắt quả tang", "bắt", "tạm giữ", "khống chế", "phát hiện", "khởi tố", "triệt phá", "tạm giam"),
    "seize": ("thu giữ", "thu", "tịch thu", "tạm giữ", "thu được", "tang vật", "bắt giữ"),
    "process": ("làm thủ tục", "thủ tục", "giải quyết", "kiểm soát", "thông quan", "xuất nhập cảnh", "xuất cảnh", "nhập cảnh"),
    "exchange": ("trao đổi", "thư", "thông tin", "gặp gỡ", "liên lạc"),
    "meet": ("hội đàm", "hội kiến", "gặp", "tiếp", "làm việc", "hội nghị", "họp", "thăm", "chào", "đón", "tiếp đón", "hội ngộ"),
    "lead": ("trưởng đoàn", "dẫn đầu", "làm trưởng đoàn", "do", "chủ trì"),
    "part": ("thuộc", "trực thuộc", "của"),
}
_CUE_OF = {w: k for k, words in CUES.items() for w in words}
AGENT_LABELS = frozenset({"ORG", "COUNTRY", "PER"})
MAX_BETWEEN = 25  # pairs further apart than this many words get no bag of words


def norm(s: str) -> str:
    return unicodedata.normalize("NFC", s).lower().strip()


def doc_norms(doc: Doc) -> list[str]:
    """Norm of every token of ``doc``; ``""`` for whitespace tokens. Computed once per
    document, once per distinct word (from the ORTH array: no Token objects)."""
    strings = doc.vocab.strings
    cache: dict[int, str] = {}
    out = []
    for orth in doc.to_array(ORTH).tolist():
        w = cache.get(orth)
        if w is None:
            w = cache[orth] = norm(strings[orth])  # whitespace tokens strip to ""
        out.append(w)
    return out


def bucket(n: int) -> str:
    for limit in (0, 1, 2, 3, 5, 8, 12, 20, 35):
        if n <= limit:
            return str(limit)
    return "far"


class SentenceContext:
    """What every pair of one sentence shares.

    ``norms`` are the document's token norms (:func:`doc_norms`); ``ents`` the
    sentence's entities in order.
    """

    def __init__(self, doc: Doc, norms: list[str], ents: list[Span]):
        self.doc = doc
        self.norms = norms
        self.ents = ents
        sent = ents[0].sent
        self.start, self.end = sent.start, sent.end
        n = self.end - self.start
        owner = [-1] * n
        for k, e in enumerate(ents):
            for x in range(max(e.start, self.start), min(e.end, self.end)):
                owner[x - self.start] = k
        self.owner = owner
        self.triggers: list[Trigger] = find_triggers(norms, self.start, self.end)
        in_trigger = [False] * n
        for tr in self.triggers:
            for x in range(tr.start, tr.end):
                in_trigger[x - self.start] = True
        words = [norms[self.start + x] for x in range(n)]
        # prefix counts over the sentence (index x = tokens before start + x)
        self._words = _prefix(1 if w else 0 for w in words)
        free = [bool(w) and owner[x] < 0 and not in_trigger[x] for x, w in enumerate(words)]
        self._free = _prefix(int(f) for f in free)
        self._nonconn = _prefix(int(f and words[x] not in CONNECTORS) for x, f in enumerate(free))
        self._nonobj = _prefix(int(f and words[x] not in OBJECT_WORDS) for x, f in enumerate(free))
        self._semi = _prefix(int(w in (";", ".", ":")) for w in words)
        self._comma = _prefix(int(w == ",") for w in words)
        self._semicolon = _prefix(int(w == ";") for w in words)
        self._agents = [e.start for e in ents if e.label_ in AGENT_LABELS]
        self.sent_cues = sorted({c for w in words if w and (c := _CUE_OF.get(w))})

    # counts of tokens in doc range [a, b)
    def _count(self, prefix: list[int], a: int, b: int) -> int:
        a, b = max(a, self.start) - self.start, min(b, self.end) - self.start
        return prefix[b] - prefix[a] if b > a else 0

    def n_words(self, a: int, b: int) -> int:
        return self._count(self._words, a, b)

    def words(self, a: int, b: int) -> list[str]:
        a, b = max(a, self.start), min(b, self.end)
        return [w for w in self.norms[a:b] if w]

    def words_left(self, pos: int, k: int) -> list[str]:
        """Up to ``k`` words right before doc token ``pos`` (in text order)."""
        out: list[str] = []
        x = pos - 1
        while x >= self.start and len(out) < k:
            if self.norms[x]:
                out.append(self.norms[x])
            x -= 1
        return out[::-1]

    def words_right(self, pos: int, k: int) -> list[str]:
        out: list[str] = []
        x = pos
        while x < self.end and len(out) < k:
            if self.norms[x]:
                out.append(self.norms[x])
            x += 1
        return out

    def path_cost(self, a: int, b: int) -> int:
        """Words in [a, b) outside entities and triggers that are not subject connectors."""
        return self._count(self._nonconn, a, b)

    def object_cost(self, a: int, b: int) -> int:
        """Words in [a, b) outside entities and triggers that do not lead to an object."""
        return self._count(self._nonobj, a, b)

    def breaks(self, a: int, b: int) -> int:
        return self._count(self._semi, a, b)

    def semicolons(self, a: int, b: int) -> int:
        return self._count(self._semicolon, a, b)

    def commas(self, a: int, b: int) -> int:
        return self._count(self._comma, a, b)

    def agents_between(self, a: int, b: int) -> int:
        """Entities that could act (ORG, COUNTRY, PER) starting in [a, b)."""
        return bisect_left(self._agents, b) - bisect_left(self._agents, a)

    def triggers_between(self, a: int, b: int) -> list[Trigger]:
        return [tr for tr in self.triggers if tr.start >= a and tr.end <= b]


def _prefix(values) -> list[int]:
    return [0, *accumulate(values)]


def trigger_features(ctx: SentenceContext, h: Span, t: Span, pair: str) -> dict[str, float]:
    """How an event trigger links head and tail: active ("h ... bắt giữ ... t"),
    passive or receiving ("t ... bị/được/do h trao trả"), coordinated subjects
    ("h và t hội đàm"), and whether head is a subject and tail an object of some trigger."""
    f: dict[str, float] = {}
    if h.start < t.start:
        trigs = ctx.triggers_between(h.end, t.start)
        if trigs:
            k = trigs[-1]
            path, obj = ctx.path_cost(h.end, k.start), ctx.object_cost(k.end, t.start)
            f[f"act={pair}|{k.type}"] = 1
            f[f"act_path={pair}|{k.type}|{bucket(path)}"] = 1
            f[f"act_obj={pair}|{k.type}|{bucket(obj)}"] = 1
            f[f"act_clean={pair}|{k.type}|{int(path <= 1 and obj <= 1)}"] = 1
            f[f"act_ntrig={pair}|{k.type}|{min(len(trigs) - 1, 2)}"] = 1
            f[f"act_break={pair}|{k.type}|{min(ctx.breaks(h.end, t.start), 2)}"] = 1
            owners = {ctx.owner[x - ctx.start] for x in range(k.end, t.start) if ctx.owner[x - ctx.start] >= 0}
            if any(ctx.ents[o].label_ in ("ORG", "COUNTRY", "PER") for o in owners):
                f[f"act_agent_after_trig={pair}|{k.type}"] = 1
            for typ in {tr.type for tr in trigs}:
                f[f"trig_between={pair}|{typ}"] = 1
        else:
            after = [tr for tr in ctx.triggers if tr.start >= t.end]
            if after:
                k = after[0]
                # "h và t hội đàm", "h cùng t tuần tra"
                f[f"coord={pair}|{k.type}|{bucket(ctx.path_cost(h.end, t.start))}|{bucket(ctx.path_cost(t.end, k.start))}"] = 1
    else:
        before_h = ctx.words_left(h.start, 2)
        voice = next((w for w in reversed(before_h) if w in PASSIVE or w == "do"), None)
        after = [tr for tr in ctx.triggers if tr.start >= h.end and ctx.path_cost(h.end, tr.start) <= 1]
        if after:
            k = after[0]
            f[f"pass={pair}|{voice or '-'}|{k.type}"] = 1
            f[f"pass_gap={pair}|{k.type}|{bucket(ctx.object_cost(t.end, h.start))}"] = 1
            f[f"pass_break={pair}|{k.type}|{min(ctx.breaks(t.end, h.start), 2)}"] = 1
    # head as the subject of a trigger, tail as the object of one
    subj = next((tr for tr in ctx.triggers if tr.start >= h.end and ctx.path_cost(h.end, tr.start) <= 1), None)
    objs = [tr for tr in ctx.triggers if tr.end <= t.start and ctx.object_cost(tr.end, t.start) <= 1]
    obj = objs[-1] if objs else None
    if subj is not None:
        f[f"h_subj={pair}|{subj.type}"] = 1
    if obj is not None:
        f[f"t_obj={pair}|{obj.type}"] = 1
    if subj is not None and obj is not None:
        # one subject for a chain of events: no other actor between the two triggers
        chain = subj is obj or (subj.start < obj.start and ctx.agents_between(subj.end, obj.start) == 0)
        f[f"subj_obj={pair}|{subj.type}|{obj.type}|{int(subj is obj)}|{int(chain)}"] = 1
        if chain:
            f[f"chain={pair}|{obj.type}|{min(ctx.breaks(subj.end, obj.start), 2)}"] = 1
    return f


def pair_features(ctx: SentenceContext, i: int, j: int) -> dict[str, float]:
    """Features of the ordered pair (head ``ctx.ents[i]``, tail ``ctx.ents[j]``)."""
    ents = ctx.ents
    h, t = ents[i], ents[j]
    first, second = (h, t) if h.start < t.start else (t, h)
    order = "ht" if h.start < t.start else "th"
    pair = f"{h.label_}>{t.label_}"
    n_between = ctx.n_words(first.end, second.start)
    n_between_ents = abs(j - i) - 1
    f: dict[str, float] = {
        f"pair={pair}": 1,
        f"pair_order={pair}|{order}": 1,
        f"dist={pair}|{order}|{bucket(n_between)}": 1,
        f"nents={order}|{bucket(n_between_ents)}": 1,
    }
    if n_between <= MAX_BETWEEN:
        between = ctx.words(first.end, second.start)
        for w in between:
            f[f"bw={w}"] = 1
            f[f"bw_pair={pair}|{order}|{w}"] = 1
            cue = _CUE_OF.get(w)
            if cue:
                f[f"cue_between={pair}|{cue}"] = 1
        if between:
            f[f"first_between={order}|{between[0]}"] = 1
            f[f"last_between={order}|{between[-1]}"] = 1
            f[f"between_len1={pair}|{order}|{between[0] if len(between) == 1 else '*'}"] = 1
        else:
            f[f"adjacent={pair}|{order}"] = 1
        paren = between[:1] == ["("]
    else:
        f["far_between"] = 1
        first_w = ctx.words_right(first.end, 1)
        last_w = ctx.words_left(second.start, 1)
        f[f"first_between={order}|{first_w[0] if first_w else ''}"] = 1
        f[f"last_between={order}|{last_w[0] if last_w else ''}"] = 1
        paren = first_w[:1] == ["("]
    if n_between_ents <= 12:
        for e in ents[min(i, j) + 1 : max(i, j)]:
            f[f"ent_between={e.label_}"] = 1
            f[f"ent_between_pair={pair}|{e.label_}"] = 1
    else:
        f["many_ents_between"] = 1
    left = ctx.words_left(first.start, 3)
    right = ctx.words_right(second.end, 3)
    for k, w in enumerate(reversed(left)):
        f[f"left{k}={w}"] = 1
    for k, w in enumerate(right):
        f[f"right{k}={w}"] = 1
    if left:
        f[f"left0_pair={pair}|{order}|{left[-1]}"] = 1
    if right:
        f[f"right0_pair={pair}|{order}|{right[0]}"] = 1
    # voice: "X tiếp nhận ... do Y trao trả" — a "do" right before the head
    before_head = ctx.words_left(h.start, 2)
    if "do" in before_head:
        f[f"do_before_head={pair}|{order}"] = 1
    before_tail = ctx.words_left(t.start, 2)
    if "do" in before_tail:
        f[f"do_before_tail={pair}|{order}"] = 1
    if "cho" in before_tail:
        f[f"cho_before_tail={pair}|{order}"] = 1
    for cue in ctx.sent_cues:
        f[f"cue_sent={pair}|{cue}"] = 1
    if paren or left[-1:] == ["("]:
        f[f"paren={pair}|{order}"] = 1
    f[f"commas={pair}|{order}|{bucket(ctx.commas(first.end, second.start))}"] = 1
    for ent, role in ((h, "h"), (t, "t")):
        if ent.label_ in ("COUNTRY", "TITLE"):
            f[f"{role}_text={norm(ent.text)}"] = 1
        # the entity's own neighbourhood: "; phía [Trung Quốc] trao trả ..." makes it a clause subject
        before = ctx.words_left(ent.start, 2)
        after = ctx.words_right(ent.end, 2)
        if before:
            f[f"{role}_before={pair}|{before[-1]}"] = 1
        if len(before) == 2:
            f[f"{role}_before2={pair}|{before[0]} {before[1]}"] = 1
        if after:
            f[f"{role}_after={pair}|{after[0]}"] = 1
            cue = _CUE_OF.get(after[0])
            if cue:
                f[f"{role}_after_cue={pair}|{order}|{cue}"] = 1
        f[f"{role}_first={ent.label_}|{ctx.norms[ent.start]}"] = 1
        f[f"{role}_last={ent.label_}|{ctx.norms[ent.end - 1]}"] = 1
    f.update(trigger_features(ctx, h, t, pair))
    f["bias_pair=" + pair] = 1
    return f


def arg_features(ctx: SentenceContext, rel_label: str, h: int, t: int, role: str, a: int) -> dict[str, float]:
    """Features for attaching ``ctx.ents[a]`` as ``role`` of the relation (h, t)."""
    ents = ctx.ents
    arg, head, tail = ents[a], ents[h], ents[t]
    lo, hi = min(head.start, tail.start), max(head.end, tail.end)
    pos = "before" if arg.end <= lo else ("after" if arg.start >= hi else "inside")
    near = min(abs(arg.start - head.end), abs(arg.start - tail.end), abs(head.start - arg.end), abs(tail.start - arg.end))
    same = [k for k, e in enumerate(ents) if e.label_ == arg.label_ and k not in (h, t)]
    rank = sorted(same, key=lambda k: min(abs(ents[k].start - tail.end), abs(ents[k].start - head.end))).index(a)
    key = f"{rel_label}|{role}"
    f: dict[str, float] = {
        f"k={key}": 1,
        f"k_label={key}|{arg.label_}": 1,
        f"k_pos={key}|{pos}": 1,
        f"k_dist={key}|{bucket(near)}": 1,
        f"k_rank={key}|{min(rank, 3)}": 1,
        f"k_n={key}|{min(len(same), 4)}": 1,
        f"k_pos_rank={key}|{pos}|{min(rank, 3)}": 1,
    }
    words = [w for w in ctx.norms[arg.start : arg.end] if w]
    if words:
        f[f"k_last={key}|{words[-1]}"] = 1
        f[f"k_first={key}|{words[0]}"] = 1
    for w in ctx.words_left(arg.start, 2):
        f[f"k_left={key}|{w}"] = 1
    # an arg separated from the nearest end by a clause break is less likely
    if pos != "inside":
        a_lo, a_hi = (arg.end, lo) if pos == "before" else (hi, arg.start)
        if ctx.semicolons(a_lo, a_hi):
            f[f"k_semicolon={key}"] = 1
        f[f"k_gap={key}|{bucket(ctx.n_words(a_lo, a_hi))}"] = 1
    else:
        f[f"k_gap={key}|0"] = 1
    return f
