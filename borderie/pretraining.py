"""Word vectors from unannotated news: what the recognizer learns from raw text.

The annotated corpus is a few hundred documents; real news is plentiful. This
module trains word2vec vectors (gensim) on raw text, tokenized by borderie's own
tokenizer, lower-cased and keyed by their usual spellings, and writes them as a spaCy
vectors table. ``borderie train`` reads them through the config's
``[initialize] vectors`` (``include_static_vectors = true`` in tok2vec), and the
trained model ships them in its ``vocab/`` folder (numpy arrays, no pickle).

Keep evaluation text out of the pretraining text: ``exclude`` takes JSONL files
whose documents (by id and by text) are skipped.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence


class PretrainError(ValueError):
    """Bad pretraining input; the message names the file and the problem."""


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())[:500]


def _records(paths: Sequence[str | Path], text_field: str) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of JSONL records (field ``text_field``) or plain text files."""
    from .distributed import InputError, iter_records

    try:
        for rec in iter_records(paths, text_field=text_field):
            yield rec["id"], rec["text"]
    except InputError as exc:
        raise PretrainError(str(exc)) from None


def _excluded(paths: Sequence[str | Path]) -> tuple[set[str], set[str]]:
    ids, texts = set(), set()
    for doc_id, text in _records(paths, "text"):
        ids.add(doc_id)
        texts.add(_key(text))
    return ids, texts


def sentences(texts: Iterable[str], nlp) -> Iterator[list[str]]:
    """Token norms per line of each text, tokenized like the pipeline tokenizes."""
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                words = [t.norm_ for t in nlp.make_doc(line) if not t.is_space]
                if words:
                    yield words


def pretrain_vectors(
    paths: Sequence[str | Path],
    output: str | Path,
    *,
    exclude: Sequence[str | Path] = (),
    text_field: str = "text",
    dim: int = 64,
    min_count: int = 3,
    max_rows: int = 40_000,
    window: int = 5,
    epochs: int = 5,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> dict:
    """Train word vectors on raw text and write them as a spaCy pipeline folder at ``output``.

    Returns counts: documents read, excluded, tokens, rows kept.
    """
    try:
        from gensim.models import Word2Vec
    except ImportError:  # pragma: no cover - depends on the environment
        raise PretrainError('pretraining needs gensim: pip install "borderie[pretrain]"') from None
    import numpy as np
    import spacy
    from spacy.vectors import Vectors

    from .registrations import create_word_tokenizer  # noqa: F401  (registers the tokenizer)

    ex_ids, ex_texts = _excluded(exclude)
    texts, n_excluded = [], 0
    for doc_id, text in _records(paths, text_field):
        if doc_id in ex_ids or _key(text) in ex_texts:
            n_excluded += 1
            continue
        texts.append(text)
    if not texts:
        raise PretrainError("no text to pretrain on (every document was excluded or the files are empty)")
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "borderie.WordTokenizer.v1"}}})
    log(f"tokenizing {len(texts)} documents ({n_excluded} excluded)")
    sents = list(sentences(texts, nlp))
    counts = Counter(w for s in sents for w in s)
    log(f"training {dim}-dimensional vectors on {sum(counts.values()):,} tokens")
    model = Word2Vec(sents, vector_size=dim, window=window, min_count=min_count, workers=1, epochs=epochs, seed=seed, sg=1)
    words = [w for w, _ in counts.most_common() if w in model.wv.key_to_index][:max_rows]
    table = np.stack([model.wv[w] for w in words]).astype(np.float32)
    # spaCy looks vectors up by ORTH (the table's key attribute is not saved with it),
    # so each lower-case word is keyed by its usual spellings: as is, Capitalized, Title Case, UPPER
    vectors = Vectors(strings=nlp.vocab.strings, shape=table.shape)
    for row, w in enumerate(words):
        for form in {w, w.capitalize(), w.title(), w.upper()}:
            vectors.add(form, row=row)
    vectors.data[:] = table
    nlp.vocab.vectors = vectors
    output = Path(output)
    nlp.to_disk(output)
    stats = {"documents": len(texts), "excluded": n_excluded, "tokens": sum(counts.values()), "rows": len(words), "dim": dim}
    (output / "pretraining.json").write_text(json.dumps(stats, indent=2), encoding="utf-8")
    log(f"wrote {len(words)} vectors to {output}")
    return stats
