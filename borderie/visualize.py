"""An HTML page of documents: entities marked in each sentence, relations listed under it.

Every mention shows its entity id (``T3``) and label in a pill of its label's colour
(``LABEL_COLORS``, one per label, explained in a legend at the top). Each relation
names its mentions by the same ids; hovering a relation outlines its mentions, and
hovering a mention outlines the relations it takes part in. The page is one
self-contained file (no network): a font stack of fonts with complete Vietnamese
coverage, and the text is shown NFC-composed so stacked diacritics (``ệ``, ``ỗ``)
render as one glyph even when the input was decomposed.
"""

from __future__ import annotations

import html
import unicodedata
from typing import Iterable

from .schema import ENTITY_LABELS, Document, Entity
from .sentences import sentence_spans

# One background per entity label (ColorBrewer Set3, a palette made for telling classes
# apart); dark text stays readable on each.
LABEL_COLORS: dict[str, str] = {
    "PER": "#fb8072",
    "TITLE": "#fdb462",
    "ORG": "#80b1d3",
    "GATE": "#b3de69",
    "MARKER": "#bc80bd",
    "LOC": "#ffed6f",
    "COUNTRY": "#8dd3c7",
    "DATE": "#bebada",
    "QUANTITY": "#d9d9d9",
    "DOC": "#fccde5",
    "EVENT": "#ccebc5",
}
UNKNOWN_COLOR = "#eeeeee"
LABEL_NAMES: dict[str, str] = {
    "PER": "person",
    "TITLE": "position or rank",
    "ORG": "organization",
    "GATE": "border gate",
    "MARKER": "border marker",
    "LOC": "place",
    "COUNTRY": "country",
    "DATE": "date",
    "QUANTITY": "quantity",
    "DOC": "treaty, agreement, law",
    "EVENT": "meeting, event",
}
# Fonts that hold every Vietnamese letter (stacked tone and vowel marks) as designed glyphs.
FONT_STACK = '"Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif'

_CSS = """
body { font-family: %(fonts)s; font-size: 17px; color: #222; max-width: 980px; margin: 0 auto; padding: 1em 1.5em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; overflow-wrap: anywhere; }
.legend { display: flex; flex-wrap: wrap; gap: .4em .9em; margin: 0 0 1.5em; padding: .6em .8em; border: 1px solid #ddd; border-radius: .4em; font-size: .85em; }
.legend span { white-space: nowrap; }
.legend .sw { display: inline-block; width: 1em; height: 1em; border-radius: .25em; vertical-align: -.15em; margin-right: .3em; }
.sent { margin: 0 0 1.2em; }
.text { line-height: 2.5; overflow-wrap: anywhere; margin: 0; padding: 0 .45em; }  /* room for the padding of a wrapped mark */
mark { color: inherit; padding: .2em .35em; border-radius: .35em; -webkit-box-decoration-break: clone; box-decoration-break: clone; outline-offset: 1px; }
mark .id { font-size: .68em; font-weight: 700; margin-right: .3em; opacity: .75; }
mark .lb { font-size: .62em; font-weight: 700; letter-spacing: .03em; margin-left: .35em; white-space: nowrap; }
.rels { list-style: none; margin: .2em 0 0 1em; padding: 0; font-size: .9em; line-height: 1.9; overflow-wrap: anywhere; }
.rels li { padding: 0 .4em; border-radius: .3em; }
.rels .rl { font-weight: 700; margin-right: .4em; }
.rels .role { color: #555; font-style: italic; }
.rels .score { color: #777; font-size: .85em; margin-left: .4em; }
.ref { padding: .05em .3em; border-radius: .3em; -webkit-box-decoration-break: clone; box-decoration-break: clone; }
.ref b { font-size: .75em; margin-right: .25em; opacity: .75; }
.on { outline: 2px solid #222; }
li.on { outline: none; background: #f1f1f1; }
"""

