"""Sentence boundaries from :func:`borderie.sentences.sentence_spans` on ``doc.text``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..sentences import sentence_spans


class NewsSentencizer:
    """Sets ``token.is_sent_start`` for news text: headlines, captions, "./.", bullets."""

    def __init__(self, nlp: Language, name: str = "borderie_sentencizer"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        starts = {s for s, _ in sentence_spans(doc.text)}
        for i, token in enumerate(doc):
            # line breaks inside a sentence do not end it: sentence_spans decides
            token.is_sent_start = i == 0 or token.idx in starts
        return doc
