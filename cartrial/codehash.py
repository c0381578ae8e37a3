"""The code a workflow rule runs, hashed: its script and every cartrial module the script imports,
directly or through other cartrial modules (found by reading the import statements, not by running them).

A rule's ``params`` carry this hash, so Snakemake reruns a job when the code it runs changes, and only
then: a table footnote edited in ``cartrial/tables`` reruns the table jobs and the reports, not the ingest,
the ADaM builders or the simulations.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def _module_file(name: str) -> Path | None:
    """The file of module ``cartrial.x.y`` (a package's ``__init__.py``), None for other modules."""
    parts = name.split(".")
    if parts[0] != "cartrial":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(path: Path) -> tuple[Path, ...]:
    """The cartrial module files ``path`` imports anywhere in its body (also inside functions), with the
    ``__init__.py`` of every package on the way; remembered by the file's content (:func:`_import_names`)
    and, within a process, by the file's size and modification time (a workflow start hashes the code of
    eleven rules, which share most modules)."""
    stat = path.stat()
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _seen_files:
        _seen_files[key] = _parse_imports(path)
    return _seen_files[key]


_seen_files: dict[tuple[Path, int, int], tuple[Path, ...]] = {}


def _parse_imports(path: Path) -> tuple[Path, ...]:
    files = set()
    for name in _import_names(path.read_bytes()):
        parts = name.split(".")
        for k in range(1, len(parts) + 1):  # cartrial, cartrial.adam, cartrial.adam.adsl: each runs on import
            found = _module_file(".".join(parts[:k]))
            if found is not None:
                files.add(found)
    return tuple(sorted(files))


#: the import names of a source text, by its SHA-256, kept between runs: parsing every module is most of the
#: time of hashing the code, and a workflow start hashes it each time (a no-op rerun included)
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cartrial" / "import-names.json"
_names: dict[str, list[str]] | None = None
_unsaved = False
_used: set[str] = set()
KEEP = 2000  # entries the cache holds at most (beyond, only those this process used are kept)


def _import_names(source: bytes) -> list[str]:
    global _names, _unsaved
    if _names is None:
        try:
            _names = json.loads(CACHE.read_text())
        except (OSError, ValueError):
            _names = {}
    key = hashlib.sha256(source).hexdigest()
    _used.add(key)
    if key not in _names:
        tree = ast.parse(source)
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)  # a module imported by name
        _names[key] = sorted(n for n in names if n.split(".")[0] == "cartrial")
        _unsaved = True
    return _names[key]


def _save() -> None:
    """Write the cache if it grew (atomically: jobs that parse the workflow at the same time may race; each
    write is whole). A cache that cannot be written only costs time."""
    global _unsaved
    if not _unsaved:
        return
    _unsaved = False
    kept = _names if len(_names) <= KEEP else {k: v for k, v in _names.items() if k in _used}
    try:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=CACHE.parent, delete=False, suffix=".tmp") as handle:
            json.dump(kept, handle)
        os.replace(handle.name, CACHE)
    except OSError:
        pass


def module_closure(*scripts: str | Path) -> list[Path]:
    """The ``scripts`` and every cartrial module file they depend on, sorted."""
    seen: set[Path] = set()
    todo = [Path(s).resolve() for s in scripts]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(p for p in _imports(path) if p not in seen)
    _save()
    return sorted(seen)


def data_closure(*scripts: str | Path) -> list[Path]:
    """:func:`module_closure` with each module's data file: ``name.yaml`` beside ``name.py`` (the catalogue of
    outputs is read by ``catalogue.py``)."""
    files = module_closure(*scripts)
    data = [p.with_suffix(".yaml") for p in files if p.with_suffix(".yaml").is_file()]
    return sorted(files + data)


def code_hash(*scripts: str | Path) -> str:
    """SHA-256 (16 hex digits) of the files of :func:`data_closure`, each with its path in the package."""
    digest = hashlib.sha256()
    for path in data_closure(*scripts):
        name = path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else Path(path.name)
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
