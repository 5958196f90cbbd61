"""Throughput, latency, load time and memory, for borderie and underthesea on the same texts.

Every figure comes from one run on one machine: compare rows of the same run, not
runs on different days. Rows report wall-clock rates and, beside them, words per
CPU second, which moves less when other programs share the machine.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

# Baselines run beside borderie: underthesea's word segmenter (the model borderie's first
# stage decodes, faster, in borderie/pipeline/segmenter.py: the ratio compares the whole
# pipeline with segmentation as underthesea runs it) and underthesea's NER (slow: seconds
# per article, so it runs on the first few texts).
BASELINES = ("none", "underthesea-tokenize", "underthesea-ner")
DEFAULT_BASELINES = ("underthesea-tokenize",)


def read_texts(path: str | Path, *, limit: int | None = None, text_field: str = "text") -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)[text_field])
                if limit and len(texts) >= limit:
                    break
    return texts


def count_words(texts: Iterable[str]) -> int:
    """Words as the benchmark counts them: whitespace-separated (Vietnamese syllables)."""
    return sum(len(t.split()) for t in texts)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_children_mb() -> float:
    """Peak resident memory of the largest finished worker process so far."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _rates(name: str, docs: int, words: int, elapsed: float, cpu: float) -> dict[str, Any]:
    return {
        "system": name,
        "docs": docs,
        "words": words,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "words_per_s": round(words / elapsed, 1) if elapsed else None,
        "words_per_cpu_s": round(words / cpu, 1) if cpu else None,
        "docs_per_s": round(docs / elapsed, 2) if elapsed else None,
    }


def _timed(name: str, texts: list[str], run: Callable[[Iterable[str]], Iterable[Any]], per_doc: bool, progress: bool = False) -> dict[str, Any]:
    from tqdm import tqdm

    latencies = []
    bar = tqdm(total=len(texts), desc=name, unit="doc", disable=not progress)
    cpu0 = _cpu_seconds()
    start = time.perf_counter()
    if per_doc:
        for t in texts:
            t0 = time.perf_counter()
            for _ in run([t]):
                pass
            latencies.append((time.perf_counter() - t0) * 1000)
            bar.update()
    else:
        for _ in run(texts):
            bar.update()
    elapsed = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu0
    bar.close()
    row = _rates(name, len(texts), count_words(texts), elapsed, cpu)
    if latencies:
        q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
        row["p50_ms"] = round(statistics.median(latencies), 1)
        row["p95_ms"] = round(q[18], 1)
    return row


# Pipeline components reported together as one stage.
_STAGE_OF = {"tok2vec": "tok2vec+ner", "ner": "tok2vec+ner", "borderie_relations": "relations", "borderie_sentencizer": "sentences", "borderie_values": "values", "borderie_entity_rules": "entity rules"}


def stage_times(nlp, texts: list[str], *, batch_size: int = 32, batch_chars: int | None = None, progress: bool = False) -> list[dict[str, Any]]:
    """Time each stage of ``extract_many`` on its own, in one process, with its batches:
    ``clean`` (canonical text), ``tokenize`` (underthesea segmentation aligned to the
    text), then the pipeline's components (``tok2vec`` and ``ner`` as one stage) and
    ``convert`` (schema Documents with offsets into the original text)."""
    from tqdm import tqdm

    from .api import BATCH_CHARS, _budgeted, _DocumentBuilder, _pieces, clean_text

    words = count_words(texts)
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(stage: str, work: Callable[[], Any]) -> Any:
        c0, t0 = time.process_time(), time.perf_counter()
        result = work()
        wall[stage] = wall.get(stage, 0.0) + time.perf_counter() - t0
        cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - c0
        return result

    bar = tqdm(total=len(texts), desc="stages", unit="doc", disable=not progress)
    for batch in _budgeted(iter(texts), batch_size, batch_chars or BATCH_CHARS, len):
        cleans = timed("clean", lambda: [clean_text(t) for t in batch])
        builders = [_DocumentBuilder(c, "", {}) for c in cleans]
        pieces = [(b, offset, piece) for b in builders for offset, piece in _pieces(b.clean.text)]
        docs = timed("tokenize", lambda: [nlp.make_doc(p) for _, _, p in pieces])
        for doc in docs:
            doc._.meta = {}
        for name, proc in nlp.pipeline:
            stage = _STAGE_OF.get(name, name)
            docs = timed(stage, lambda: list(proc.pipe(docs, batch_size=len(docs))) if hasattr(proc, "pipe") else [proc(d) for d in docs])
        timed("convert", lambda: [b.add(offset, doc) for (b, offset, _), doc in zip(pieces, docs)])
        bar.update(len(batch))
    bar.close()
    return [
        {"stage": s, "seconds": round(wall[s], 2), "cpu_seconds": round(cpu[s], 2), "words_per_s": round(words / wall[s], 1) if wall[s] else None, "share": round(wall[s] / sum(wall.values()), 3)}
        for s in wall
    ]


