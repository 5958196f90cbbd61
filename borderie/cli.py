"""The ``borderie`` command line: a thin typer layer over the library's functions.

Exit codes: 0 success, 1 failure (invalid data, a score below threshold), 2 bad arguments.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import uuid
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import IO, Iterator, List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

app = typer.Typer(help="borderie: structured facts from Vietnamese border news.", no_args_is_help=True, add_completion=False)
corpus_app = typer.Typer(help="Validate, compile and describe annotated corpora.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
facts_app = typer.Typer(help="Build and ask a fact base (DuckDB) of extractions.", no_args_is_help=True)
app.add_typer(facts_app, name="facts")
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)  # stdout: long lines are not wrapped at 80 columns when piped


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        out.print(f"borderie {__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True, help="Print borderie's version and exit."),
) -> None:
    """borderie: structured facts from Vietnamese border news."""


def fail(message: str, code: int = 1) -> None:
    """Print ``error: message`` on stderr (as plain text: file names and records may hold brackets) and exit."""
    from .validation import printable

    console.print(Text.assemble(("error:", "red"), " ", printable(message)), highlight=False)
    raise typer.Exit(code)


def load_model(model: Optional[Path]):
    """The model for a command; a bad --model path is a bad argument (exit 2)."""
    from .api import load
    from .modelcheck import ModelError

    try:
        return load(model)
    except (FileNotFoundError, ModelError) as exc:
        fail(str(exc), 2)


def _check_output(path: Optional[Path], option: str = "--output", *, inputs: tuple = ()) -> None:
    """A file to write must not be a folder or one of the ``inputs``, and its folder must exist (exit 2 otherwise)."""
    if path is None:
        return
    if any(str(i) != "-" and Path(i).resolve() == path.resolve() for i in inputs if i is not None):
        fail(f"{option} {path} is also an input file; write to another file", 2)
    if path.is_dir():
        fail(f"{option} {path}: is a folder; give a file name", 2)
    if not path.parent.is_dir():
        fail(f"{option} {path}: folder {path.parent} does not exist; create it first or choose another path", 2)


def _checked(path: Path) -> Path:
    """``path`` (a JSONL file, or a folder of them) once its records pass the schema checks;
    otherwise the first problems and a one-line error (exit 1)."""
    from .corpus.stats import corpus_files
    from .validation import validate_path

    if not path.exists():
        fail(f"{path}: no such file or folder", 2)
    problems = [p for f in corpus_files(path) for p in validate_path(f)]
    for p in problems[:20]:
        console.print(str(p), markup=False, highlight=False)
    if problems:
        fail(f"{len(problems)} problem(s) in {path}; see them all with `borderie corpus validate {path}`")
    return path


def _partial(path: Path) -> Path:
    """A temporary file beside ``path``: written first, it replaces ``path`` only when the run succeeds."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")


def _finish(partial: Path, path: Path, ok: bool) -> None:
    """Move a finished ``partial`` file onto ``path``, or remove it after a failure (``path`` is left as it was)."""
    if ok:
        os.replace(partial, path)
    elif partial.exists():
        partial.unlink()


@contextmanager
def _atomic_output(path: Path) -> Iterator[IO[str]]:
    """A file handle whose content replaces ``path`` only when the block succeeds."""
    partial = _partial(path)
    ok = False
    try:
        with open(partial, "x", encoding="utf-8", newline="") as fh:
            yield fh
        ok = True
    finally:
        _finish(partial, path, ok)