_JS = """
document.querySelectorAll('.doc').forEach(function (doc) {
  function mark(ids, on) {
    ids.forEach(function (id) {
      doc.querySelectorAll('[data-ent="' + id + '"]').forEach(function (m) { m.classList.toggle('on', on); });
    });
  }
  doc.querySelectorAll('.rels li').forEach(function (li) {
    var ids = li.dataset.ents.split(' ');
    li.addEventListener('mouseenter', function () { li.classList.add('on'); mark(ids, true); });
    li.addEventListener('mouseleave', function () { li.classList.remove('on'); mark(ids, false); });
  });
  doc.querySelectorAll('mark[data-ent]').forEach(function (m) {
    var rels = doc.querySelectorAll('.rels li[data-ents~="' + m.dataset.ent + '"]');
    m.addEventListener('mouseenter', function () { rels.forEach(function (li) { li.classList.add('on'); }); });
    m.addEventListener('mouseleave', function () { rels.forEach(function (li) { li.classList.remove('on'); }); });
  });
});
"""


def _text(s: str) -> str:
    return html.escape(unicodedata.normalize("NFC", s))


def _color(label: str) -> str:
    return LABEL_COLORS.get(label, UNKNOWN_COLOR)


def _mention(e: Entity, body: str) -> str:
    return (f'<mark data-ent="{html.escape(e.id)}" style="background:{_color(e.label)}" title="{html.escape(e.id)} {html.escape(e.label)}">'
            f'<span class="id">{html.escape(e.id)}</span>{body}<span class="lb">{html.escape(e.label)}</span></mark>')


def _ref(e: Entity) -> str:
    return f'<span class="ref" style="background:{_color(e.label)}"><b>{html.escape(e.id)}</b>{_text(e.text)}</span>'


def _sentences(doc: Document) -> list[tuple[int, int]]:
    """Sentence spans, merged where an entity would cross a boundary."""
    spans: list[tuple[int, int]] = []
    for s, e in sentence_spans(doc.text) or [(0, len(doc.text))]:
        if spans and any(x.start < spans[-1][1] < x.end for x in doc.entities):
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans


def render_document(doc: Document) -> str:
    """One document's ``<section>``: its sentences with marked mentions, each followed by its relations."""
    by_id = {e.id: e for e in doc.entities}
    ents = sorted(doc.entities, key=lambda x: (x.start, -x.end))
    parts = [f'<section class="doc"><h2>{_text(doc.id or "document")}</h2>']
    for s, t in _sentences(doc):
        pos, pieces = s, []
        for e in ents:
            if not (s <= e.start < t) or e.start < pos:  # outside, or overlapping the previous mention
                continue
            pieces.append(_text(doc.text[pos : e.start]))
            pieces.append(_mention(e, _text(doc.text[e.start : e.end])))
            pos = e.end
        pieces.append(_text(doc.text[pos:t]))
        parts.append(f'<div class="sent"><p class="text">{"".join(pieces).strip()}</p>')
        rels = [r for r in doc.relations if r.head in by_id and r.tail in by_id and s <= by_id[r.head].start < t]
        if rels:
            parts.append('<ul class="rels">')
            for r in rels:
                members = [r.head, r.tail] + [a for a in r.args.values() if a in by_id]
                args = "".join(f' <span class="role">{html.escape(role)}</span> {_ref(by_id[a])}' for role, a in r.args.items() if a in by_id)
                score = r.extra.get("score")
                shown = f'<span class="score">{score:.2f}</span>' if isinstance(score, (int, float)) else ""
                parts.append(f'<li data-ents="{html.escape(" ".join(members))}"><span class="rl">{html.escape(r.label)}</span>'
                             f'{_ref(by_id[r.head])} → {_ref(by_id[r.tail])}{args}{shown}</li>')
            parts.append("</ul>")
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)


def legend() -> str:
    """The colour of every entity label, with what it marks."""
    items = "".join(f'<span><i class="sw" style="background:{LABEL_COLORS[label]}"></i><b>{label}</b> {LABEL_NAMES[label]}</span>' for label in ENTITY_LABELS)
    return f'<div class="legend">{items}</div>'


def render_page(docs: Iterable[Document], *, title: str = "borderie") -> str:
    """Render documents as one self-contained HTML page (no external resources)."""
    head = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{_text(title)}</title><style>{_CSS % {"fonts": FONT_STACK}}</style></head><body>')
    body = [head, f"<h1>{_text(title)}</h1>", legend()]
    body.extend(render_document(d) for d in docs)
    body.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(body)
