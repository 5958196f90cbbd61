"""Every spaCy factory and registered function of borderie, in one place.

Names are prefixed and versioned (``borderie.WordTokenizer.v1``); a change of
behaviour gets a new version. ``pyproject.toml`` exposes them as entry points,
so a saved model's config resolves without importing borderie by hand.
Nothing here runs work at import time beyond registering names.
"""

# no `from __future__ import annotations`: spaCy's config validation (confection)
# reads these signatures' types, and strings would stay unresolved forward references
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from .pipeline.entity_rules import EntityRules
from .pipeline.normalizer import ValueNormalizer
from .pipeline.relations import RelationExtractor
from .pipeline.sentencizer import NewsSentencizer
from .pipeline.tokenizer import WordTokenizer


def ensure_extensions() -> None:
    """Register the Doc/Span extensions borderie writes, only if missing.

    - ``doc._.relations``: list of ``{"label", "head", "tail", "args", "score"}`` dicts, where
      ``head`` and ``tail`` are indices into ``doc.ents`` (``doc.ents[r["head"]]``), ``args``
      maps a role (``quantity``, ``date``, ``location``, ``event``) to an index into
      ``doc.ents``, and ``score`` is the classifier's probability. None before the
      ``borderie_relations`` component runs.
    - ``doc._.meta``: the record's meta (``meta["date"]`` gives dates their year).
    - ``span._.value`` / ``span._.unit``: the normalized value of a QUANTITY or DATE entity.
    """
    if not Doc.has_extension("relations"):
        Doc.set_extension("relations", default=None)
    if not Doc.has_extension("meta"):
        Doc.set_extension("meta", default=None)
    for name in ("value", "unit"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


@registry.tokenizers("borderie.WordTokenizer.v1")
def create_word_tokenizer(segment: bool = True) -> Callable[[Language], WordTokenizer]:
    def make(nlp: Language) -> WordTokenizer:
        return WordTokenizer(nlp.vocab, segment=segment)

    return make


@Language.factory("borderie_sentencizer", requires=[], assigns=["token.is_sent_start"])
def make_sentencizer(nlp: Language, name: str) -> NewsSentencizer:
    return NewsSentencizer(nlp, name)


@Language.factory(
    "borderie_relations",
    requires=["doc.ents", "doc.sents"],
    assigns=["doc._.relations"],
    default_config={"threshold": 0.5, "arg_threshold": 0.5, "max_entities": 60, "share_partners": True, "reciprocal": True},
)
def make_relation_extractor(nlp: Language, name: str, threshold: float, arg_threshold: float, max_entities: int, share_partners: bool, reciprocal: bool) -> RelationExtractor:
    ensure_extensions()
    return RelationExtractor(nlp, name, threshold=threshold, arg_threshold=arg_threshold, max_entities=max_entities, share_partners=share_partners, reciprocal=reciprocal)


@Language.factory("borderie_values", requires=["doc.ents"], assigns=["span._.value", "span._.unit"])
def make_value_normalizer(nlp: Language, name: str) -> ValueNormalizer:
    ensure_extensions()
    return ValueNormalizer(nlp, name)


@Language.factory("borderie_entity_rules", requires=["doc.ents"], assigns=["doc.ents"])
def make_entity_rules(nlp: Language, name: str) -> EntityRules:
    return EntityRules(nlp, name)
