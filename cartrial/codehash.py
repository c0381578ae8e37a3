"""The code a workflow rule runs, hashed: its script and every cartrial module the script imports,
directly or through other cartrial modules (found by reading the import statements, not by running them).

A rule's ``params`` carry this hash, so Snakemake reruns a job when the code it runs changes, and only
then: a table footnote edited in ``cartrial/tables`` reruns the table jobs and the reports, not the ingest,
the ADaM builders or the simulations.
"""
from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


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


@lru_cache(maxsize=None)
def _imports(path: Path) -> tuple[Path, ...]:
    """The cartrial module files ``path`` imports anywhere in its body (also inside functions), with the
    ``__init__.py`` of every package on the way."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # a module imported by name
    files = set()
    for name in names:
        parts = name.split(".")
        for k in range(1, len(parts) + 1):  # cartrial, cartrial.adam, cartrial.adam.adsl: each runs on import
            found = _module_file(".".join(parts[:k]))
            if found is not None:
                files.add(found)
    return tuple(sorted(files))


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
