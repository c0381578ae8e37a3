"""Every domain of a study read, checked against the contract, normalised and unit-converted, once per file
content: one job per study (the job's start-up cost more than reading a small domain), with a cache of each
domain as read, addressed by the SHA-256 of its files, the code and the settings that shape it. A changed
raw table re-reads only its own domain; the others are linked from the cache. DM, which also lists the files
of the study folder that no domain reads, is read every time.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from cartrial.io import release_frames, write_read_domain
from cartrial.parallel import run_forked
from cartrial.sdtm.checks import DataChecks
from cartrial.sdtm.contract import group_domain_files
from cartrial.sdtm.errors import InputDataError
from cartrial.sdtm.ingest import check_folder, read_checked_domain, sha256


def domain_key(domain: str, paths: list[Path], *, code: str, checks: dict | None, studyid: str) -> str:
    """The cache address of a domain as read: its files (name and content), the code and the settings."""
    digest = hashlib.sha256(json.dumps([domain, code, checks, studyid], sort_keys=True, default=str).encode())
    for path in paths:
        digest.update(f"\0{path.name}\0{sha256(path)}".encode())
    return digest.hexdigest()[:24]


def _read_one(domain: str, files: dict[str, Path], checks: dict | None, studyid: str, folder: str,
              frame: Path, meta: Path):
    """Read one domain into the cache; its findings (not the exception: they cross a process boundary) when
    the data break the contract."""
    try:
        read = read_checked_domain(domain, files, settings=DataChecks.from_config(checks), studyid=studyid,
                                   folder=folder)
    except InputDataError as err:
        return err.findings
    partial = [path.with_name(path.name + ".partial") for path in (frame, meta)]
    write_read_domain(read, domain, frame=partial[0], meta=partial[1])
    for done, path in zip(partial, (frame, meta)):  # the JSON last: an entry with both files is whole
        os.replace(done, path)
    rows = len(read.frame) if read.frame is not None else 0
    del read
    release_frames(rows)
    return None


def _place(source: Path, target: Path) -> None:
    """The cached file at ``target`` (a hard link, else a copy), dated now: the output is newer than the
    inputs it was made from, as Snakemake expects."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    os.utime(target)


def read_study(folder: str | Path, domains: list[str], *, outputs: dict[str, tuple[str, str]], cache: str | Path,
               checks: dict | None, studyid: str, code: str, workers: int = 1) -> dict[str, str]:
    """Write each domain as read (``outputs``: domain -> (frame, meta) paths) and return, per domain, "read"
    or "cached". Domains to read are read in ``workers`` forked processes, largest files first. Every
    domain's contract findings are collected before the run stops, so one pass shows them all. The cache
    keeps the entries of this run only."""
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    files = check_folder(folder)
    grouped, supps = group_domain_files(files)
    keys, todo = {}, []
    for domain in domains:
        paths = grouped.get(domain, []) + supps.get(domain, [])
        keys[domain] = domain_key(domain, paths, code=code, checks=checks, studyid=studyid)
        entry = [cache / f"{domain.lower()}-{keys[domain]}.{ext}" for ext in ("parquet", "json")]
        if domain == "DM" or not all(p.is_file() for p in entry):
            todo.append((sum(p.stat().st_size for p in paths), domain, entry))
    todo.sort(key=lambda item: (-item[0], item[1]))
    found = run_forked([(_read_one, (domain, files, checks, studyid, str(folder), *entry))
                        for _, domain, entry in todo], workers)
    errors = [finding for findings in found if findings for finding in findings]
    if errors:
        raise InputDataError(errors)
    for domain in domains:
        for ext, target in zip(("parquet", "json"), outputs[domain]):
            _place(cache / f"{domain.lower()}-{keys[domain]}.{ext}", Path(target))
    current = {f"{d.lower()}-{k}.{ext}" for d, k in keys.items() for ext in ("parquet", "json")}
    for stale in cache.iterdir():
        if stale.name not in current:
            stale.unlink()
    read = {domain for _, domain, _ in todo}
    return {domain: "read" if domain in read else "cached" for domain in domains}
