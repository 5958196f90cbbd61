"""The reliability battery: any Unicode in, valid and deterministic output out; messy variants of
real articles give the same entities; a damaged model folder is named; brat output stays in its
folder; threads share one pipeline safely.

Property tests batch many texts per example through ``extract_many``. With the "ci" profile
(tests/conftest.py) they feed 100 x 80 + 100 x 20 + 100 x 8 x 4 = 13,200 generated texts to the
extractor; ``HYPOTHESIS_PROFILE=long`` feeds twenty times as many.
"""

import json
import shutil
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import borderie
from borderie.api import DEFAULT_MODEL
from borderie.cleaning import clean_text
from borderie.corpus.convert import ConversionError, convert, write
from borderie.modelcheck import ModelError
from borderie.schema import Document, Entity

from .conftest import FIXTURES, SHARED

SENT = "Ngày 16/3/2016, Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân tại cửa khẩu Hữu Nghị."
WORDS = [
    "Đồn", "Biên phòng", "Lạng Sơn", "trao trả", "cho", "phía", "Trung Quốc", "124", "công dân", "ngày", "16/3/2016",
    "cửa khẩu", "Hữu Nghị", "Đại tá", "Nguyễn Văn Hải", "Bộ Công an", "bắt giữ", "3 đối tượng", "Lào", "Campuchia",
    "mốc 1116", "Hiệp định", "quý IV", "131.000 lượt", "0,5 kg", ".", ",", "./.", "(", ")", "\"", "-", "Năm",
]
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202e\u2066\u2069\u061c\u180e\u034f\ufe0e\ufe0f\U000e0041"
RUN_BREAKS = st.text(alphabet="\r\n \t\x0b\x0c\u2028\u2029\x85", min_size=1, max_size=8)
PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(lambda w: unicodedata.normalize("NFD", w)),
    st.characters(categories=["Mn", "Me", "Mc"]),  # combining marks alone
    st.sampled_from(INVISIBLE),
    st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]),  # controls, format characters, odd spaces
    RUN_BREAKS,
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.sampled_from(["👨\u200d👩\u200d👧", "🇻🇳", "✋🏽", "1\ufe0f\u20e3"]),
    st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF), min_size=1, max_size=6),  # Hebrew, Arabic
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()),  # lone surrogates
    st.text(st.characters(exclude_categories=()), max_size=6),  # anything at all
)
TEXTS = st.lists(PIECES, max_size=20).map("".join)
LONG_TOKENS = st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "Đ", "1", ".", "/", "ư\u031b", "🙂", "\u0301"]), st.integers(100, 2000))
VIETNAMESE = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from([" ", "  ", "\n", "\r\n", "\t"])), min_size=1, max_size=40).map(" ".join)


def variants(text, insert):
    """Eight texts derived from one: the text, its NFD and NFC forms, CRLF, doubled spaces,
    zero-width spaces, reversed, and with ``insert`` (a very long token, a line break) in the middle."""
    middle = len(text) // 2
    return [
        text,
        unicodedata.normalize("NFD", text),
        unicodedata.normalize("NFC", text),
        text.replace("\n", "\r\n"),
        text.replace(" ", "  "),
        text.replace(" ", " \u200b"),
        text[::-1],
        text[:middle] + insert + text[middle:],
    ]


def assert_valid(text, doc):
    """Offsets index the caller's string; relations point at entities of the document."""
    assert doc.text == text
    ids = [e.id for e in doc.entities]
    assert len(set(ids)) == len(ids)
    for e in doc.entities:
        assert 0 <= e.start < e.end <= len(text) and text[e.start : e.end] == e.text, (e, text)
        assert e.label in borderie.ENTITY_LABELS
    for r in doc.relations:
        assert r.head in ids and r.tail in ids and r.head != r.tail and r.label in borderie.RELATION_LABELS
        assert all(a in ids for a in r.args.values())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(TEXTS, min_size=10, max_size=10), LONG_TOKENS)
