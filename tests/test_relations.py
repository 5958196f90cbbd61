"""The relation extractor: event triggers, the structure features built on them,
linear weights that round-trip through JSON + .npy, and the component on disk."""

import numpy as np
import pytest
from spacy.tokens import Span

from borderie.pipeline.relations import (
    LinearModel,
    SentenceContext,
    doc_norms,
    find_triggers,
    pair_features,
    sentence_contexts,
)


def context(nlp, text: str, ents: list[tuple[str, str]]) -> SentenceContext:
    """A one-sentence context with the given (surface, label) entities set by hand."""
    doc = nlp.get_pipe("borderie_sentencizer")(nlp.make_doc(text))
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.set_ents(spans)
    return SentenceContext(doc, doc_norms(doc), list(doc.ents))


def test_triggers_are_found_across_tokens_longest_first(nlp):
    doc = nlp.make_doc("Đồn Biên phòng phát hiện, bắt quả tang đối tượng, thu giữ 3 bánh heroin rồi trao trả 5 công dân.")
    triggers = find_triggers(doc_norms(doc), 0, len(doc))
    assert [(t.text, t.type) for t in triggers if t.type in ("arrest", "seize", "return")] == [
        ("bắt quả tang", "arrest"),
        ("thu giữ", "seize"),
        ("trao trả", "return"),
    ]


def test_partner_reaches_the_trigger_through_phoi_hop_voi(nlp):
    ctx = context(
        nlp,
        "Công an huyện Mường Lát phối hợp với Đồn Biên phòng Tam Chung bắt giữ 2 đối tượng.",
        [("Công an huyện Mường Lát", "ORG"), ("Đồn Biên phòng Tam Chung", "ORG"), ("2 đối tượng", "QUANTITY")],
    )
    f = pair_features(ctx, 0, 2)
    assert f["act=ORG>QUANTITY|arrest"] == 1
    assert f["act_clean=ORG>QUANTITY|arrest|1"] == 1  # only connectors between the partner and the verb


def test_passive_voice_links_the_agent_after_bi(nlp):
    ctx = context(
        nlp,
        "Một đối tượng vận chuyển 1.200 viên ma túy đã bị Đồn Biên phòng Pù Nhi bắt giữ.",
        [("Một đối tượng", "QUANTITY"), ("1.200 viên", "QUANTITY"), ("Đồn Biên phòng Pù Nhi", "ORG")],
    )
    f = pair_features(ctx, 2, 0)  # head: the unit, tail: the person counted before it
    assert f["pass=ORG>QUANTITY|bị|arrest"] == 1


def test_sentence_costs_do_not_depend_on_pair_count(nlp):
    # prefix counts: the path cost between two tokens is read, not recounted per pair
    ctx = context(nlp, "Đồn Biên phòng A Pa Chải đã tiến hành bắt giữ 3 đối tượng.", [("Đồn Biên phòng A Pa Chải", "ORG"), ("3 đối tượng", "QUANTITY")])
    h, t = ctx.ents
    assert ctx.path_cost(h.end, t.start) == 0
    assert ctx.n_words(h.end, t.start) == len(ctx.words(h.end, t.start))


def test_linear_model_round_trip_and_sparse_product(tmp_path):
    rng = np.random.default_rng(0)
    features = [f"f{k}" for k in range(50)]
    model = LinearModel(features, ["NONE", "ARRESTED", "SEIZED"], rng.normal(size=(3, 50)), rng.normal(size=3))
    rows = [{"f1": 1, "f7": 1, "unknown": 1}, {}, {"f49": 2.0}]
    dense = np.zeros((3, 50), dtype=np.float32)
    for r, row in enumerate(rows):
        for name, v in row.items():
            if name in model.index:
                dense[r, model.index[name]] = v
    logits = dense @ model.coef.T + model.intercept
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.proba(rows), expected, rtol=1e-5, atol=1e-6)
    model.to_disk(tmp_path / "m")
    assert not list((tmp_path / "m").glob("*.pkl"))
    again = LinearModel.from_disk(tmp_path / "m")
    np.testing.assert_array_equal(again.proba(rows), model.proba(rows))


def test_linear_model_refuses_mismatched_weights():
    with pytest.raises(ValueError, match="expected"):
        LinearModel(["a", "b"], ["NONE", "MET"], np.zeros((2, 3)), np.zeros(2))


