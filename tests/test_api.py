"""borderie.extract / extract_many on the shipped model: behaviour and offset invariants."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import borderie
from borderie.cleaning import clean_text

SENT = "Ngày 16/3/2016, Năm đồn Biên phòng trao trả cho phía Trung Quốc 124 công dân tại cửa khẩu Hữu Nghị."


def spans(doc):
    return [(e.start, e.end, e.label) for e in doc.entities]


def test_extract_returns_schema_document(nlp):
    doc = borderie.extract(SENT, nlp=nlp)
    assert isinstance(doc, borderie.Document)
    assert doc.text == SENT
    for e in doc.entities:
        assert SENT[e.start : e.end] == e.text
    labels = {e.text: e.label for e in doc.entities}
    assert labels.get("Trung Quốc") == "COUNTRY"
    assert labels.get("124 công dân") == "QUANTITY"
    assert doc.to_dict()["entities"] and borderie.Document.from_dict(doc.to_dict()).to_dict() == doc.to_dict()


def test_values_are_normalized(nlp):
    doc = borderie.extract(SENT, nlp=nlp)
    by_text = {e.text: e for e in doc.entities}
    assert by_text["124 công dân"].value == 124 and by_text["124 công dân"].unit == "công dân"
    assert by_text["Ngày 16/3/2016"].value == "2016-03-16"


def test_year_comes_from_metadata(nlp):
    doc = borderie.extract("Ngày 9/12, Đồn Biên phòng Tà Lùng tiếp nhận 14 công dân.", nlp=nlp, meta={"date": "2024-12-10"})
    dates = [e for e in doc.entities if e.label == "DATE"]
    assert dates and dates[0].value == "2024-12-09"


def test_triples_are_readable(nlp):
    doc = borderie.extract(SENT, nlp=nlp)
    for head, label, tail, args in doc.triples():
        assert label in borderie.RELATION_LABELS and isinstance(head, str) and isinstance(args, dict)


def test_empty_and_whitespace_give_empty_documents(nlp):
    for text in ("", "   \n\t"):
        doc = borderie.extract(text, nlp=nlp)
        assert doc.entities == [] and doc.relations == [] and doc.text == text


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["a"]])
def test_non_string_raises_type_error_naming_it(nlp, bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        borderie.extract(bad, nlp=nlp)


def test_extract_many_streams_in_order(nlp):
    texts = [SENT, "", "Đồn Biên phòng Chi Ma bắt giữ hai đối tượng.", {"id": "r1", "text": SENT, "meta": {"date": "2020-01-01"}}]
    docs = list(borderie.extract_many(iter(texts), nlp=nlp, batch_size=2))
    assert len(docs) == 4
    assert docs[0].text == SENT and docs[1].text == "" and docs[3].id == "r1"
    assert spans(docs[0]) == spans(docs[3])


def test_batches_by_characters_give_the_same_documents(nlp):
    long_text = " ".join([SENT] * 40)
    texts = [SENT, long_text, "", "Đồn Biên phòng Chi Ma bắt giữ hai đối tượng.", long_text, SENT]
    one_by_one = [d.to_dict() for d in borderie.extract_many(texts, nlp=nlp, batch_chars=1)]
    all_at_once = [d.to_dict() for d in borderie.extract_many(texts, nlp=nlp, batch_size=100, batch_chars=10**9)]
    assert one_by_one == all_at_once
    assert [d["text"] for d in one_by_one] == texts


@pytest.mark.parametrize("bad", [{"batch_size": 0}, {"batch_chars": 0}, {"n_process": 0}])
def test_bad_batch_settings_are_refused(nlp, bad):
    with pytest.raises(ValueError, match="must be >= 1"):
        next(borderie.extract_many([SENT], nlp=nlp, **bad))


def test_load_is_cached_and_reports_bad_paths(tmp_path):
    assert borderie.load() is borderie.load()
    with pytest.raises(FileNotFoundError, match="No borderie model"):
        borderie.load(tmp_path)


def test_spacy_native_doc(nlp):
    from spacy import displacy

    sdoc = nlp(SENT)
    assert sdoc.text == SENT
    assert any(ent.label_ == "COUNTRY" for ent in sdoc.ents)
    assert isinstance(sdoc._.relations, list)
    assert "COUNTRY" in displacy.render(sdoc, style="ent")


def _variant(text: str, how: str) -> str:
    if how == "nfd":
        return unicodedata.normalize("NFD", text)
    if how == "tabs":
        return text.replace(" ", "\t", 3)
    if how == "spaces":
        return text.replace(" ", "   ")
    if how == "crlf":
        return text.replace(". ", ".\r\n")
    if how == "zw":
        return text.replace(" ", " \u200b").replace("Biên", "Bi\u200bên")
    return text


@pytest.mark.parametrize("how", ["nfd", "tabs", "spaces", "crlf", "zw"])
def test_messy_variants_give_the_same_entities_with_exact_offsets(nlp, how):
    clean = SENT + " Đại tá Nguyễn Văn Hải, Chỉ huy trưởng Bộ đội Biên phòng tỉnh Lạng Sơn, tiếp đoàn."
    messy = _variant(clean, how)
    a, b = borderie.extract(clean, nlp=nlp), borderie.extract(messy, nlp=nlp)
    canon = lambda doc: [(e.label, clean_text(e.text).text.replace("\n", " ")) for e in doc.entities]
    assert canon(a) == canon(b)
    for e in b.entities:
        assert messy[e.start : e.end] == e.text
    assert [r.label for r in a.relations] == [r.label for r in b.relations]


WORDS = ["Đồn", "Biên phòng", "Lạng Sơn", "trao trả", "cho", "phía", "Trung Quốc", "12", "công dân", "ngày", "3/4", ".", ",", "cửa khẩu", "Tà Lùng"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25), st.sampled_from(["nfd", "tabs", "spaces", "crlf", "zw", "none"]))
def test_offsets_always_index_the_original_string(nlp, words, how):
    text = _variant(" ".join(words), how)
    doc = borderie.extract(text, nlp=nlp)
    for e in doc.entities:
        assert 0 <= e.start < e.end <= len(text) and text[e.start : e.end] == e.text
        assert e.text == e.text.strip()
    ids = {e.id for e in doc.entities}
    assert all(r.head in ids and r.tail in ids for r in doc.relations)


def test_entities_never_start_or_end_with_whitespace(nlp):
    doc = borderie.extract("Năm\n2025 Bộ Công an bắt giữ 3 đối tượng.", nlp=nlp)
    assert doc.entities
    for e in doc.entities:
        assert e.text == e.text.strip(), e
    assert {"Bộ Công an", "3 đối tượng"} <= {e.text for e in doc.entities}


def test_a_format_character_inside_a_name_does_not_cut_it(nlp):
    clean = "Đoàn công tác đến tỉnh Lạng Sơn."
    messy = clean.replace("Lạng", "Lạ\u2066ng")
    a, b = borderie.extract(clean, nlp=nlp), borderie.extract(messy, nlp=nlp)
    assert [(e.label, e.text.replace("\u2066", "")) for e in b.entities] == [(e.label, e.text) for e in a.entities]
    assert any(e.text.endswith("Lạ\u2066ng Sơn") for e in b.entities)


def test_a_bad_item_raises_naming_the_record_after_the_documents_before_it(nlp):
    docs = borderie.extract_many([SENT, {"id": "a7", "text": None}, SENT], nlp=nlp)
    assert next(docs).text == SENT
    with pytest.raises(TypeError, match="record 1 \\(id 'a7'\\)"):
        next(docs)


def test_long_documents_are_converted_piece_by_piece(nlp, monkeypatch):
    import gc

    from spacy.tokens import Doc

    from borderie import api

    monkeypatch.setattr(api, "MAX_PIECE", 300)
    live = []
    add = api._DocumentBuilder.add

    def counting_add(self, offset, sdoc, piece=None):
        add(self, offset, sdoc, piece)
        live.append(sum(isinstance(o, Doc) for o in gc.get_objects()))

    monkeypatch.setattr(api._DocumentBuilder, "add", counting_add)
    text = "\n".join([SENT] * 40)
    doc = next(borderie.extract_many([text], nlp=nlp, batch_size=2))
    assert len(live) > 10  # that many pieces
    assert max(live) <= 6  # pieces in flight, not pieces so far
    assert all(text[e.start : e.end] == e.text for e in doc.entities)
    assert len([e for e in doc.entities if e.text == "Trung Quốc"]) == 40


def test_two_processes_give_the_same_documents(nlp):
    texts = [SENT, "", {"id": "r2", "text": "Đồn Biên phòng Chi Ma bắt giữ hai đối tượng.", "meta": {"date": "2024-01-02"}}] * 3
    one = [d.to_dict() for d in borderie.extract_many(texts, nlp=nlp)]
    two = [d.to_dict() for d in borderie.extract_many(texts, nlp=nlp, n_process=2, batch_size=2)]
    assert one == two


def test_closing_the_stream_early_stops_the_workers(nlp):
    import multiprocessing

    docs = borderie.extract_many([SENT] * 200, nlp=nlp, n_process=2, batch_size=4)
    first = next(docs)
    assert first.text == SENT
    docs.close()
    assert multiprocessing.active_children() == []


def test_a_bad_item_stops_the_workers_and_names_the_record(nlp):
    import multiprocessing

    items = [SENT] * 10 + [42] + [SENT] * 10
    done = []
    with pytest.raises(TypeError, match="record 10"):
        for doc in borderie.extract_many(items, nlp=nlp, n_process=2, batch_size=2):
            done.append(doc)
    assert len(done) == 10
    assert multiprocessing.active_children() == []


def _failing_worker(how):
    from borderie import api

    serial = api._extract_serial

    def run(nlp, records, batch_size, batch_chars):
        if any(text == "boom" for _, text, _, _ in records):
            if how == "raise":
                raise ValueError("cannot read this")
            import os

            os._exit(3)
        return serial(nlp, records, batch_size, batch_chars)

    return run


@pytest.mark.parametrize("how, message", [("raise", "records 2-3: ValueError: cannot read this"), ("die", "exit code 3")])
def test_a_failing_worker_raises_instead_of_hanging(nlp, monkeypatch, how, message):
    import multiprocessing

    from borderie import api

    monkeypatch.setattr(api, "_extract_serial", _failing_worker(how))
    with pytest.raises(RuntimeError, match=message):
        list(borderie.extract_many([SENT, SENT, SENT, "boom", SENT], nlp=nlp, n_process=2, batch_size=2))
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_one_megabyte_document(nlp):
    para = SENT + " Đồn Biên phòng Chi Ma bắt giữ hai đối tượng, thu giữ 3 bánh heroin.\n"
    text = para * (1_000_000 // len(para) + 1)
    doc = borderie.extract(text, nlp=nlp)
    assert len(doc.entities) > 1000
    assert all(text[e.start : e.end] == e.text for e in doc.entities)
