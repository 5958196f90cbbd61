"""Throughput, latency, load time and memory, for borderie and underthesea on the same texts."""

from __future__ import annotations

import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any, Callable, Iterable


def read_texts(path: str | Path, *, limit: int | None = None, text_field: str = "text") -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)[text_field])
                if limit and len(texts) >= limit:
                    break
    return texts


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(name: str, texts: list[str], run: Callable[[Iterable[str]], Iterable[Any]], per_doc: bool, progress: bool = False) -> dict[str, Any]:
    from tqdm import tqdm

    words = sum(len(t.split()) for t in texts)
    latencies = []
    bar = tqdm(total=len(texts), desc=name, unit="doc", disable=not progress)
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
    bar.close()
    row: dict[str, Any] = {
        "system": name,
        "docs": len(texts),
        "words": words,
        "seconds": round(elapsed, 2),
        "words_per_s": round(words / elapsed, 1) if elapsed else None,
        "docs_per_s": round(len(texts) / elapsed, 2) if elapsed else None,
    }
    if latencies:
        q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
        row["p50_ms"] = round(statistics.median(latencies), 1)
        row["p95_ms"] = round(q[18], 1)
    return row


def run_benchmark(
    texts: list[str],
    *,
    model: str | Path | None = None,
    n_process: Iterable[int] = (1,),
    baselines: bool = True,
    ner_limit: int = 30,
    progress: bool = False,
) -> dict[str, Any]:
    """Measure borderie (load time, streaming throughput per n_process, per-document latency)
    and underthesea's word_tokenize over the same texts; underthesea's ner, which takes
    seconds per article, over the first ``ner_limit`` of them (its rate is per word).
    ``progress`` shows a bar per measured system on stderr (one counter update per
    document, included in the timings)."""
    from .api import extract_many, load

    t0 = time.perf_counter()
    nlp = load(model)
    load_s = time.perf_counter() - t0
    rows = []
    for n in n_process:
        rows.append(_timed(f"borderie extract_many (n_process={n})", texts, lambda ts, n=n: extract_many(ts, nlp=nlp, n_process=n), per_doc=False, progress=progress))
    rows.append(_timed("borderie extract (per document)", texts, lambda ts: extract_many(ts, nlp=nlp), per_doc=True, progress=progress))
    rss_borderie = peak_rss_mb()
    if baselines:
        from underthesea import ner, word_tokenize

        rows.append(_timed("underthesea word_tokenize", texts, lambda ts: (word_tokenize(t) for t in ts), per_doc=True, progress=progress))
        rows.append(_timed(f"underthesea ner (first {min(ner_limit, len(texts))} docs)", texts[:ner_limit], lambda ts: (ner(t) for t in ts), per_doc=True, progress=progress))
    base = rows[0]["words_per_s"] or 1
    for r in rows:
        r["ratio_to_borderie"] = round((r["words_per_s"] or 0) / base, 2)
    return {"load_seconds": round(load_s, 2), "peak_rss_mb_after_borderie": round(rss_borderie, 1), "peak_rss_mb_end": round(peak_rss_mb(), 1), "rows": rows}