def test_component_round_trip_gives_the_same_relations(nlp, tmp_path):
    text = "Ngày 3/5, Đồn Biên phòng cửa khẩu Tà Lùng đã trao trả cho phía Trung Quốc 12 công dân."
    rel = nlp.get_pipe("borderie_relations")
    before = nlp(text)._.relations
    rel.to_disk(tmp_path / "rel")
    from borderie.pipeline.relations import RelationExtractor

    again = RelationExtractor(nlp).from_disk(tmp_path / "rel")
    doc = nlp(text)
    assert again.predict(doc) == before


def test_every_sentence_with_entities_gets_a_context(nlp):
    doc = nlp("Công an tỉnh Lào Cai bắt giữ 2 đối tượng. Hai bên hội đàm tại Hà Nội.")
    offsets = [off for off, _ in sentence_contexts(doc)]
    assert offsets == sorted(offsets) and offsets[0] == 0


def test_partners_joined_by_phoi_hop_voi_share_the_event(nlp):
    from borderie.pipeline.relations import partner_groups, share_partners

    ctx = context(
        nlp,
        "Công an huyện Mường Lát phối hợp với Đồn Biên phòng Tam Chung và Phòng PC04 bắt giữ 2 đối tượng.",
        [("Công an huyện Mường Lát", "ORG"), ("Đồn Biên phòng Tam Chung", "ORG"), ("Phòng PC04", "ORG"), ("2 đối tượng", "QUANTITY")],
    )
    found = {("ARRESTED", 0, 3): 0.9}
    assert partner_groups(ctx, found) == [[0, 1, 2]]
    assert share_partners(ctx, found) == {("ARRESTED", 1, 3): 0.9, ("ARRESTED", 2, 3): 0.9}


def test_a_unit_and_its_parent_are_not_partners(nlp):
    from borderie.pipeline.relations import partner_groups

    ctx = context(
        nlp,
        "Đồn Biên phòng Chi Ma, Bộ đội Biên phòng tỉnh Lạng Sơn bắt giữ 2 đối tượng.",
        [("Đồn Biên phòng Chi Ma", "ORG"), ("Bộ đội Biên phòng tỉnh Lạng Sơn", "ORG"), ("2 đối tượng", "QUANTITY")],
    )
    assert partner_groups(ctx, {("PART_OF", 0, 1): 0.9, ("ARRESTED", 0, 2): 0.9}) == []


def test_second_clause_of_a_reciprocal_handover_returns_to_the_first_giver(nlp):
    # GUIDELINES 4.23: the second clause leaves out its receiver, the first clause's giver
    from borderie.pipeline.relations import reciprocal_returns

    text = "Trong quý I, Ba đồn Biên phòng trao trả cho phía Lào 14 lần/41 người; phía Lào trao trả 6 lần/23 công dân."
    ents = [("quý I", "DATE"), ("Ba đồn Biên phòng", "ORG"), ("Lào", "COUNTRY"), ("14 lần", "QUANTITY"), ("41 người", "QUANTITY")]
    ctx = context(nlp, text, ents)
    second = text.rindex("Lào")
    doc = ctx.doc
    spans = list(doc.ents) + [doc.char_span(second, second + 3, label="COUNTRY"), doc.char_span(text.index("23 công dân"), text.index("23 công dân") + 11, label="QUANTITY")]
    doc.set_ents(sorted(spans, key=lambda s: s.start))
    ctx = SentenceContext(doc, doc_norms(doc), list(doc.ents))
    giver, first_lao, second_lao = 1, 2, 5
    assert reciprocal_returns(ctx, {("RETURNED", giver, first_lao): 0.8}) == {("RETURNED", second_lao, giver): 0.8}


def test_a_second_clause_that_names_its_own_receiver_is_left_to_the_classifier(nlp):
    from borderie.pipeline.relations import reciprocal_returns

    text = "Đồn Biên phòng Na Mèo trao trả cho phía Lào 9 người; phía Lào trao trả cho Công an huyện Quan Sơn 4 người."
    ctx = context(nlp, text, [("Đồn Biên phòng Na Mèo", "ORG"), ("Lào", "COUNTRY"), ("9 người", "QUANTITY")])
    doc = ctx.doc
    s2 = text.rindex("Lào")
    extra = [doc.char_span(s2, s2 + 3, label="COUNTRY"), doc.char_span(text.index("Công an huyện Quan Sơn"), text.index("Công an huyện Quan Sơn") + len("Công an huyện Quan Sơn"), label="ORG")]
    doc.set_ents(sorted(list(doc.ents) + extra, key=lambda s: s.start))
    ctx = SentenceContext(doc, doc_norms(doc), list(doc.ents))
    assert reciprocal_returns(ctx, {("RETURNED", 0, 1): 0.8}) == {}