def test_any_unicode_gives_valid_offsets_and_relations(nlp, drawn, long_token):
    # 80 texts per example; the first drawn text gets the very long token, the others a line break
    texts = [v for k, text in enumerate(drawn) for v in variants(text, long_token if k == 0 else "\n")]
    docs = list(borderie.extract_many(texts, nlp=nlp))
    assert len(docs) == len(texts)
    for text, doc in zip(texts, docs):
        assert_valid(text, doc)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(TEXTS, min_size=20, max_size=20))
def test_output_is_deterministic_whatever_the_batching(nlp, texts):
    together = [d.to_dict() for d in borderie.extract_many(texts, nlp=nlp, batch_size=64)]
    one_by_one = [d.to_dict() for d in borderie.extract_many(texts, nlp=nlp, batch_chars=1)]
    assert together == one_by_one


def canonical(doc):
    """Labels and NFC texts (whitespace folded) of the entities, and the relations between them."""
    key = {e.id: (e.label, " ".join(unicodedata.normalize("NFC", e.text).split())) for e in doc.entities}
    return sorted(key.values()), sorted((r.label, key[r.head], key[r.tail]) for r in doc.relations)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(VIETNAMESE, min_size=8, max_size=8))
def test_nfd_crlf_and_doubled_spaces_give_the_same_entities(nlp, texts):
    for how in (lambda t: unicodedata.normalize("NFD", t), lambda t: t.replace("\n", "\r\n"), lambda t: t.replace(" ", "  ")):
        messy = [how(t) for t in texts]
        for clean_doc, messy_doc in zip(borderie.extract_many(texts, nlp=nlp), borderie.extract_many(messy, nlp=nlp)):
            assert canonical(clean_doc) == canonical(messy_doc)


REALNEWS = SHARED / "realnews" / "border.jsonl"


@pytest.mark.slow
@pytest.mark.skipif(not REALNEWS.exists(), reason="../shared/realnews/border.jsonl is absent")
@pytest.mark.parametrize("how", ["nfd", "crlf", "doubled spaces"])
def test_messy_variants_of_every_real_article_give_the_same_entities(nlp, realnews, how):
    texts, clean = realnews
    change = {"nfd": lambda t: unicodedata.normalize("NFD", t), "crlf": lambda t: t.replace("\n", "\r\n"), "doubled spaces": lambda t: t.replace(" ", "  ")}[how]
    messy = borderie.extract_many((change(t) for t in texts), nlp=nlp)
    for n, (a, b) in enumerate(zip(clean, messy), 1):
        assert canonical(b) == a, f"record {n} of {REALNEWS}"


@pytest.fixture(scope="module")
def realnews(nlp):
    """The texts of ../shared/realnews/border.jsonl and the canonical entities of each."""
    texts = [json.loads(line)["text"] for line in REALNEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts, [canonical(d) for d in borderie.extract_many(texts, nlp=nlp)]


# --------------------------------------------------------------------------- damaged model folders


def damage(folder, how):
    if how == "truncated .npy":
        path = folder / "borderie_relations" / "pairs" / "coef.npy"
        path.write_bytes(path.read_bytes()[:1000])
        return path
    if how == "garbage JSON":
        path = folder / "borderie_relations" / "cfg.json"
        path.write_text("{threshold: 0.5", encoding="utf-8")
        return path
    if how == "garbage vectors.cfg":  # spaCy writes this one as JSON
        path = folder / "vocab" / "vectors.cfg"
        path.write_text('{"mode": ', encoding="utf-8")
        return path
    if how == "missing cfg":
        path = folder / "ner" / "cfg"
        path.unlink()
        return path
    if how == "truncated weights":
        path = folder / "ner" / "model"
        path.write_bytes(path.read_bytes()[:100])
        return path
    if how == "another spaCy pipeline":
        import spacy

        shutil.rmtree(folder)
        spacy.blank("en").to_disk(folder)
        return folder / "meta.json"
    raise ValueError(how)


@pytest.mark.parametrize("how", ["truncated .npy", "garbage JSON", "garbage vectors.cfg", "missing cfg", "truncated weights", "another spaCy pipeline"])
def test_a_damaged_model_folder_is_named_in_one_line(tmp_path, how):
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, folder)
    culprit = damage(folder, how)
    with pytest.raises(ModelError) as err:
        borderie.load(folder)
    assert str(culprit) in str(err.value) and "\n" not in str(err.value)
    from typer.testing import CliRunner

    from borderie.cli import app

    res = CliRunner().invoke(app, ["extract", "-", "--model", str(folder)], input=SENT)
    assert res.exit_code == 2 and culprit.name in res.output and "Traceback" not in res.output


