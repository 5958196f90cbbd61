"""The ``borderie`` command line: a thin typer layer over the library's functions.

Exit codes: 0 success, 1 failure (invalid data, a score below threshold), 2 bad arguments.
"""

from __future__ import annotations

import csv
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="borderie: structured facts from Vietnamese border news.", no_args_is_help=True, add_completion=False)
corpus_app = typer.Typer(help="Validate, compile and describe annotated corpora.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
facts_app = typer.Typer(help="Build and ask a fact base (DuckDB) of extractions.", no_args_is_help=True)
app.add_typer(facts_app, name="facts")
console = Console(stderr=True, soft_wrap=True)
out = Console()


def fail(message: str, code: int = 1) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def load_model(model: Optional[Path]):
    """The model for a command; a bad --model path is a bad argument (exit 2)."""
    from .api import load

    try:
        return load(model)
    except FileNotFoundError as exc:
        fail(str(exc), 2)


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    triples = "triples"


def _records(files: List[str], text_field: str) -> Iterator[dict]:
    """Texts from files or stdin ('-'): a .jsonl file gives one record per line, any other file one text."""
    for name in files or ["-"]:
        if name == "-":
            data = sys.stdin.read()
            source = "<stdin>"
        else:
            path = Path(name)
            if not path.is_file():
                fail(f"{name}: no such file", 2)
            data = path.read_text(encoding="utf-8")
            source = name
        if source.endswith(".jsonl") or (source == "<stdin>" and data.lstrip().startswith("{")):
            for n, line in enumerate(data.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    fail(f"{source}, line {n}: not valid JSON ({exc.msg})")
                if not isinstance(rec, dict) or not isinstance(rec.get(text_field), str):
                    fail(f"{source}, line {n}: no string field {text_field!r} (use --text-field to name the text field)")
                yield {"id": str(rec.get("id", f"{source}:{n}")), "text": rec[text_field], "meta": rec.get("meta") or {}}
        else:
            yield {"id": source, "text": data, "meta": {}}


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
def extract(
    files: List[str] = typer.Argument(None, help="Text or JSONL files; '-' or nothing reads stdin."),
    format: Optional[Format] = typer.Option(None, "--format", "-f", help="Output format (default table; --engine dask writes Parquet)."),
    text_field: str = typer.Option("text", help="Field holding the text in JSONL records."),
    n_process: int = typer.Option(1, min=1, help="Worker processes."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout (a folder with --engine dask)."),
    model: Optional[Path] = typer.Option(None, help="Model folder (default: the shipped model)."),
    engine: Engine = typer.Option(Engine.local, help="local: this process (or --n-process); dask: a Dask cluster writing partitioned Parquet."),
    scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address (tcp://host:8786); default a LocalCluster here."),
    workers: int = typer.Option(2, min=1, help="LocalCluster worker processes (--engine dask without --scheduler)."),
    partition_size: int = typer.Option(32, min=1, help="Documents per Dask task (and per Parquet part)."),
    overwrite: bool = typer.Option(False, help="Replace the Parquet parts already in --output."),
) -> None:
    """Extract entities and relations, streaming one document at a time."""
    from tqdm import tqdm

    from .api import extract_many

    if engine == Engine.dask:
        _extract_dask(files, format, text_field, n_process, output, model, scheduler, workers, partition_size, overwrite)
        return
    if scheduler:
        fail("--scheduler needs --engine dask", 2)
    format = format or Format.table
    nlp = load_model(model)
    docs = extract_many(_records(files, text_field), nlp=nlp, n_process=n_process)
    fh = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if output:
            docs = tqdm(docs, desc="extract", unit="doc", file=sys.stderr)
        writer = csv.writer(fh) if format == Format.csv else None
        if writer:
            writer.writerow(["doc_id", "kind", "label", "start", "end", "text", "head", "tail", "args", "value"])
        collected = []
        for doc in docs:
            if format == Format.json:
                collected.append(doc.to_dict())
            elif format == Format.jsonl:
                fh.write(doc.to_json() + "\n")
            elif format == Format.triples:
                for h, label, t, args in doc.triples():
                    extra = "".join(f"\t{k}={v}" for k, v in args.items())
                    fh.write(f"{doc.id}\t{h}\t{label}\t{t}{extra}\n")
            elif writer:
                by_id = {e.id: e for e in doc.entities}
                for e in doc.entities:
                    writer.writerow([doc.id, "entity", e.label, e.start, e.end, e.text, "", "", "", e.value if e.value is not None else ""])
                for r in doc.relations:
                    args = ";".join(f"{k}={by_id[v].text}" for k, v in r.args.items())
                    writer.writerow([doc.id, "relation", r.label, "", "", "", by_id[r.head].text, by_id[r.tail].text, args, ""])
            else:
                table = Table(title=doc.id or "document", show_lines=False)
                for col in ("label", "text", "start", "end", "value"):
                    table.add_column(col)
                for e in doc.entities:
                    table.add_row(e.label, e.text, str(e.start), str(e.end), "" if e.value is None else str(e.value))
                Console(file=fh).print(table)
                for h, label, t, args in doc.triples():
                    extra = ", " + ", ".join(f"{k}={v}" for k, v in args.items()) if args else ""
                    fh.write(f"  {label}({h} -> {t}{extra})\n")
            fh.flush()
        if format == Format.json:
            json.dump(collected, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
    except TypeError as exc:
        fail(str(exc))
    finally:
        if output:
            fh.close()


def _extract_dask(files, format, text_field, n_process, output, model, scheduler, workers, partition_size, overwrite) -> None:
    from tqdm import tqdm

    from .distributed import InputError, extract_parquet

    if output is None:
        fail("--engine dask writes partitioned Parquet: pass --output DIR", 2)
    if format is not None:
        fail("--engine dask writes Parquet; leave out --format (read it back with borderie.distributed.read_parquet)", 2)
    if n_process > 1:
        fail("--n-process is for --engine local; size the Dask cluster with --workers or its own dask-worker processes", 2)
    if not files or "-" in files:
        fail("--engine dask reads files, not stdin: name the input files", 2)
    if model is not None and not (model / "config.cfg").exists():
        fail(f"No borderie model at {model} (no config.cfg there)", 2)
    with tqdm(desc="extract (dask)", unit="doc", file=sys.stderr) as bar:
        try:
            result = extract_parquet(files, output, scheduler=scheduler, n_workers=workers, partition_size=partition_size, text_field=text_field,
                                     model=model, overwrite=overwrite, on_partition=bar.update)
        except InputError as exc:
            fail(str(exc), 2 if "no such file" in str(exc) or "--overwrite" in str(exc) else 1)
    console.print(
        f"wrote {result['documents']} documents in {result['partitions']} Parquet parts to {output}; {result['workers']} workers, "
        f"{result['docs_per_s']} docs/s over {result['seconds']} s after {result['startup_seconds']} s start-up", markup=False, highlight=False
    )


@app.command()
def visualize(
    file: Path = typer.Argument(..., help="A text file, or a JSONL file of records (gold or predicted)."),
    output: Path = typer.Option(..., "--output", "-o", help="HTML page to write."),
    text_field: str = typer.Option("text"),
    model: Optional[Path] = typer.Option(None),
) -> None:
    """Write a displaCy page: entities per sentence, relations under each sentence."""
    from .api import extract_many
    from .visualize import render_page

    docs = list(extract_many(_records([str(file)], text_field), nlp=load_model(model)))
    output.write_text(render_page(docs, title=file.name), encoding="utf-8")
    console.print(f"wrote {output} ({len(docs)} document(s))")


@corpus_app.command("validate")
def corpus_validate(paths: List[Path] = typer.Argument(..., help="JSONL files or folders of them.")) -> None:
    """Check records against SCHEMA.md; lists every problem and exits 1 if any."""
    from .validation import validate_path

    problems = [p for path in paths for p in validate_path(path, same_sentence=False)]
    for p in problems:
        out.print(str(p), markup=False, highlight=False)
    if problems:
        fail(f"{len(problems)} problem(s)")
    console.print("[green]valid[/green]")


@corpus_app.command("compile")
def corpus_compile(
    src: Path = typer.Option(Path("corpus/src"), help="Folder of authoring sources."),
    out_dir: Path = typer.Option(Path("corpus"), "--out", help="Where train/dev/test.jsonl go."),
) -> None:
    """Compile authoring sources (corpus/AUTHORING.md) into split JSONL files."""
    from .corpus.authoring import AuthoringError
    from .corpus.build import compile_corpus

    try:
        counts = compile_corpus(src, out_dir)
    except AuthoringError as exc:
        out.print(str(exc), markup=False, highlight=False)
        fail("sources have problems; nothing written")
    console.print(f"wrote {counts} documents to {out_dir}")


@corpus_app.command("consistency")
def corpus_consistency(paths: List[Path] = typer.Argument(..., help="JSONL files or folders of them.")) -> None:
    """List likely missed entities and boundary drift, for a second annotation pass."""
    from .corpus.consistency import check_consistency
    from .corpus.stats import read_corpus

    docs = [d for p in paths for d in read_corpus(p)]
    findings = check_consistency(docs)
    for f in findings:
        out.print(str(f), markup=False, highlight=False)
    console.print(f"{len(findings)} finding(s)")


class CorpusFormat(str, Enum):
    jsonl = "jsonl"
    labelstudio = "labelstudio"
    doccano = "doccano"
    brat = "brat"
    conll = "conll"
    docbin = "docbin"


@corpus_app.command("convert")
def corpus_convert(
    input: Path = typer.Argument(..., help="File to read (a folder for brat)."),
    output: Path = typer.Argument(..., help="File to write (a new folder for brat)."),
    from_fmt: Optional[CorpusFormat] = typer.Option(None, "--from", help="Input format (default: from the suffix)."),
    to_fmt: Optional[CorpusFormat] = typer.Option(None, "--to", help="Output format (default: from the suffix)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Convert annotations between schema JSONL, Label Studio, Doccano, brat, CoNLL and spaCy DocBin."""
    from .corpus.convert import ConversionError, convert, infer_format

    if not input.exists():
        fail(f"{input}: no such file or folder", 2)
    src_fmt = from_fmt.value if from_fmt else infer_format(input)
    dst_fmt = to_fmt.value if to_fmt else infer_format(output)
    if src_fmt is None:
        fail(f"cannot tell the format of {input}; pass --from", 2)
    if dst_fmt is None:
        fail(f"cannot tell the format of {output}; pass --to", 2)
    try:
        report = convert(input, output, src_fmt, dst_fmt)
    except ConversionError as exc:
        out.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        fail(f"{len(exc.problems)} problem(s); nothing written")
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        out.print(str(report), markup=False, highlight=False, soft_wrap=True)


@corpus_app.command("stats")
def corpus_stats(path: Path = typer.Argument(Path("corpus")), as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts per label and relation, distinct names, documents per genre and split."""
    from .corpus.stats import compute_stats, read_corpus

    if not path.exists():
        fail(f"{path}: no such file or folder", 2)
    stats = compute_stats(read_corpus(path))
    if as_json:
        out.print_json(json.dumps(stats, ensure_ascii=False))
        return
    out.print(f"documents {stats['documents']}, sentences {stats['sentences']}, syllables {stats['syllables']}")
    table = Table(title="entities")
    for col in ("label", "mentions", "distinct"):
        table.add_column(col)
    for label, n in stats["entities"].items():
        table.add_row(label, str(n), str(stats["distinct"][label]))
    out.print(table)
    for key in ("relations", "genres", "borders", "splits"):
        t = Table(title=key)
        t.add_column(key[:-1])
        t.add_column("count")
        for k, v in stats[key].items():
            t.add_row(k, str(v))
        out.print(t)


def _score_table(title: str, reports: dict, kind: str) -> Table:
    table = Table(title=title)
    table.add_column("label")
    for name in reports:
        table.add_column(f"{name} P")
        table.add_column(f"{name} R")
        table.add_column(f"{name} F1")
    first = next(iter(reports.values()))
    scores = getattr(first, kind)
    labels = list(scores.per_label) + ["micro"]
    for label in labels:
        row = [label]
        for rep in reports.values():
            sc = getattr(rep, kind)
            prf = sc.micro if label == "micro" else sc.per_label[label]
            row += [f"{prf.precision:.3f}", f"{prf.recall:.3f}", f"{prf.f1:.3f}"]
        table.add_row(*row)
    return table


@app.command()
def evaluate(
    model: Optional[Path] = typer.Option(None, help="Model folder (default: the shipped model)."),
    split: Optional[str] = typer.Option(None, help="test, dev or train of the shipped corpus."),
    data: Optional[Path] = typer.Option(None, help="A gold JSONL file instead of a split."),
    baseline: List[str] = typer.Option([], help="underthesea and/or rules."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the full report as JSON."),
    markdown: Optional[Path] = typer.Option(None, help="Write the tables as Markdown."),
    thresholds: Optional[Path] = typer.Option(None, help="JSON of minimum F1s; exit 1 if a score is below."),
) -> None:
    """Score the model on gold data, beside baselines, on the full and the coarse label sets."""
    from .corpus import CORPUS_DIR
    from .evaluate import EVENT_RELATIONS, evaluate_model
    from .schema import read_jsonl

    if split and data:
        fail("give --split or --data, not both", 2)
    if split and split not in ("test", "dev", "train"):
        fail(f"--split must be test, dev or train, not {split!r}", 2)
    source = data or CORPUS_DIR / f"{split or 'test'}.jsonl"
    if not Path(source).exists():
        fail(f"{source}: no such file", 2)
    try:
        result = evaluate_model(load_model(model), list(read_jsonl(source)), baselines=baseline, progress=True)
    except ValueError as exc:
        fail(str(exc), 2)
    systems, coarse, on_gold = result["systems"], result["coarse"], result["relations_on_gold_entities"]
    out.print(_score_table("entities, exact (full label set)", systems, "entities_exact"))
    out.print(_score_table("entities, lenient (full label set)", systems, "entities_lenient"))
    out.print(_score_table("entities, exact (coarse PER/ORG/LOC)", coarse, "entities_exact"))
    out.print(_score_table("relations end to end, loose", {"borderie": systems["borderie"]}, "relations_loose"))
    out.print(_score_table("relations end to end, strict (args)", {"borderie": systems["borderie"]}, "relations_strict"))
    out.print(_score_table("relations on GOLD entities, loose", {"borderie (gold entities)": on_gold}, "relations_loose"))
    summary = {
        "data": str(source),
        "entities_exact_f1": round(systems["borderie"].entities_exact.micro.f1, 4),
        "entities_lenient_f1": round(systems["borderie"].entities_lenient.micro.f1, 4),
        "relations_end_to_end_f1": round(systems["borderie"].relations_loose.micro.f1, 4),
        "relations_end_to_end_strict_f1": round(systems["borderie"].relations_strict.micro.f1, 4),
        "relations_on_gold_entities_f1": round(on_gold.relations_loose.micro.f1, 4),
        "event_relations_f1": round(systems["borderie"].relations_loose.over(EVENT_RELATIONS).f1, 4),
        "event_relations_strict_f1": round(systems["borderie"].relations_strict.over(EVENT_RELATIONS).f1, 4),
        "event_relations_on_gold_entities_f1": round(on_gold.relations_loose.over(EVENT_RELATIONS).f1, 4),
    }
    out.print_json(json.dumps(summary))
    if json_out:
        full = {
            "summary": summary,
            "systems": {k: v.to_dict() for k, v in systems.items()},
            "coarse": {k: v.to_dict() for k, v in coarse.items()},
            "relations_on_gold_entities": on_gold.to_dict(),
        }
        json_out.write_text(json.dumps(full, ensure_ascii=False, indent=2), encoding="utf-8")
    if markdown:
        markdown.write_text(_markdown(summary, systems, coarse), encoding="utf-8")
    if thresholds:
        limits = json.loads(thresholds.read_text(encoding="utf-8"))
        below = {k: (summary.get(k), v) for k, v in limits.items() if summary.get(k) is None or summary[k] < v}
        if below:
            fail("below threshold: " + ", ".join(f"{k} {got} < {want}" for k, (got, want) in below.items()))
        console.print(f"[green]all scores meet {thresholds}[/green]")


def _markdown(summary: dict, systems: dict, coarse: dict) -> str:
    lines = ["| system | label set | entity P | entity R | entity F1 (exact) | entity F1 (lenient) |", "|---|---|---|---|---|---|"]
    for group, reps in (("full", systems), ("coarse", coarse)):
        for name, rep in reps.items():
            m = rep.entities_exact.micro
            lines.append(f"| {name} | {group} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} | {rep.entities_lenient.micro.f1:.3f} |")
    lines += ["", "| borderie relation F1 | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in summary.items() if k != "data"]
    return "\n".join(lines) + "\n"


@app.command()
def benchmark(
    data: Path = typer.Option(Path("../shared/realnews/general.jsonl"), help="JSONL with a text field."),
    limit: Optional[int] = typer.Option(None, min=1, help="Use the first N records."),
    n_process: List[int] = typer.Option([1], help="Worker counts to measure (repeatable)."),
    model: Optional[Path] = typer.Option(None),
    json_out: Optional[Path] = typer.Option(None, "--json"),
) -> None:
    """Words/s, docs/s, latency, load time and peak RSS, beside underthesea."""
    from .benchmark import read_texts, run_benchmark

    if not data.exists():
        fail(f"{data}: no such file (pass --data FILE.jsonl)", 2)
    try:
        result = run_benchmark(read_texts(data, limit=limit), model=model, n_process=n_process, progress=True)
    except FileNotFoundError as exc:  # a bad --model
        fail(str(exc), 2)
    table = Table(title=f"benchmark on {data} ({result['rows'][0]['docs']} docs, {result['rows'][0]['words']} words)")
    for col in ("system", "words/s", "docs/s", "p50 ms", "p95 ms", "ratio"):
        table.add_column(col)
    for r in result["rows"]:
        table.add_row(r["system"], str(r["words_per_s"]), str(r["docs_per_s"]), str(r.get("p50_ms", "")), str(r.get("p95_ms", "")), str(r["ratio_to_borderie"]))
    out.print(table)
    out.print(f"model load {result['load_seconds']} s; peak RSS after borderie {result['peak_rss_mb_after_borderie']} MB")
    if json_out:
        json_out.write_text(json.dumps(result, indent=2), encoding="utf-8")


@app.command()
def train(
    train_path: Path = typer.Option(..., "--train", help="Training data, schema JSONL."),
    dev_path: Path = typer.Option(..., "--dev", help="Development data, schema JSONL."),
    output: Path = typer.Option(..., "--output", help="Model folder to write."),
    config: Optional[Path] = typer.Option(None, help="Training config (default: borderie/config.cfg)."),
    base: Optional[Path] = typer.Option(None, help="Continue the entity recognizer (tok2vec + ner) from this model; the relation classifier is refit on --train."),
    vectors: Optional[Path] = typer.Option(None, help="Word vectors from `borderie pretrain` (default: the shipped model's)."),
    seed: int = typer.Option(0),
    test_path: Optional[Path] = typer.Option(None, "--test", help="Also score this gold file for the model card."),
    max_epochs: Optional[int] = typer.Option(None, min=1),
) -> None:
    """Train the entity recognizer and the relation extractor; write a loadable model."""
    from .training import TrainingError
    from .training import train as run_train

    try:
        scores = run_train(train_path, dev_path, output, config=config, base=base, vectors=vectors, seed=seed, test_path=test_path, max_epochs=max_epochs, log=lambda m: console.print(m, markup=False, highlight=False))
    except TrainingError as exc:
        fail(str(exc))
    out.print_json(json.dumps(scores))


@app.command()
def pretrain(
    inputs: List[Path] = typer.Argument(..., help="Raw news: JSONL files with a text field, or plain text files."),
    output: Path = typer.Option(..., "--output", help="Folder to write the vectors to (a spaCy pipeline folder)."),
    exclude: List[Path] = typer.Option([], "--exclude", help="JSONL files whose documents (by id or text) are left out, e.g. your evaluation data."),
    text_field: str = typer.Option("text", help="Field of each JSONL record that holds the text."),
    dim: int = typer.Option(64, min=8, help="Vector width."),
    min_count: int = typer.Option(3, min=1, help="Drop words seen fewer times."),
    max_rows: int = typer.Option(40_000, min=100, help="Keep at most this many words (the most frequent)."),
    seed: int = typer.Option(0, help="Random seed."),
) -> None:
    """Train word vectors on raw news for the recognizer (`borderie train --vectors`)."""
    from .pretraining import PretrainError, pretrain_vectors

    try:
        stats = pretrain_vectors(inputs, output, exclude=exclude, text_field=text_field, dim=dim, min_count=min_count, max_rows=max_rows, seed=seed, log=lambda m: console.print(m, markup=False, highlight=False))
    except PretrainError as exc:
        fail(str(exc))
    out.print_json(json.dumps(stats))


def _print_table(title: str, columns: list, rows: list) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(str(col))
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)


@facts_app.command("build")
def facts_build(
    inputs: List[Path] = typer.Argument(..., help="Parquet folders (extract --engine dask) or JSONL extractions (extract --format jsonl)."),
    db: Path = typer.Option(Path("facts.duckdb"), "--db", help="DuckDB file to write (replaced)."),
) -> None:
    """Load extractions into tables documents, mentions, entities (canonical) and facts."""
    from tqdm import tqdm

    from .facts import FactBaseError, build

    for p in inputs:
        if not p.exists():
            fail(f"{p}: no such file or folder", 2)
    with tqdm(desc="facts build", unit="doc", file=sys.stderr) as bar:
        try:
            n = build([str(p) for p in inputs], db, on_document=lambda: bar.update(1))
        except FactBaseError as exc:
            fail(str(exc) + "; nothing written")
    console.print(f"wrote {db}: " + ", ".join(f"{v:,} {k}" for k, v in n.items()), markup=False, highlight=False)


@facts_app.command("summary")
def facts_summary(
    db: Path = typer.Option(Path("facts.duckdb"), "--db"),
    top: int = typer.Option(10, min=1, help="Rows in each top list."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Counts per relation type, top units, gates and countries, persons returned per month and border, seizures per unit."""
    from .facts import FactBaseError, summary

    try:
        result = summary(db, top=top)
    except FactBaseError as exc:
        fail(str(exc), 2)
    if as_json:
        out.print_json(json.dumps(result, ensure_ascii=False, default=str))
        return
    _print_table("counts", ["what", "count"], [[k, f"{v:,}"] for k, v in result.pop("counts").items()])
    for name, t in result.items():
        _print_table(name, t["columns"], t["rows"])


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@facts_app.command("query")
def facts_query(
    sql: str = typer.Argument(..., help='One SQL statement, e.g. "SELECT type, count(*) FROM facts GROUP BY type".'),
    db: Path = typer.Option(Path("facts.duckdb"), "--db"),
    format: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f"),
) -> None:
    """Run SQL on the fact base (read-only; tables documents, mentions, entities, facts)."""
    from .facts import FactBaseError, query

    try:
        columns, rows = query(db, sql)
    except FactBaseError as exc:
        fail(str(exc), 2 if "no fact base" in str(exc) else 1)
    if format == QueryFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif format == QueryFormat.json:
        out.print_json(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=str))
    else:
        _print_table(f"{len(rows)} row(s)", columns, rows)


class ExportFormat(str, Enum):
    csv = "csv"
    graphml = "graphml"


@facts_app.command("export")
def facts_export(
    output: Path = typer.Option(..., "--output", "-o", help="File to write."),
    format: ExportFormat = typer.Option(ExportFormat.csv, "--format", "-f", help="csv: one table; graphml: entities as nodes, facts as edges."),
    db: Path = typer.Option(Path("facts.duckdb"), "--db"),
    table: str = typer.Option("facts", help="Table to write as CSV: facts, entities, mentions or documents."),
) -> None:
    """Write a table as CSV, or the graph of organisations, persons, gates and countries as GraphML (networkx, Gephi)."""
    from .facts import FactBaseError, export

    try:
        n = export(db, output, format=format.value, table=table)
    except FactBaseError as exc:
        fail(str(exc), 2)
    console.print(f"wrote {output}: " + ", ".join(f"{v:,} {k}" for k, v in n.items()), markup=False, highlight=False)


@app.command()
def report(
    db: Path = typer.Option(Path("facts.duckdb"), "--db", help="Fact base built by `borderie facts build`."),
    output: Path = typer.Option(Path("report.html"), "--output", "-o", help="HTML file to write."),
    max_facts: int = typer.Option(1000, min=1, help="Facts listed in the table (events first)."),
) -> None:
    """Write a self-contained HTML report: handovers over time per border, top gates and units, relation types, facts with their sentences."""
    from .facts import FactBaseError
    from .facts import report as write_report

    try:
        write_report(db, output, max_facts=max_facts)
    except FactBaseError as exc:
        fail(str(exc), 2)
    console.print(f"wrote {output}", markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