def run_benchmark(
    texts: list[str],
    *,
    model: str | Path | None = None,
    n_process: Iterable[int] = (1,),
    baselines: Sequence[str] | bool = DEFAULT_BASELINES,
    ner_limit: int = 30,
    stages: bool = True,
    progress: bool = False,
) -> dict[str, Any]:
    """Measure borderie and the named baselines over the same texts.

    borderie: model load time; streaming throughput of ``extract_many`` for each
    ``n_process``, and without relation extraction (one process); per-document
    latency; with ``stages``, the time of each stage. Baselines (see ``BASELINES``):
    ``underthesea-tokenize`` (word_tokenize per text) and ``underthesea-ner`` (over the
    first ``ner_limit`` texts); ``baselines=True`` means both, ``False`` or ``["none"]``
    neither. ``progress`` shows a bar per measured system on stderr (one counter
    update per document, included in the timings).

    Returns ``{"rows": [...], "stages": [...], "load_seconds", "scaling",
    "ratio_to_underthesea_tokenize", "peak_rss_mb_*"}``; every row has words/s,
    words per CPU second, docs/s, and per-document p50/p95 ms where measured.
    """
    from .api import _cache, _model_path, extract_many, load

    if baselines is True:
        baselines = ("underthesea-tokenize", "underthesea-ner")
    elif baselines is False:
        baselines = ()
    unknown = [b for b in baselines if b not in BASELINES]
    if unknown:
        raise ValueError(f"unknown baseline(s) {', '.join(unknown)}; choose from {', '.join(BASELINES)}")
    if "none" in baselines and len(set(baselines)) > 1:
        raise ValueError("baseline 'none' cannot be combined with other baselines")
    n_process = list(n_process)
    cached = str(_model_path(model).resolve()) in _cache
    t0 = time.perf_counter()
    nlp = load(model)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    list(extract_many(["Đồn Biên phòng cửa khẩu Hữu Nghị tiếp nhận 12 công dân."], nlp=nlp))  # segmenter model, tables
    warmup_s = time.perf_counter() - t0

    rows = []
    for n in n_process:
        rows.append(_timed(f"borderie extract_many (n_process={n})", texts, lambda ts, n=n: extract_many(ts, nlp=nlp, n_process=n), per_doc=False, progress=progress))
    if "borderie_relations" in nlp.pipe_names:
        with nlp.select_pipes(disable=["borderie_relations"]):
            rows.append(_timed("borderie extract_many without relations (n_process=1)", texts, lambda ts: extract_many(ts, nlp=nlp), per_doc=False, progress=progress))
    rows.append(_timed("borderie extract (per document)", texts, lambda ts: extract_many(ts, nlp=nlp), per_doc=True, progress=progress))
    rss_borderie = peak_rss_mb()
    stage_rows = stage_times(nlp, texts, progress=progress) if stages else []
    if "underthesea-tokenize" in baselines:
        from underthesea import word_tokenize

        rows.append(_timed("underthesea word_tokenize", texts, lambda ts: (word_tokenize(t) for t in ts), per_doc=True, progress=progress))
    if "underthesea-ner" in baselines:
        from underthesea import ner

        rows.append(_timed(f"underthesea ner (first {min(ner_limit, len(texts))} docs)", texts[:ner_limit], lambda ts: (ner(t) for t in ts), per_doc=True, progress=progress))

    def rate(system: str) -> float | None:
        return next((r["words_per_s"] for r in rows if r["system"] == system), None)

    base = rows[0]["words_per_s"] or 1
    for r in rows:
        r["ratio_to_borderie"] = round((r["words_per_s"] or 0) / base, 2)
    tokenize = rate("underthesea word_tokenize")
    one = rate("borderie extract_many (n_process=1)")
    return {
        "load_seconds": round(load_s, 2),
        "model_was_loaded": cached,
        "warmup_seconds": round(warmup_s, 2),
        "peak_rss_mb_after_borderie": round(rss_borderie, 1),
        "peak_rss_mb_workers": round(peak_rss_children_mb(), 1),
        "peak_rss_mb_end": round(peak_rss_mb(), 1),
        "ratio_to_underthesea_tokenize": {
            r["system"]: round(r["words_per_s"] / tokenize, 3) for r in rows if tokenize and r["system"].startswith("borderie") and r["words_per_s"]
        },
        "scaling": {str(n): round((rate(f"borderie extract_many (n_process={n})") or 0) / one, 2) for n in n_process} if one else {},
        "rows": rows,
        "stages": stage_rows,
    }
