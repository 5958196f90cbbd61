"""The HTML page of `borderie visualize`: colours, legend, entity ids, relations, layout in a browser."""

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderie.cli import app
from borderie.schema import ENTITY_LABELS, Document, Entity, Relation
from borderie.visualize import FONT_STACK, LABEL_COLORS, render_page

from .conftest import FIXTURES

CHROMIUM = Path("/usr/bin/chromium")
TEXT = "Ngày 3/4, Đồn Biên phòng Cốc Pài trao trả cho phía Trung Quốc 12 công dân tại cửa khẩu Xín Mần."


def handover(text=TEXT, doc_id="d1") -> Document:
    def ent(eid, s, label):
        s = unicodedata.normalize("NFD", s) if text != unicodedata.normalize("NFC", text) else s
        return Entity(eid, text.index(s), text.index(s) + len(s), label, s)

    ents = [ent("T1", "Ngày 3/4", "DATE"), ent("T2", "Đồn Biên phòng Cốc Pài", "ORG"), ent("T3", "Trung Quốc", "COUNTRY"),
            ent("T4", "12 công dân", "QUANTITY"), ent("T5", "cửa khẩu Xín Mần", "GATE")]
    rel = Relation("R1", "RETURNED", "T2", "T3", {"quantity": "T4", "date": "T1", "location": "T5"}, {"score": 0.93})
    return Document(doc_id, text, {}, ents, [rel])


def every_label() -> Document:
    """One mention of each of the 11 labels, one of them a long name that must wrap."""
    words = {"PER": "Nguyễn Văn Nam", "TITLE": "Thượng tá", "ORG": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Lạng Sơn " * 6,
             "GATE": "cửa khẩu Hữu Nghị", "MARKER": "mốc 1119", "LOC": "tỉnh Lạng Sơn", "COUNTRY": "Trung Quốc",
             "DATE": "ngày 14/5/2025", "QUANTITY": "27 công dân", "DOC": "Hiệp định về quy chế quản lý biên giới", "EVENT": "Hội đàm"}
    text, ents = "", []
    for k, label in enumerate(ENTITY_LABELS):
        text += "Theo tin, "
        ents.append(Entity(f"T{k + 1}", len(text), len(text) + len(words[label].strip()), label, words[label].strip()))
        text += words[label].strip() + " đã đến. "
    return Document("all-labels", text, {}, ents, [Relation("R1", "MEMBER_OF", "T1", "T3", {}, {"score": 0.8})])


def test_each_label_has_its_own_colour_and_the_legend_explains_all():
    assert set(LABEL_COLORS) == set(ENTITY_LABELS) and len(set(LABEL_COLORS.values())) == len(ENTITY_LABELS)
    page = render_page([every_label()])
    legend = page.split('class="legend"')[1].split("</div>")[0]
    for label, colour in LABEL_COLORS.items():
        assert f"<b>{label}</b>" in legend and colour in legend


def test_mentions_show_ids_and_relations_name_them():
    page = render_page([handover()])
    assert '<mark data-ent="T2"' in page and '<span class="id">T2</span>' in page
    assert '<li data-ents="T2 T3 T4 T1 T5">' in page  # hovering it outlines head, tail and arguments
    item = page.split('<li data-ents="T2 T3 T4 T1 T5">')[1].split("</li>")[0]
    assert "RETURNED" in item and "<b>T2</b>Đồn Biên phòng Cốc Pài" in item and "<b>T3</b>Trung Quốc" in item
    assert '<span class="role">quantity</span>' in item and "0.93" in item


def test_decomposed_text_is_shown_composed_and_user_strings_are_escaped():
    nfd = unicodedata.normalize("NFD", TEXT)
    page = render_page([handover(nfd, doc_id="<b>x</b>")], title="a <page>")
    assert "Đồn Biên phòng Cốc Pài" in page and unicodedata.normalize("NFC", page) == page
    assert "<h2>&lt;b&gt;x&lt;/b&gt;</h2>" in page and "<title>a &lt;page&gt;</title>" in page


def test_font_stack_starts_with_fonts_that_cover_vietnamese():
    assert FONT_STACK.startswith('"Noto Sans"') and "sans-serif" in FONT_STACK
    assert f"font-family: {FONT_STACK}" in render_page([])


def test_visualize_shows_annotated_records_as_they_are(tmp_path):
    page = tmp_path / "gold.html"
    # every record has entities, so no model is needed (the --model folder does not exist)
    res = CliRunner().invoke(app, ["visualize", str(FIXTURES / "tiny.jsonl"), "-o", str(page), "--model", str(tmp_path / "none")])
    assert res.exit_code == 0, res.output
    html = page.read_text(encoding="utf-8")
    assert html.count('<section class="doc">') == 3 and '<mark data-ent="T5"' in html


def test_visualize_extracts_plain_text(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(app, ["visualize", str(src), "-o", str(tmp_path / "p.html")])
    assert res.exit_code == 0, res.output
    assert 'data-ent="T1"' in (tmp_path / "p.html").read_text(encoding="utf-8")


CHECK = """<script>
var marks = Array.from(document.querySelectorAll('mark[data-ent]'));
var text = document.querySelector('.text').getBoundingClientRect();
var overflow = marks.concat(Array.from(document.querySelectorAll('.ref'))).filter(function (m) {
  return Array.from(m.getClientRects()).some(function (r) { return r.right > text.right + 1 || r.left < text.left - 1; });
}).map(function (m) { return m.textContent; });
var colours = {};
marks.forEach(function (m) { colours[m.querySelector('.lb').textContent] = getComputedStyle(m).backgroundColor; });
var li = document.querySelector('.rels li');
li.dispatchEvent(new Event('mouseenter'));
var outlined = Array.from(li.closest('.doc').querySelectorAll('mark.on')).map(function (m) { return m.dataset.ent; });
var out = document.createElement('pre');
out.id = 'result';
out.textContent = JSON.stringify({overflow: overflow, colours: colours, outlined: outlined, lines: marks[2].getClientRects().length,
  pageWidth: document.documentElement.scrollWidth, windowWidth: window.innerWidth});
document.body.appendChild(out);
</script></body>"""


def chromium(*args, timeout=60):
    import tempfile

    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install chromium)")
def test_page_in_headless_chromium_wraps_colours_and_highlights(tmp_path):
    docs = [every_label(), handover()]
    page = tmp_path / "page.html"
    page.write_text(render_page(docs).replace("</body>", CHECK), encoding="utf-8")
    res = chromium("--window-size=700,1200", "--dump-dom", page.as_uri())
    dom = res.stdout
    assert 'id="result"' in dom, res.stderr[-2000:]
    result = json.loads(dom.split('<pre id="result">')[1].split("</pre>")[0].replace("&quot;", '"').replace("&amp;", "&"))
    assert result["overflow"] == [] and result["pageWidth"] <= result["windowWidth"]  # no pill runs past the margin
    assert result["lines"] > 1  # the long ORG name wraps inside the column
    assert set(result["colours"]) == set(ENTITY_LABELS) and len(set(result["colours"].values())) == len(ENTITY_LABELS)
    assert sorted(result["outlined"]) == ["T1", "T3"]  # hovering MEMBER_OF(T1 -> T3) outlines its two mentions

    # and a screenshot renders (look at it: BORDERIE_SCREENSHOT=page.png keeps a copy)
    shot = tmp_path / "page.png"
    chromium("--window-size=1200,1600", f"--screenshot={shot}", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000
    if os.environ.get("BORDERIE_SCREENSHOT"):
        shutil.copy(shot, os.environ["BORDERIE_SCREENSHOT"])