def _write_json(fh: IO[str], data, indent: Optional[int] = None) -> None:
    """Write ``data`` as JSON, non-ASCII as is; when the text holds a character UTF-8 cannot
    encode (a lone surrogate read from a JSON escape) all is written escaped instead, losslessly."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, indent=indent)
    fh.write(text)


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    triples = "triples"


class RecordError(ValueError):
    """A bad input record; the message names the file and line."""


class Inputs:
    """The records of the input files (or stdin) for ``extract`` and ``visualize``.

    A ``.jsonl`` file (or stdin starting with ``{``) gives one record per line: its
    ``text_field`` is the text, ``id`` the id, and every other field goes into the
    output's ``meta`` (fields of a ``meta`` object win over top-level ones). Any
    other file gives one text. A bad record stops the run with its file and line,
    or, with ``skip_errors``, is reported on stderr, counted in ``skipped`` and left out.
    With ``annotated``, a record that holds ``entities`` (gold, or ``extract`` output) is
    checked against the schema and yielded with its :class:`Document` under ``"document"``.
    """

    def __init__(self, files: List[str], text_field: str = "text", *, skip_errors: bool = False, annotated: bool = False) -> None:
        self.files = list(files or ["-"])
        self.text_field = text_field
        self.skip_errors = skip_errors
        self.annotated = annotated
        self.skipped = 0
        for name in self.files:
            if name != "-":
                check_input_file(Path(name))

    def __iter__(self) -> Iterator[dict]:
        for name in self.files:
            if name == "-":
                raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8", "surrogatepass")
                try:
                    data = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self._bad(RecordError(f"<stdin>: not UTF-8 text (byte {exc.start}); convert it to UTF-8 first"))
                    continue
                if data.lstrip().startswith("{"):
                    yield from self._jsonl("<stdin>", enumerate(data.splitlines(), 1))
                else:
                    yield {"id": "<stdin>", "text": data, "meta": {}}
            elif name.endswith(".jsonl"):
                with open(name, "rb") as fh:
                    yield from self._jsonl(name, enumerate(fh, 1))
            else:
                try:
                    yield {"id": name, "text": Path(name).read_bytes().decode("utf-8"), "meta": {}}
                except UnicodeDecodeError as exc:
                    self._bad(RecordError(f"{name}: not UTF-8 text (byte {exc.start}); convert it to UTF-8 first"))

    def count(self) -> Optional[int]:
        """How many records the inputs hold (non-blank JSONL lines, one per text file); None for stdin."""
        if "-" in self.files:
            return None
        total = 0
        for name in self.files:
            if name.endswith(".jsonl"):
                with open(name, "rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            else:
                total += 1
        return total

    def _bad(self, error: RecordError) -> None:
        if not self.skip_errors:
            fail(f"{error} (--skip-errors reports bad records and goes on)")
        self.skipped += 1
        console.print(Text.assemble(("skipped", "yellow"), " ", str(error)), highlight=False)

    def _jsonl(self, source: str, lines) -> Iterator[dict]:
        for n, line in lines:
            try:
                if isinstance(line, bytes):
                    line = line.decode("utf-8")
                if line.strip():
                    yield self._record(source, n, line)
            except UnicodeDecodeError as exc:
                self._bad(RecordError(f"{source}, line {n}: not UTF-8 (byte {exc.start} of the line)"))
            except RecordError as exc:
                self._bad(exc)

    def _record(self, source: str, n: int, line: str) -> dict:
        where = f"{source}, line {n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(rec, dict):
            raise RecordError(f"{where}: a JSON {type(rec).__name__}, not an object with a {self.text_field!r} field")
        text = rec.get(self.text_field)
        if not isinstance(text, str):
            got = "none" if text is None else f"a {type(text).__name__}"
            raise RecordError(f"{where}: no string field {self.text_field!r} ({got}; use --text-field to name the text field)")
        meta = rec.get("meta") or {}
        if not isinstance(meta, dict):
            raise RecordError(f"{where}: 'meta' is a {type(meta).__name__}, not an object")
        doc_id = str(rec.get("id", f"{source}:{n}"))
        if self.annotated and "entities" in rec:
            return {"id": doc_id, "text": text, "meta": meta, "document": self._annotated(where, rec, doc_id, text, meta)}
        extra = {k: v for k, v in rec.items() if k not in ("id", self.text_field, "meta")}
        return {"id": doc_id, "text": text, "meta": {**extra, **meta}}

    def _annotated(self, where: str, rec: dict, doc_id: str, text: str, meta: dict):
        from .schema import Document
        from .validation import check_record

        data = {"id": doc_id, "text": text, "meta": meta, "entities": rec["entities"], "relations": rec.get("relations", [])}
        problems = [p for p in check_record(data) if not p.startswith("text is not NFC")]
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise RecordError(f"{where}: " + "; ".join(problems[:3]) + more + " (borderie corpus validate lists every problem)")
        return Document.from_dict(data)


def check_input_file(path: Path) -> None:
    """Exit 2 with the reason when ``path`` cannot be read as an input file."""
    if path.is_dir():
        fail(f"{path} is a folder; pass the files in it (for example {path / '*.jsonl'})", 2)
    if not path.is_file():
        fail(f"{path}: no such file", 2)


CSV_HEADER = ["doc_id", "kind", "id", "label", "start", "end", "text", "value", "unit",
              "head", "head_start", "head_end", "head_text", "tail", "tail_start", "tail_end", "tail_text", "args", "args_text", "score"]
TRIPLES_HEADER = ["doc_id", "head", "relation", "tail", "score", "count", "args"]


def csv_rows(doc) -> Iterator[list]:
    """One CSV row per entity, then one per relation (with its entities' ids, offsets and texts)."""
    by_id = {e.id: e for e in doc.entities}
    for e in doc.entities:
        yield [doc.id, "entity", e.id, e.label, e.start, e.end, e.text, "" if e.value is None else e.value, e.unit or ""] + [""] * 11
    for r in doc.relations:
        h, t = by_id[r.head], by_id[r.tail]
        args = ";".join(f"{role}={eid}" for role, eid in r.args.items())
        args_text = ";".join(f"{role}={by_id[eid].text}" for role, eid in r.args.items() if eid in by_id)
        score = r.extra.get("score")
        yield ([doc.id, "relation", r.id, r.label, "", "", "", "", "", h.id, h.start, h.end, h.text, t.id, t.start, t.end, t.text,
                args, args_text, "" if score is None else f"{score:.3f}"])


def distinct_triples(doc) -> list[tuple[str, str, str, tuple[tuple[str, str], ...], Optional[float], int]]:
    """``(head, relation, tail, ((role, text), ...), best score, count)`` of a document: identical
    triples (same head, relation, tail and argument texts) are one, in order of first mention."""
    by_id = {e.id: e for e in doc.entities}
    found: dict[tuple, list] = {}
    for r in doc.relations:
        args = tuple((role, by_id[eid].text) for role, eid in sorted(r.args.items()) if eid in by_id)
        seen = found.setdefault((by_id[r.head].text, r.label, by_id[r.tail].text, args), [None, 0])
        seen[1] += 1
        score = r.extra.get("score")
        if score is not None and (seen[0] is None or score > seen[0]):
            seen[0] = score
    return [(*key, best, n) for key, (best, n) in found.items()]


def triple_rows(doc) -> Iterator[list[str]]:
    """``TRIPLES_HEADER`` rows of a document (see :func:`distinct_triples`); args as ``role=text; ...``."""
    for h, label, t, args, best, n in distinct_triples(doc):
        yield [doc.id, h, label, t, "" if best is None else f"{best:.3f}", str(n), "; ".join(f"{role}={text}" for role, text in args)]


def _tsv(fields: list) -> str:
    return "\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields) + "\n"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
def extract(
    files: List[str] = typer.Argument(None, help="Text or JSONL files; '-' or nothing reads stdin."),
    format: Optional[Format] = typer.Option(None, "--format", "-f", help="Output format (default table): table (readable), json (one list), jsonl (one SCHEMA.md record per line), csv (a row per entity and per relation), triples (tab-separated, one line per distinct triple); --engine dask writes Parquet."),
    text_field: str = typer.Option("text", help="Field holding the text in JSONL records; the record's other fields go into the output's meta."),
    n_process: int = typer.Option(1, min=1, help="Worker processes."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout, with a progress bar on stderr (a folder with --engine dask)."),
    model: Optional[Path] = typer.Option(None, help="Model folder (default: the shipped model)."),
    limit: Optional[int] = typer.Option(None, min=1, help="Stop after the first N documents (--engine local)."),
    skip_errors: bool = typer.Option(False, "--skip-errors", help="Report bad records on stderr with file and line, count them and go on (default: stop at the first; --engine local)."),
    engine: Engine = typer.Option(Engine.local, help="local: this process (or --n-process); dask: a Dask cluster writing partitioned Parquet."),
    scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address (tcp://host:8786); default a LocalCluster here."),
    workers: int = typer.Option(2, min=1, help="LocalCluster worker processes (--engine dask without --scheduler)."),
    partition_size: int = typer.Option(32, min=1, help="Documents per Dask task (and per Parquet part)."),
    overwrite: bool = typer.Option(False, help="Replace the Parquet parts already in --output."),
) -> None:
    """Extract entities and relations, streaming one document at a time."""
    from itertools import islice

    from tqdm import tqdm

    from .api import extract_many

    if engine == Engine.dask:
        if limit or skip_errors:
            fail("--limit and --skip-errors are for --engine local", 2)
        _extract_dask(files, format, text_field, n_process, output, model, scheduler, workers, partition_size, overwrite)
        return
    if scheduler:
        fail("--scheduler needs --engine dask", 2)
    format = format or Format.table
    _check_output(output, inputs=tuple(files or ()))
    inputs = Inputs(files, text_field, skip_errors=skip_errors)
    nlp = load_model(model)
    docs = extract_many(islice(inputs, limit), nlp=nlp, n_process=n_process)
    # a temporary file beside --output replaces it only when the run succeeds
    partial = _partial(output) if output else None
    fh = open(partial, "x", encoding="utf-8", newline="") if partial else sys.stdout
    done, doc = False, None
    try:
        if output:
            total = inputs.count()
            total = min(total, limit) if total is not None and limit else total
            docs = tqdm(docs, desc="extract", unit="doc", file=sys.stderr, total=total)
        writer = csv.writer(fh) if format == Format.csv else None
        if writer:
            writer.writerow(CSV_HEADER)
        elif format == Format.triples:
            fh.write(_tsv(TRIPLES_HEADER))
        collected = []
        for doc in docs:
            if format == Format.json:
                collected.append(doc.to_dict())
            elif format == Format.jsonl:
                _write_json(fh, doc.to_dict())
                fh.write("\n")
            elif format == Format.triples:
                for row in triple_rows(doc):
                    fh.write(_tsv(row))
            elif writer:
                writer.writerows(csv_rows(doc))
            else:
                table = Table(title=escape(doc.id or "document"), show_lines=False)
                for col in ("id", "label", "text", "start", "end", "value"):
                    table.add_column(col)
                for e in doc.entities:
                    table.add_row(e.id, e.label, escape(e.text), str(e.start), str(e.end), "" if e.value is None else escape(str(e.value)))
                Console(file=fh, soft_wrap=True).print(table)
                for h, label, t, args, best, n in distinct_triples(doc):
                    extra = "".join(f", {role}={text}" for role, text in args)
                    score = "" if best is None else f" {best:.2f}"
                    times = f" (x{n})" if n > 1 else ""
                    fh.write(f"  {label}({h} -> {t}{extra}){score}{times}\n")
            fh.flush()
        if format == Format.json:
            _write_json(fh, collected, indent=2)
            fh.write("\n")
        done = True
    except TypeError as exc:
        fail(str(exc))
    except UnicodeEncodeError as exc:
        where = f"document {doc.id!r}" if doc is not None and doc.id else "a document"
        fail(f"{where} holds {exc.object[exc.start:exc.end]!r}, which UTF-8 cannot encode (a lone surrogate); "
             f"use --format jsonl or json, which escape it, or fix the input text")
    finally:
        if partial:
            fh.close()
            _finish(partial, output, done)
    if inputs.skipped:
        console.print(f"[yellow]{inputs.skipped} bad record(s) skipped[/yellow]")


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
    file: str = typer.Argument(..., help="A text file, or a JSONL file of records: records with entities (gold, or `extract -f jsonl` output) are shown as they are, others are extracted."),
    output: Path = typer.Option(..., "--output", "-o", help="HTML page to write (one self-contained file)."),
    text_field: str = typer.Option("text", help="Field holding the text in JSONL records."),
    model: Optional[Path] = typer.Option(None, help="Model folder for texts without entities (default: the shipped model)."),
    limit: Optional[int] = typer.Option(None, min=1, help="Show only the first N documents."),
    skip_errors: bool = typer.Option(False, "--skip-errors", help="Report bad records on stderr and leave them out (default: stop at the first)."),
) -> None:
    """Write an HTML page: mentions marked in each sentence (colour per label, legend, entity ids),
    each sentence's relations under it by those ids (hover one to outline its mentions)."""
    from itertools import islice

    from .api import extract_many
    from .visualize import render_page

    _check_output(output, inputs=(file,))
    inputs = Inputs([file], text_field, skip_errors=skip_errors, annotated=True)
    records = list(islice(inputs, limit))
    to_extract = [r for r in records if "document" not in r]
    predicted = extract_many(to_extract, nlp=load_model(model)) if to_extract else iter(())
    docs = [r["document"] if "document" in r else next(predicted) for r in records]
    page = render_page(docs, title=Path(file).name)
    with _atomic_output(output) as fh:
        fh.write(re.sub("[\ud800-\udfff]", "\ufffd", page))  # a lone surrogate cannot be written as UTF-8
    console.print(f"wrote {output} ({len(docs)} document(s))", markup=False, highlight=False)


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
    console.print(f"wrote {counts} documents to {escape(str(out_dir))}")


@corpus_app.command("consistency")
def corpus_consistency(paths: List[Path] = typer.Argument(..., help="JSONL files or folders of them.")) -> None:
    """List likely missed entities and boundary drift, for a second annotation pass."""
    from .corpus.consistency import check_consistency
    from .corpus.stats import read_corpus

    docs = [d for p in paths for d in read_corpus(_checked(p))]
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
    from .corpus.convert import ConversionError, convert, infer_format, looks_like_doccano

    if not input.exists():
        fail(f"{input}: no such file or folder", 2)
    src_fmt = from_fmt.value if from_fmt else infer_format(input)
    dst_fmt = to_fmt.value if to_fmt else infer_format(output)
    if src_fmt is None:
        fail(f"cannot tell the format of {input}; pass --from", 2)
    if dst_fmt is None:
        fail(f"cannot tell the format of {output}; pass --to", 2)
    if output.resolve() == input.resolve():
        fail(f"{output} is also the input; write to another path", 2)
    if dst_fmt != "brat" and output.is_dir():
        fail(f"{output}: is a folder; give a file name for {dst_fmt} output", 2)
    doccano = src_fmt == "jsonl" and input.is_file() and looks_like_doccano(input)
    if doccano and from_fmt is None:
        fail(f"{input} looks like a Doccano export (entities with start_offset/end_offset), not schema JSONL; "
             "pass --from doccano (or --from jsonl to read it as schema JSONL)", 2)
    try:
        report = convert(input, output, src_fmt, dst_fmt)
    except ConversionError as exc:
        out.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        fail(f"{len(exc.problems)} problem(s); nothing written" + ("; the file looks like a Doccano export: pass --from doccano" if doccano else ""))
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        out.print(str(report), markup=False, highlight=False, soft_wrap=True)


@corpus_app.command("stats")
def corpus_stats(
    path: Optional[Path] = typer.Argument(None, help="A JSONL file or a folder of them (default: the shipped corpus, from any folder)."),
    split: Optional[str] = typer.Option(None, help="test, dev or train of the shipped corpus, instead of PATH."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Counts per label and relation, distinct names, documents per genre and split."""
    from .corpus import CORPUS_DIR
    from .corpus.stats import compute_stats, read_corpus

    if split and path:
        fail("give PATH or --split, not both", 2)
    if split and split not in ("test", "dev", "train"):
        fail(f"--split must be test, dev or train, not {split!r}", 2)
    if split:
        path = CORPUS_DIR / f"{split}.jsonl"
    elif path is None:
        path = CORPUS_DIR
    if not path.exists():
        fail(f"{path}: no such file or folder (leave PATH out for the shipped corpus, or use --split)", 2)
    stats = compute_stats(read_corpus(_checked(path)))
    if as_json:
        out.print_json(json.dumps(stats, ensure_ascii=False))
        return
    out.print(f"documents {stats['documents']}, sentences {stats['sentences']}, syllables {stats['syllables']}")
    table = Table(title="entities")
    for col in ("label", "mentions", "distinct"):
        table.add_column(col)
    for label, n in stats["entities"].items():
        table.add_row(escape(label), str(n), str(stats["distinct"][label]))
    out.print(table)
    for key in ("relations", "genres", "borders", "splits"):
        t = Table(title=key)
        t.add_column(key[:-1])
        t.add_column("count")
        for k, v in stats[key].items():
            t.add_row(escape(k), str(v))  # genres and borders come from the records' meta
        out.print(t)


def _fmt(prf, value: float) -> str:
    """A score to 3 decimals, or a dash where the label occurs neither in gold nor in predictions."""
    return f"{value:.3f}" if prf.tp + prf.fp + prf.fn else "–"


def _score_table(title: str, reports: dict, kind: str, labels: Optional[List[str]] = None) -> Table:
    """Per-label P/R/F1 of each system side by side, then micro; ``labels`` default: all scored labels."""
    table = Table(title=title)
    table.add_column("label")
    for name in reports:
        table.add_column(f"{escape(name)} P")
        table.add_column(f"{escape(name)} R")
        table.add_column(f"{escape(name)} F1")
    first = next(iter(reports.values()))
    for label in list(labels or getattr(first, kind).per_label) + ["micro"]:
        row = [label]
        for rep in reports.values():
            sc = getattr(rep, kind)
            prf = sc.micro if label == "micro" else sc.per_label[label]
            row += [_fmt(prf, prf.precision), _fmt(prf, prf.recall), _fmt(prf, prf.f1)]
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
    from .baselines import COARSE
    from .corpus import CORPUS_DIR
    from .evaluate import EVENT_RELATIONS, evaluate_model
    from .schema import read_jsonl

    coarse_labels = list(dict.fromkeys(COARSE.values()))

    _check_output(json_out, "--json", inputs=(data, thresholds))
    _check_output(markdown, "--markdown", inputs=(data, thresholds))
    if split and data:
        fail("give --split or --data, not both", 2)
    if split and split not in ("test", "dev", "train"):
        fail(f"--split must be test, dev or train, not {split!r}", 2)
    source = data or CORPUS_DIR / f"{split or 'test'}.jsonl"
    if not Path(source).exists():
        fail(f"{source}: no such file", 2)
    if Path(source).is_dir():
        fail(f"{source}: is a folder; pass a gold JSONL file to --data", 2)
    try:
        result = evaluate_model(load_model(model), list(read_jsonl(_checked(Path(source)))), baselines=baseline, progress=True)
    except ValueError as exc:
        fail(str(exc), 2)
    systems, coarse, on_gold = result["systems"], result["coarse"], result["relations_on_gold_entities"]
    out.print(_score_table("entities, exact (full label set)", systems, "entities_exact"))
    out.print(_score_table("entities, lenient (full label set)", systems, "entities_lenient"))
    out.print(_score_table("entities, exact (coarse PER/ORG/LOC)", coarse, "entities_exact", coarse_labels))
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
        markdown.write_text(_markdown(summary, systems, coarse, on_gold, coarse_labels), encoding="utf-8")
    if thresholds:
        limits = json.loads(thresholds.read_text(encoding="utf-8"))
        below = {k: (summary.get(k), v) for k, v in limits.items() if summary.get(k) is None or summary[k] < v}
        if below:
            fail("below threshold: " + ", ".join(f"{k} {got} < {want}" for k, (got, want) in below.items()))
        console.print(f"[green]all scores meet {thresholds}[/green]")


def _markdown(summary: dict, systems: dict, coarse: dict, on_gold, coarse_labels: List[str]) -> str:
    """The evaluation as Markdown: entity tables, then relation tables, each under a heading saying what it holds."""
    from .evaluate import EVENT_RELATIONS

    n = next(iter(systems.values())).n_docs
    names = list(systems)
    lines = [f"# Evaluation on {summary['data']} ({n} documents)", "",
             "Entity F1 is exact (start, end, label) or lenient (same label, overlapping span). Relation F1 counts label,",
             "head and tail; end to end on predicted entities, strict also requires every gold argument.",
             "A dash: the label occurs neither in the gold data nor in the predictions.", "",
             "## Entities: micro scores per system, full and coarse (PER/ORG/LOC) label sets", "",
             "| system | label set | entity P | entity R | entity F1 (exact) | entity F1 (lenient) |", "|---|---|---|---|---|---|"]
    for group, reps in (("full", systems), ("coarse", coarse)):
        for name, rep in reps.items():
            m = rep.entities_exact.micro
            lines.append(f"| {name} | {group} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} | {rep.entities_lenient.micro.f1:.3f} |")
    for title, reps, labels in (("full label set", systems, list(next(iter(systems.values())).entities_exact.per_label)),
                                ("coarse label set", coarse, coarse_labels)):
        lines += ["", f"## Entities: exact F1 per label, {title}", "", "| label | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for label in labels:
            scores = [reps[k].entities_exact.per_label[label] for k in names]
            lines.append(f"| {label} | " + " | ".join(_fmt(prf, prf.f1) for prf in scores) + " |")
    lines += ["", "## Relations (borderie): micro F1", "", "| borderie relation F1 | value |", "|---|---|",
              f"| relations end to end (loose) | {summary['relations_end_to_end_f1']:.3f} |",
              f"| relations end to end, strict (every gold argument) | {summary['relations_end_to_end_strict_f1']:.3f} |",
              f"| relations on gold entities | {summary['relations_on_gold_entities_f1']:.3f} |"]
    if "event_relations_f1" in summary:
        lines += [f"| event relations ({', '.join(EVENT_RELATIONS)}) end to end | {summary['event_relations_f1']:.3f} |",
                  f"| event relations end to end, strict | {summary['event_relations_strict_f1']:.3f} |",
                  f"| event relations on gold entities | {summary['event_relations_on_gold_entities_f1']:.3f} |"]
    main = systems["borderie"]
    lines += ["", "## Relations (borderie): F1 per label", "",
              "| relation | end to end (loose) | end to end, strict | on gold entities |", "|---|---|---|---|"]
    for label in main.relations_loose.per_label:
        scores = (main.relations_loose.per_label[label], main.relations_strict.per_label[label], on_gold.relations_loose.per_label[label])
        lines.append(f"| {label} | " + " | ".join(_fmt(prf, prf.f1) for prf in scores) + " |")
    return "\n".join(lines) + "\n"


class BenchmarkBaseline(str, Enum):
    none = "none"
    underthesea_tokenize = "underthesea-tokenize"
    underthesea_ner = "underthesea-ner"


@app.command()
def benchmark(
    data: Path = typer.Option(Path("../shared/realnews/general.jsonl"), help="JSONL with a text field."),
    limit: Optional[int] = typer.Option(None, min=1, help="Use the first N records."),
    n_process: List[int] = typer.Option([1], min=1, help="Worker counts to measure (repeatable)."),
    baseline: List[BenchmarkBaseline] = typer.Option(
        [BenchmarkBaseline.underthesea_tokenize], help="Systems measured beside borderie (repeatable): none, underthesea-tokenize, underthesea-ner (slow; first 30 texts)."
    ),
    stages: bool = typer.Option(True, help="Also time each stage (tokenize, tok2vec+ner, relations, ...) on its own."),
    model: Optional[Path] = typer.Option(None, help="Model folder (default: the shipped model)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the measurements as JSON."),
) -> None:
    """Words/s (with and without relations, per stage, per worker count), latency, load time
    and peak RSS, beside underthesea word segmentation."""
    from .benchmark import read_texts, run_benchmark
    from .modelcheck import ModelError

    if not data.exists():
        fail(f"{data}: no such file (pass --data FILE.jsonl)", 2)
    names = [b.value for b in baseline]
    if "none" in names and len(set(names)) > 1:
        fail("--baseline none cannot be combined with other baselines", 2)
    _check_output(json_out, "--json", inputs=(data,))
    try:
        texts = read_texts(data, limit=limit)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        fail(f"{data}: not a UTF-8 JSONL file of records with a 'text' field ({type(exc).__name__}: {exc})")
    if not all(isinstance(t, str) for t in texts):
        fail(f"{data}: a record's 'text' is not a string")
    try:
        result = run_benchmark(texts, model=model, n_process=n_process, baselines=names, stages=stages, progress=True)
    except (FileNotFoundError, ModelError) as exc:  # a bad --model
        fail(str(exc), 2)
    first = result["rows"][0]
    wide = out if out.is_terminal else Console(width=150)  # a file or pipe gets whole rows
    tokenize = next((r for r in result["rows"] if r["system"] == "underthesea word_tokenize"), None)
    table = Table(title=f"benchmark on {data} ({first['docs']} docs, {first['words']} words)")
    for col in ("system", "words/s", "words/CPU s", "docs/s", "p50 ms", "p95 ms", "× underthesea tokenize"):
        table.add_column(col)
    for r in result["rows"]:
        ratio = f"{r['words_per_s'] / tokenize['words_per_s']:.2f}" if tokenize and r["words_per_s"] else ""
        rates = [f"{r[k]:,.0f}" if r[k] else "" for k in ("words_per_s", "words_per_cpu_s")]
        table.add_row(r["system"], *rates, str(r["docs_per_s"]), str(r.get("p50_ms", "")), str(r.get("p95_ms", "")), ratio)
    wide.print(table)
    if result["stages"]:
        st = Table(title="stages, one process, each timed on its own")
        for col in ("stage", "seconds", "words/s", "share"):
            st.add_column(col)
        for r in result["stages"]:
            st.add_row(r["stage"], str(r["seconds"]), f"{r['words_per_s']:,.0f}" if r["words_per_s"] else "", f"{r['share']:.0%}")
        wide.print(st)
    scaling = ", ".join(f"n_process={n}: {x}x" for n, x in result["scaling"].items())
    wide.print(
        f"model load {result['load_seconds']} s (+{result['warmup_seconds']} s first document); peak RSS {result['peak_rss_mb_after_borderie']} MB "
        f"(largest worker {result['peak_rss_mb_workers']} MB); scaling {scaling or '-'}"
    )
    if json_out:
        json_out.write_text(json.dumps(result, indent=2), encoding="utf-8")


ANSI_CODE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def log_line(line: str) -> None:
    """Print a log line on stderr; colour codes (spaCy's training table) only on a terminal."""
    if console.is_terminal:
        console.print(Text.from_ansi(line), highlight=False)
    else:
        console.print(ANSI_CODE.sub("", line), markup=False, highlight=False)


@app.command()
def train(
    train_path: Path = typer.Option(..., "--train", help="Training data, schema JSONL."),
    dev_path: Path = typer.Option(..., "--dev", help="Development data, schema JSONL (picks the best checkpoint)."),
    output: Path = typer.Option(..., "--output", help="Model folder to write: new, empty, or a borderie model (replaced once training succeeds)."),
    config: Optional[Path] = typer.Option(None, help="Training config (default: borderie/config.cfg)."),
    base: Optional[Path] = typer.Option(None, help="Continue the entity recognizer (tok2vec + ner) from this model; the relation classifier is refit on --train."),
    vectors: Optional[Path] = typer.Option(None, help="Word vectors from `borderie pretrain` (default: the shipped model's)."),
    seed: int = typer.Option(0, help="Random seed; the same data, config and seed give the same model."),
    test_path: Optional[Path] = typer.Option(None, "--test", help="Also score this gold file for the model card."),
    max_epochs: Optional[int] = typer.Option(None, min=1, help="Stop after this many epochs (default: the config's max_epochs)."),
    force: bool = typer.Option(False, "--force", help="Replace --output even when it is a non-empty folder that holds no borderie model."),
) -> None:
    """Train the entity recognizer and the relation extractor; write a loadable model."""
    from .training import TrainingArgumentError, TrainingError
    from .training import train as run_train

    for option, path in (("--train", train_path), ("--dev", dev_path), ("--test", test_path), ("--config", config)):
        if path is not None and not path.is_file():
            fail(f"{option} {path}: " + ("is a folder, not a file" if path.is_dir() else "no such file"), 2)
    if base is not None and not (base / "config.cfg").is_file():
        fail(f"--base {base}: no borderie model there (no config.cfg); pass a folder written by `borderie train --output`", 2)
    if vectors is not None and not vectors.is_dir():
        fail(f"--vectors {vectors}: no such folder; pass the folder written by `borderie pretrain --output`", 2)
    try:
        scores = run_train(train_path, dev_path, output, config=config, base=base, vectors=vectors, seed=seed, test_path=test_path, max_epochs=max_epochs, log=log_line, force=force)
    except TrainingArgumentError as exc:
        fail(str(exc), 2)
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
    db: Path = typer.Option(Path("facts.duckdb"), "--db", help="Fact base built by `borderie facts build`."),
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
    db: Path = typer.Option(Path("facts.duckdb"), "--db", help="Fact base built by `borderie facts build`."),
    format: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="Output format: table, csv or json."),
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
    db: Path = typer.Option(Path("facts.duckdb"), "--db", help="Fact base built by `borderie facts build`."),
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
