"""Writes normalized values of QUANTITY and DATE entities to ``span._.value``/``span._.unit``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..values import date_value, quantity_value, year_of


class ValueNormalizer:
    """QUANTITY -> number and unit; DATE -> ISO string, year from ``doc._.meta`` when needed."""

    def __init__(self, nlp: Language, name: str = "borderie_values"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        year = year_of(doc._.meta)
        for ent in doc.ents:
            if ent.label_ == "QUANTITY":
                ent._.value, ent._.unit = quantity_value(ent.text)
            elif ent.label_ == "DATE":
                ent._.value = date_value(ent.text, year)
        return doc
