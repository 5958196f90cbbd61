"""A one-file HTML report of a fact base: inline SVG charts, a filterable table of facts
with each fact's sentence, no external resource (it opens offline)."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any, Sequence

from .borders import BORDERS
from .store import connect, counts

# Facts about events first in the table; descriptive facts (titles, locations) after.
EVENT_TYPES = ("RETURNED", "SEIZED", "ARRESTED", "PROCESSED", "EXCHANGED", "MET")
COLORS = {"Trung Quốc": "#c0392b", "Lào": "#2471a3", "Campuchia": "#d68910", "unknown": "#95a5a6"}
BAR = "#3d7ea6"


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def hbar_chart(items: Sequence[tuple[str, float]], *, title: str, unit: str = "", width: int = 560) -> str:
    """Horizontal bars as inline SVG, one per ``(label, value)``."""
    if not items:
        return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="empty">nothing to show</p></figure>'
    row, left, right = 22, 230, 50
    top = max(v for _, v in items) or 1
    height = row * len(items) + 8
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = max(1.0, (width - left - right) * value / top)
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<g><title>{escape(label)}: {_fmt(value)} {escape(unit)}</title>'
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" class="lbl">{escape(short)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{BAR}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + 15}" class="val">{_fmt(value)}</text></g>'
        )
    parts.append("</svg>")
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption>{"".join(parts)}</figure>'


def stacked_chart(categories: Sequence[str], series: dict[str, Sequence[float]], *, title: str, note: str = "", width: int = 560) -> str:
    """Vertical stacked bars as inline SVG: one bar per category, one colour per series."""
    if not categories:
        return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="empty">nothing to show</p></figure>'
    height, bottom, left, top_pad = 260, 60, 40, 10
    totals = [sum(s[i] for s in series.values()) for i in range(len(categories))]
    top = max(totals) or 1
    slot = (width - left - 10) / len(categories)
    bar = min(40.0, slot * 0.7)
    plot_h = height - bottom - top_pad
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height + 24}" viewBox="0 0 {width} {height + 24}">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#888"/>',
             f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end" class="val">{_fmt(float(top))}</text>',
             f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" class="val">0</text>']
    for i, cat in enumerate(categories):
        x = left + i * slot + (slot - bar) / 2
        y = float(height - bottom)
        for name, values in series.items():
            v = values[i]
            if not v:
                continue
            h = plot_h * v / top
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{COLORS.get(name, BAR)}">'
                         f'<title>{escape(cat)}, {escape(name)}: {_fmt(v)}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" text-anchor="end" class="tick" '
                     f'transform="rotate(-40 {x + bar / 2:.1f} {height - bottom + 14})">{escape(cat)}</text>')
    lx = left
    for name in series:
        parts.append(f'<rect x="{lx}" y="{height + 8}" width="12" height="12" fill="{COLORS.get(name, BAR)}"/>'
                     f'<text x="{lx + 16}" y="{height + 18}" class="lbl">{escape(name)}</text>')
        lx += 24 + 8 * len(name)
    parts.append("</svg>")
    caption = escape(title) + (f' <span class="note">{escape(note)}</span>' if note else "")
    return f'<figure class="chart"><figcaption>{caption}</figcaption>{"".join(parts)}</figure>'


def _highlight(sentence: str, s0: int, spans: list[tuple[int, int, str]]) -> str:
    """The sentence with the fact's head and tail marked (offsets index the document)."""
    out, pos = [], 0
    for start, end, cls in sorted(spans):
        a, b = start - s0, end - s0
        if a < pos or a < 0 or b > len(sentence):
            continue
        out.append(escape(sentence[pos:a]))
        out.append(f'<mark class="{cls}">{escape(sentence[a:b])}</mark>')
        pos = b
    out.append(escape(sentence[pos:]))
    return "".join(out)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px} .sub{color:#666;font-size:13px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}.card span{font-size:12px;color:#666}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
figure.chart{margin:0;border:1px solid #eee;border-radius:6px;padding:8px}figcaption{font-weight:600;font-size:14px;margin-bottom:6px}
svg text{font-size:12px;fill:#333}svg .val{fill:#555;font-size:11px}svg .tick{font-size:11px}.note,.empty{color:#888;font-weight:normal;font-size:12px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f6f6;position:sticky;top:0}td.num{text-align:right;white-space:nowrap}
mark.head{background:#d6eaf8}mark.tail{background:#fdebd0}.where{color:#888;font-size:11px;white-space:nowrap}
.controls{margin:8px 0;display:flex;gap:8px}.controls input{flex:1;padding:4px}
"""

_JS = """
(function(){
  var sel=document.getElementById('type'),q=document.getElementById('q'),rows=document.querySelectorAll('#facts tbody tr'),
      shown=document.getElementById('shown');
  function apply(){var t=sel.value,s=q.value.toLowerCase(),n=0;
    rows.forEach(function(r){var ok=(!t||r.dataset.type===t)&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);r.hidden=!ok;if(ok)n++;});
    shown.textContent=n;}
  sel.addEventListener('change',apply);q.addEventListener('input',apply);apply();
  document.body.setAttribute('data-ready','1');
})();
"""


def render(db: str | Path, *, max_facts: int = 1000, top: int = 12, title: str = "borderie fact base") -> str:
    """The report page of fact base ``db`` as an HTML string."""
    con = connect(db)
    try:
        c = counts(con)
        hand = con.execute(
            "SELECT coalesce(month, 'undated') AS m, coalesce(border, 'unknown') AS b, count(*), coalesce(sum(quantity_value), 0) "
            "FROM facts WHERE type = 'RETURNED' GROUP BY ALL"
        ).fetchall()
        gates = con.execute("SELECT name, documents FROM entities WHERE label = 'GATE' AND scope = 'global' ORDER BY documents DESC, mentions DESC, name LIMIT ?", [top]).fetchall()
        units = con.execute("SELECT name, documents FROM entities WHERE label = 'ORG' AND scope = 'global' ORDER BY documents DESC, mentions DESC, name LIMIT ?", [top]).fetchall()
        types = con.execute("SELECT type, count(*) FROM facts GROUP BY type ORDER BY 2 DESC, 1").fetchall()
        order = " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(EVENT_TYPES))
        facts = con.execute(
            f"""SELECT type, head, tail, quantity_text, date, border, sentence, sentence_start, head_start, head_end, tail_start, tail_end,
                       doc_id, score, location FROM facts
                ORDER BY CASE type {order} ELSE 99 END, date NULLS LAST, doc_id, head_start LIMIT ?""",
            [max_facts],
        ).fetchall()
    finally:
        con.close()

    months = sorted({m for m, *_ in hand if m != "undated"}) + (["undated"] if any(m == "undated" for m, *_ in hand) else [])
    borders = [b for b in (*BORDERS, "unknown") if any(x == b for _, x, *_ in hand)]
    series = {b: [sum(n for m, x, n, _ in hand if m == month and x == b) for month in months] for b in borders}
    persons = sum(p for *_, p in hand)
    handover_chart = stacked_chart(months, series, title="Handovers (RETURNED facts) per month and border",
                                   note=f"{sum(n for _, _, n, _ in hand)} handovers, {persons:,.0f} persons counted; month of the date in the sentence, else of the article")

    cards = [("documents", c["documents"]), ("facts", c["facts"]), ("named mentions", c["named mentions"]),
             ("canonical entities", c["canonical entities"]), ("distinct spellings", c["distinct spellings"]),
             ("entities with several spellings", c["entities with several spellings"])]
    rows = []
    for (type_, head, tail, qty, date, border, sentence, s0, hs, he, ts, te, doc_id, score, location) in facts:
        marked = _highlight(sentence or "", s0 or 0, [(hs, he, "head"), (ts, te, "tail")])
        rows.append(
            f'<tr data-type="{escape(type_)}"><td>{escape(type_)}</td><td>{escape(head or "")}</td><td>{escape(tail or "")}</td>'
            f'<td>{escape(qty or "")}</td><td>{escape(date or "")}</td><td>{escape(border or "")}</td><td>{escape(location or "")}</td>'
            f'<td>{marked}<div class="where">{escape(doc_id)} @ {hs}–{te if te > he else he}</div></td>'
            f'<td class="num">{"" if score is None else f"{score:.2f}"}</td></tr>'
        )
    options = "".join(f'<option value="{escape(t)}">{escape(t)} ({n})</option>' for t, n in types)
    shown_note = f"the first {max_facts:,} of {c['facts']:,}, events first" if c["facts"] > max_facts else f"all {c['facts']:,}"
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<div class="sub">{escape(Path(db).name)} · built by borderie from {c['documents']:,} documents · entities and relations are machine-extracted</div>
<div class="cards">{"".join(f'<div class="card"><b>{v:,}</b><span>{escape(k)}</span></div>' for k, v in cards)}</div>
<div class="grid">
{handover_chart}
{hbar_chart([(t, n) for t, n in types], title="Facts per relation type", unit="facts")}
{hbar_chart([(g, d) for g, d in gates], title=f"Top {top} border gates (documents naming them)", unit="documents")}
{hbar_chart([(u, d) for u, d in units], title=f"Top {top} units and agencies (documents naming them)", unit="documents")}
</div>
<h2>Facts <span class="note">({shown_note}; <span id="shown">{len(rows)}</span> shown)</span></h2>
<div class="controls"><select id="type"><option value="">all types</option>{options}</select>
<input id="q" type="search" placeholder="filter: a name, a gate, a word of the sentence"></div>
<table id="facts"><thead><tr><th>type</th><th>head</th><th>tail</th><th>quantity</th><th>date</th><th>border</th><th>location</th>
<th>sentence <span class="note">(head, tail marked; document @ offsets)</span></th><th>score</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<script>{_JS}</script>
</body></html>
"""


def report(db: str | Path, output: str | Path, *, max_facts: int = 1000, top: int = 12) -> Path:
    """Write the HTML report of fact base ``db`` to ``output``; returns the path.

    Examples
    --------
    >>> borderie.facts.report("facts.duckdb", "report.html")
    """
    out = Path(output)
    out.write_text(render(db, max_facts=max_facts, top=top), encoding="utf-8")
    return out