# --------------------------------------------------------------------------- brat output stays in its folder


@pytest.mark.parametrize("doc_id", ["../../x", "../x", "/tmp/x", "a/b", "..", ".", "x/../../y", "..\\x", "", " ", "x\n", "~"])
def test_brat_ids_that_are_not_plain_file_names_are_refused(tmp_path, doc_id):
    root = tmp_path / "root"
    (root / "deep").mkdir(parents=True)
    doc = Document(doc_id, "Đồn Biên phòng Cốc Pài.", {}, [Entity("T1", 0, 22, "ORG", "Đồn Biên phòng Cốc Pài")])
    with pytest.raises(ConversionError):
        write([doc], root / "deep" / "out", "brat")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["root", "root/deep"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(["..", ".", "/", "\\", "x", "_", "-", "~", "\n", "\x00", "đ"]), min_size=1, max_size=6).map("".join), min_size=1, max_size=3, unique=True))
def test_brat_output_stays_in_its_folder_whatever_the_ids(tmp_path_factory, ids):
    base = tmp_path_factory.mktemp("brat")
    out = base / "a" / "b" / "out"
    docs = [Document(i, "Đồn Biên phòng Cốc Pài.", {}, [Entity("T1", 0, 22, "ORG", "Đồn Biên phòng Cốc Pài")]) for i in ids]
    try:
        write(docs, out, "brat")
    except ConversionError:
        assert not out.exists()
    written = [p for p in base.rglob("*") if p.is_file()]
    assert all(out in p.parents for p in written), written
    assert all(p.parent == out for p in written), written


def test_brat_conversion_from_jsonl_with_a_climbing_id_writes_nothing(tmp_path):
    rec = json.loads((FIXTURES / "tiny.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rec["id"] = "../../escaped"
    src = tmp_path / "a" / "b" / "in.jsonl"
    src.parent.mkdir(parents=True)
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ConversionError, match="not a safe file name"):
        convert(src, tmp_path / "a" / "b" / "brat", "jsonl", "brat")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "in.jsonl"]


# --------------------------------------------------------------------------- threads


def test_four_threads_on_one_pipeline_give_what_one_thread_gives(nlp):
    texts = [json.loads(line)["text"] for line in (FIXTURES / "tiny.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = (texts + [SENT, SENT.replace(" ", "\n", 3), unicodedata.normalize("NFD", SENT)]) * 4
    one = [borderie.extract(t, nlp=nlp).to_dict() for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        four = list(pool.map(lambda t: borderie.extract(t, nlp=nlp).to_dict(), texts))
    assert four == one
    with ThreadPoolExecutor(max_workers=4) as pool:  # whole streams in parallel, too
        streams = list(pool.map(lambda _: [d.to_dict() for d in borderie.extract_many(texts, nlp=nlp, batch_size=3)], range(4)))
    assert all(s == one for s in streams)


def test_clean_text_is_what_the_model_sees():
    # the variants above rely on it: NFD, CRLF and doubled spaces fold to the same canonical text
    assert clean_text(unicodedata.normalize("NFD", SENT)).text == clean_text(SENT.replace(" ", "  ")).text == SENT
