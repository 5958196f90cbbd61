"""An HTML page: displaCy entities per sentence, each followed by its relations."""

from __future__ import annotations

import html
from typing import Iterable

from .schema import Document
from .sentences import sentence_spans


def render_page(docs: Iterable[Document], *, title: str = "borderie") -> str:
    """Render documents as one self-contained HTML page (displaCy's entity style)."""
    from spacy import displacy

    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:1000px;margin:auto} .rels{margin:0 0 1.5em 1em;color:#333}"
             " .rels li{font-family:monospace}</style></head><body>", f"<h1>{html.escape(title)}</h1>"]
    for doc in docs:
        parts.append(f"<h2>{html.escape(doc.id or 'document')}</h2>")
        by_id = {e.id: e for e in doc.entities}
        for s, e in sentence_spans(doc.text):
            ents = [{"start": x.start - s, "end": x.end - s, "label": x.label} for x in doc.entities if s <= x.start and x.end <= e]
            parts.append(displacy.render({"text": doc.text[s:e], "ents": ents}, style="ent", manual=True, page=False))
            rels = [r for r in doc.relations if r.head in by_id and s <= by_id[r.head].start < e]
            if rels:
                items = []
                for r in rels:
                    args = ", ".join(f"{role}={by_id[a].text}" for role, a in r.args.items() if a in by_id)
                    items.append(f"<li>{r.label}({html.escape(by_id[r.head].text)} → {html.escape(by_id[r.tail].text)}"
                                 f"{', ' + html.escape(args) if args else ''})</li>")
                parts.append(f"<ul class='rels'>{''.join(items)}</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
