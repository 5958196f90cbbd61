"""Loading a model folder so that a damaged or foreign one gives an error naming the file.

:func:`load_folder` is what :func:`borderie.load` calls: it refuses a folder that is not
a borderie model (another spaCy pipeline) before loading it, and when spaCy fails to
load one (a truncated ``.npy``, garbage JSON, a missing ``cfg``) it finds the file at
fault and raises :class:`ModelError` naming it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


class ModelError(ValueError):
    """A model folder that cannot be loaded; the message names the file and what is wrong."""


_HINT = "copy the model folder again, or retrain it with `borderie train --output DIR`"


def load_folder(folder: Path):
    """``spacy.load(folder)`` for a borderie model folder; raises :class:`ModelError` naming the
    file at fault when the folder is damaged or holds another spaCy pipeline."""
    import spacy

    meta = _meta(folder)
    if not isinstance(meta.get("borderie"), dict):
        pipeline = ", ".join(str(p) for p in meta.get("pipeline") or []) or "no components"
        raise ModelError(
            f"{folder / 'meta.json'}: not a borderie model but the spaCy pipeline "
            f"{meta.get('lang', '?')}_{meta.get('name', '?')} ({pipeline}); pass a folder written by "
            "`borderie train --output DIR`, or leave the path empty for the shipped model"
        )
    try:
        return spacy.load(folder)
    except Exception as exc:  # re-raised with the file at fault named
        raise explain(folder, exc) from exc


def _meta(folder: Path) -> dict[str, Any]:
    path = folder / "meta.json"
    if not path.is_file():
        raise ModelError(f"{path}: missing, so {folder} is not a complete model; {_HINT}")
    try:
        meta = json.loads(path.read_bytes().decode("utf-8"))
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ModelError(f"{path}: not valid JSON ({exc}); {_HINT}") from exc
    if not isinstance(meta, dict):
        raise ModelError(f"{path}: holds a JSON {type(meta).__name__}, not the object spaCy writes; {_HINT}")
    return meta


def explain(folder: Path, exc: Exception) -> ModelError:
    """A :class:`ModelError` naming the file of ``folder`` that made loading fail with ``exc``."""
    named = getattr(exc, "filename", None) or _path_in_message(folder, str(exc))
    if named and not Path(named).exists():
        return ModelError(f"{named}: missing, so {folder} is not a complete model; {_HINT}")
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        problem = _file_problem(path)
        if problem:
            return ModelError(f"{path}: {problem}; {_HINT}")
    where = named or folder
    return ModelError(f"{where}: cannot be loaded ({type(exc).__name__}: {str(exc).strip()[:300]}); {_HINT}")


def _path_in_message(folder: Path, message: str) -> str | None:
    m = re.search(re.escape(str(folder)) + r"[^\s'\"]*", message)
    return m.group(0) if m else None


# files spaCy writes as JSON whatever their names say (vocab/vectors.cfg: srsly.write_json)
_JSON_NAMES = ("cfg", "vectors.cfg")


def _file_problem(path: Path) -> str | None:
    """What is wrong with one file of a model folder, judged by its name; None when it reads."""
    name = path.name
    try:
        if name.endswith(".npy") or (name == "vectors" and path.parent.name == "vocab"):
            import numpy as np

            np.load(path, allow_pickle=False)
        elif name.endswith(".json") or name in _JSON_NAMES:
            json.loads(path.read_bytes().decode("utf-8"))
        elif name.endswith(".cfg"):
            from confection import Config

            Config().from_str(path.read_text(encoding="utf-8"), interpolate=False)
        elif name in ("model", "moves", "key2row", "lookups.bin"):
            import srsly

            srsly.msgpack_loads(path.read_bytes())
    except Exception as exc:  # any failure to read is the answer
        kind = "a NumPy array" if name.endswith(".npy") or name == "vectors" else "JSON" if name.endswith(".json") or name in _JSON_NAMES else "a config" if name.endswith(".cfg") else "spaCy weights"
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        return f"damaged: cannot be read as {kind} ({detail})"
    return None
