"""Sentence boundaries from :func:`borderie.sentences.sentence_spans` on ``doc.text``."""

from __future__ import annotations

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..sentences import sentence_spans
from .tokenizer import doc_text


class NewsSentencizer:
    """Sets ``token.is_sent_start`` for news text: headlines, captions, "./.", bullets.

    A token starts a sentence when it is the first token or when a sentence of
    :func:`~borderie.sentences.sentence_spans` starts at it (line breaks inside a
    sentence do not end it: ``sentence_spans`` decides). Every other token is
    marked as not starting one. Works on whole arrays of token offsets, not token
    by token.
    """

    def __init__(self, nlp: Language, name: str = "borderie_sentencizer"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        idx = doc.to_array([IDX]).reshape(-1)
        start = np.zeros(n, dtype=bool)
        start[0] = True
        sent_starts = np.fromiter((s for s, _ in sentence_spans(doc_text(doc))), dtype=idx.dtype)
        if len(sent_starts):
            k = np.searchsorted(idx, sent_starts)  # the token at or after each sentence start
            keep = k < n
            k, sent_starts = k[keep], sent_starts[keep]
            start[k[idx[k] == sent_starts]] = True  # only where a token starts exactly there
        values = np.where(start, 1, -1).astype("int64").astype("uint64").reshape(-1, 1)  # spaCy stores -1 as uint64
        doc.from_array([SENT_START], values)
        return doc

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)
