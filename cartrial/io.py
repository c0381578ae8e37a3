"""File helpers shared by the workflow's job scripts (deterministic writes)."""
from __future__ import annotations

import json

import logging
import os
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cartrial.csvsafe import write_csv
from cartrial.sdtm.contract import DOMAINS

# Freed Arrow buffers go back to the operating system at once (the default pool keeps them), so a job's
# peak memory is what it holds, not what it once held.
pa.set_memory_pool(pa.system_memory_pool())

#: frames longer than this are converted to Arrow and written one slice of rows at a time
WRITE_CHUNK_ROWS = 1_000_000


def first_value_row(col: pd.Series, probe: int = 1000) -> int | None:
    """Position of the first non-missing value of ``col`` (None if it has none); the first ``probe`` rows are
    looked at first, so a column with an early value is not scanned whole."""
    for part in (col.iloc[:probe], col):
        found = np.flatnonzero(part.notna().to_numpy())
        if len(found):
            return int(found[0])
    return None


def write_parquet(frame: pd.DataFrame, path: str | Path, *, carried: pa.Table | None = None,
                  columns: list[str] | None = None) -> None:
    """Parquet without the index; same frame, same bytes.

    A long frame is written in slices of ``WRITE_CHUNK_ROWS`` rows (one row group each) with the
    schema of the whole frame, so its text is never held twice (as Python and as Arrow strings). Columns are
    converted to Arrow in this thread: Arrow's threads would take turns on the interpreter for text columns
    and spend 10-25 % more CPU. A short frame's file is the one ``frame.to_parquet`` writes.

    ``carried``: more columns of the same records, held as Arrow (text dictionary-encoded), and ``columns``
    the order of all of them: the file is the one written for the frame that :func:`joined_frame` makes, but
    a long frame's carried columns are never made Python objects."""
    import pyarrow.parquet as pq

    if carried is not None and len(frame) <= WRITE_CHUNK_ROWS:
        frame, carried = joined_frame(frame, carried, columns), None
    if len(frame) <= WRITE_CHUNK_ROWS:
        table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
        if frame.attrs:  # as pandas keeps a frame's attributes
            table = table.replace_schema_metadata({**table.schema.metadata,
                                                   "PANDAS_ATTRS": json.dumps(frame.attrs)})
        pq.write_table(table, path, compression="zstd")
        return

    # the schema of the whole frame from one row per column that has a value (a scan of every cell is slow)
    rows = first_value_rows(frame)
    if carried is not None:
        import pyarrow.compute as pc

        rows += [max(pc.index(pc.is_valid(col), True).as_py(), 0) for col in carried.columns]
    rows = sorted(set(rows))
    sample = frame.iloc[rows] if carried is None else joined_frame(frame.iloc[rows], carried.take(rows), columns)
    schema = pa.Schema.from_pandas(sample, preserve_index=False)
    write_row_groups(path, schema, (_rows_as_table(frame, carried, schema, start)
                                    for start in range(0, len(frame), WRITE_CHUNK_ROWS)))


def _rows_as_table(frame: pd.DataFrame, carried: pa.Table | None, schema: pa.Schema, start: int) -> pa.Table:
    """``WRITE_CHUNK_ROWS`` records from ``start`` as an Arrow table of ``schema``: the frame's columns
    converted as ``Table.from_pandas`` converts them, the carried ones cast to the schema's types."""
    part = frame.iloc[start:start + WRITE_CHUNK_ROWS]
    if carried is None:
        return pa.Table.from_pandas(part, schema=schema, preserve_index=False, nthreads=1)
    own = pa.Table.from_pandas(part, schema=pa.schema([schema.field(c) for c in part.columns]),
                               preserve_index=False, nthreads=1)
    rest = carried.slice(start, WRITE_CHUNK_ROWS)
    arrays = []
    for field in schema:
        col = own.column(field.name) if field.name in part.columns else rest.column(field.name)
        if col.type != field.type:  # dictionary-encoded text as text; text without a value kept as nulls
            col = col.cast(field.type)
        arrays.append(col)
    return pa.Table.from_arrays(arrays, schema=schema)


def joined_frame(frame: pd.DataFrame, carried: pa.Table, columns: list[str]) -> pd.DataFrame:
    """``frame`` with the ``carried`` columns of the same records (as :func:`frame_from_table` converts them),
    in the order of ``columns``."""
    text = [f.name for f in carried.schema if pa.types.is_dictionary(f.type)]
    rest = frame_from_table(carried, text)
    rest.index = frame.index
    both = pd.concat([frame, rest], axis=1)
    return both[[c for c in columns if c in both.columns]]


def first_value_rows(frame: pd.DataFrame) -> list[int]:
    """Each column's first row with a value (0 for a column without one)."""
    return [first_value_row(frame.iloc[:, k]) or 0 for k in range(frame.shape[1])]


def write_row_groups(path: str | Path, schema: pa.Schema, tables) -> None:
    """Arrow ``tables`` of ``schema``, in order, written as one Parquet file in row groups of
    ``WRITE_CHUNK_ROWS`` rows (the last shorter), whatever the tables' lengths."""
    import pyarrow.parquet as pq

    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        pending, held = [], 0
        for table in tables:
            start = 0
            while start < len(table):
                piece = table.slice(start, WRITE_CHUNK_ROWS - held)
                pending.append(piece)
                held += len(piece)
                start += len(piece)
                if held == WRITE_CHUNK_ROWS:
                    writer.write_table(_one_table(pending))
                    pending, held = [], 0
        if pending:
            writer.write_table(_one_table(pending))


def _one_table(pieces: list[pa.Table]) -> pa.Table:
    """The pieces as one table of contiguous columns (a row group's pages do not depend on where they came
    from)."""
    return pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces).combine_chunks()


#: a step that held at least this many records frees its frames before the next step (:func:`release_frames`)
RELEASE_ROWS = 500_000


def release_frames(rows: int) -> None:
    """Free the frames of a step of ``rows`` records that is done, before the next step builds its own.
    pandas objects hold reference cycles, which only Python's cycle collector frees, and it runs after a count
    of new Python objects, not of bytes: a step that works in a few large arrays can leave the previous
    step's frames (gigabytes at 100,000 subjects) in memory beside its own. A full collection visits every
    object of every imported library (about 0.1-0.3 s), so only a large step pays for it."""
    if rows >= RELEASE_ROWS:
        import gc

        gc.collect()


def read_parquet_text_encoded(path: str | Path) -> pd.DataFrame:
    """A Parquet file with its text columns read dictionary-encoded (pandas categoricals whose categories
    are the distinct texts): each distinct text is held once, so tens of millions of records are read
    without one Python string per cell. :func:`cartrial.distinct.distinct_codes` works on the codes."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    return pq.read_table(path, read_dictionary=text).to_pandas()


def read_frame(path: str | Path, columns: list[str] | None = None, filters=None, schema=None) -> pd.DataFrame:
    """``pd.read_parquet(path, columns=columns, filters=filters)``, the same frame, with each text column
    (object dtype) made from its distinct texts: the column is read dictionary-encoded and each record takes
    its text from the dictionary, instead of Arrow making and hashing one text per record (a quarter of the
    CPU for ADLB of 10,000 subjects: 0.7 against 2.9 s). Each text column is a block of its own, which
    pandas copies block by block when it selects records. A frame written with an index is read by pandas.
    ``schema``: the file's, when the caller has read it already."""
    import pyarrow.parquet as pq

    schema = schema if schema is not None else pq.read_schema(path)
    if (schema.pandas_metadata or {}).get("index_columns"):
        return pd.read_parquet(path, columns=columns, filters=filters)
    text = text_columns(schema, columns)
    return frame_from_table(pq.read_table(path, columns=columns, filters=filters, read_dictionary=text), text)


def text_columns(schema: pa.Schema, columns: list[str] | None = None) -> list[str]:
    """The columns of ``schema`` (of ``columns``, None: all) that pandas reads as object text: the ones
    :func:`read_frame` reads dictionary-encoded."""
    meta = schema.pandas_metadata or {}
    objects = {c["field_name"] for c in meta.get("columns", []) if c.get("numpy_type") == "object"}
    return [f.name for f in schema if f.name in objects and (columns is None or f.name in columns)
            and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))]


def frame_from_table(table: pa.Table, text: list[str]) -> pd.DataFrame:
    """``table`` as pandas converts it, its dictionary-encoded ``text`` columns as object text (each record
    taking its text from the dictionary; a missing value None)."""
    frame = table.to_pandas()
    for name in text:
        values = frame[name].array
        cells = np.append(values.categories.to_numpy(dtype=object), None)
        frame[name] = cells[values.codes]  # a missing value's code, -1, takes the last cell: None
    return frame


def empty_domain(domain: str) -> pd.DataFrame:
    """A zero-row frame with the contract columns of ``domain`` (an absent domain)."""
    return pd.DataFrame({c.name: pd.Series(dtype="float64" if c.kind == "num" else "object")
                         for c in DOMAINS[domain].columns})


def read_sdtm(paths: list[str | Path], columns=None) -> dict[str, pd.DataFrame]:
    """Read the cut SDTM parquet files; domains absent from the input (see :func:`write_domain_audit`) are
    left out. ``columns(domain)`` may name the columns to read (None: all); names a file lacks are skipped."""
    out = {}
    for path in paths:
        domain = Path(path).stem.upper()
        frame = read_records(path, columns(domain) if columns else None)
        if not frame.attrs.get("absent"):
            out[domain] = frame
    return out


def read_records(path: str | Path, columns=None, *, column: str = "PARAMCD", values=None) -> pd.DataFrame:
    """Part of a Parquet file, selected while reading: of ``columns`` (None: all) those the file has, and with
    ``values`` only the records whose ``column`` is one of them, in the file's order. A job that summarises
    the cytokines of a 20-million-record ADLB never holds the rest. Every variable a caller tests for
    (``"ONTRTFL" in frame``) belongs in ``columns``: the test then sees what the file has."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    columns = file_columns(schema, columns)
    if values is None:
        return read_frame(path, columns, schema=schema)
    if column in schema.names and str(schema.field(column).type) in ("string", "large_string"):
        return read_frame(path, columns, filters=[(column, "in", sorted(set(values)))], schema=schema)
    frame = read_frame(path, columns, schema=schema)  # no such column, or no text in it (no records)
    return frame[frame[column].isin(list(values))].reset_index(drop=True) if column in frame else frame


def file_columns(schema: pa.Schema, columns: list[str] | None) -> list[str] | None:
    """Of ``columns`` (None: all), once each, those a file of ``schema`` has."""
    return None if columns is None else [c for c in dict.fromkeys(columns) if c in schema.names]


def write_domain(frame: pd.DataFrame | None, domain: str, path: str | Path, *, carried: pa.Table | None = None,
                 columns: list[str] | None = None) -> None:
    """Write one domain's Parquet file (with its ``carried`` columns: :func:`write_parquet`). A domain the
    study has no file for is written as a zero-row frame of the contract's columns marked ``absent`` (kept
    apart from a file with a header and no records)."""
    if frame is None:
        frame = empty_domain(domain)
        frame.attrs["absent"] = True
    write_parquet(frame, path, carried=carried, columns=columns)


def write_read_domain(read, domain: str, *, frame: str | Path, meta: str | Path) -> None:
    """Write a domain as read before any cut (``cartrial.sdtm.ingest.ReadDomain``): the frame as Parquet,
    the files used, their SHA-256, the warnings and the SUPP-- rows as JSON."""
    from dataclasses import asdict

    write_domain(read.frame, domain, frame)
    def plain(finding) -> dict:
        d = asdict(finding)
        return {k: (v if v is None or isinstance(v, str) else int(v) if k == "row" else str(v)) for k, v in d.items()}

    supp = [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in read.supp_rows]
    Path(meta).write_text(json.dumps({"files": read.files, "sha256": read.sha256, "supp_rows": supp,
                                      "warnings": [plain(f) for f in read.warnings]}, indent=1) + "\n",
                          encoding="utf-8")


def read_read_domain(frame: str | Path, meta: str | Path, *, checked: set[str] | None = None):
    """A domain written by :func:`write_read_domain`. With ``checked``, only those of its columns are read
    into the frame (with :data:`~cartrial.sdtm.ingest.POSITION`, each record's position); the others are
    carried as Arrow, text dictionary-encoded (``ReadDomain.carried``), and never become Python objects."""
    import pyarrow.parquet as pq

    from cartrial.sdtm.errors import Finding
    from cartrial.sdtm.ingest import POSITION, ReadDomain

    info = json.loads(Path(meta).read_text(encoding="utf-8"))
    found = [Finding(**f) for f in info["warnings"]]
    if not info["files"]:
        return ReadDomain(None, info["files"], info["sha256"], found, info["supp_rows"])
    schema = pq.read_schema(frame)
    rest = [] if checked is None else [c for c in schema.names if c not in checked]
    # read by pandas, whose frame holds its text in one block: the cut's selections of records copy the frame
    # in one piece (read_frame's frame, a block per text column, took 0.4 GB more for LB of 10,000 subjects)
    data = pd.read_parquet(frame, columns=[c for c in schema.names if c not in rest] if rest else None)
    if not rest:
        return ReadDomain(data, info["files"], info["sha256"], found, info["supp_rows"])
    data[POSITION] = np.arange(len(data))
    carried = pq.read_table(frame, columns=rest, read_dictionary=text_columns(schema, rest))
    return ReadDomain(data, info["files"], info["sha256"], found, info["supp_rows"], carried=carried,
                      columns=list(schema.names))


def audit_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Per-domain audit frames (findings or reconciliation rows) stacked as the text each one writes as CSV,
    so that data_issues.csv and reconciliation.csv hold every domain's rows in its own formatting."""
    import io

    from cartrial.sdtm.ingest import stack_rows

    texts = []
    for frame in frames:
        buf = io.StringIO()
        write_csv(frame, buf)
        buf.seek(0)
        texts.append(pd.read_csv(buf, dtype=str, keep_default_na=False))
    return stack_rows(texts)


def describe_os_error(exc: OSError) -> str:
    """A failed read or write in plain words (a full disk is not a programming error)."""
    import errno

    what = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
            errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
            errno.EPERM: "permission denied", errno.ENOENT: "no such file or folder"}.get(exc.errno)
    name = exc.filename or "a file"
    return f"cannot write or read {name}: {what}" if what else f"{name}: {exc.strerror or exc}"


def _write_failure(path: Path, write) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
    except OSError:  # a full disk cannot take the list either; the log still has the message
        pass


def _process_start() -> float | None:
    """When this process started, in seconds since boot (Linux), so a job's wall time includes its start-up."""
    try:
        stat = Path("/proc/self/stat").read_text()
        ticks = int(stat[stat.rindex(")") + 2:].split()[19])  # field 22, after the command in parentheses
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def usage_file(log: str | Path) -> Path:
    """Where a job writes its own time, CPU and memory: ``benchmark/<rule>.tsv`` beside its log."""
    log = Path(log)
    return log.parent / "benchmark" / f"{log.stem}.tsv"


def write_usage(path: str | Path, started: float) -> None:
    """The job's wall time (s, from its process's start), CPU time (cpu_time, s: user + system of this process
    and of the processes it forked and waited for) and the peak resident memory of its largest process
    (max_rss, MB), as the kernel counts them (``getrusage``): exact, at no cost while the job runs. Tab-separated,
    with the column names of Snakemake's benchmark files."""
    start = _process_start()
    wall = time.clock_gettime(time.CLOCK_BOOTTIME) - start if start is not None else time.monotonic() - started
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    peak = max(own.ru_maxrss, children.ru_maxrss) / 1024  # kilobytes on Linux
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"s\tcpu_time\tmax_rss\n{wall:.4f}\t{cpu:.4f}\t{peak:.2f}\n", encoding="utf-8")


@contextmanager
def job_log(path: str | Path, name: str):
    """Log to ``path`` and to stderr; an exception is logged (message first) and re-raised. When the job ends,
    successful or not, its time, CPU and memory go to :func:`usage_file` (:func:`write_usage`).

    With ``CARTRIAL_PROFILE=<folder>`` in the environment the job runs under cProfile and its
    statistics are written to ``<folder>/<name>-<log file stem's parent>.prof`` (bench/profile.py reads them).
    """
    started = time.monotonic()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    profile_dir = os.environ.get("CARTRIAL_PROFILE")
    profiler = None
    if profile_dir:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    logger = logging.getLogger(f"cartrial.{name}")
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    fmt = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    for handler in (logging.FileHandler(path, mode="w", encoding="utf-8"), logging.StreamHandler(sys.stderr)):
        handler.setFormatter(fmt)
        logger.addHandler(handler)
    try:
        yield logger
    except Exception as exc:
        # A data error is a message for the user; anything else is a defect and keeps its traceback. Either
        # way the failure is written beside the log, for the run's summary (cartrial.runstate).
        from cartrial.runstate import failure_file
        from cartrial.sdtm.errors import InputDataError, findings_frame

        if isinstance(exc, InputDataError):
            target = failure_file(path, name, ".csv")
            exc = exc.with_full_list(str(target))
            _write_failure(target, lambda p: write_csv(findings_frame(exc.findings), p))
            logger.error("%s", exc)
            raise SystemExit(1) from None  # the message says it all: no traceback for a user's data error
        _write_failure(failure_file(path, name, ".txt"),
                       lambda p: Path(p).write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8"))
        logger.error("%s", describe_os_error(exc) if isinstance(exc, OSError) else exc,
                     exc_info=not isinstance(exc, OSError))
        if isinstance(exc, OSError):
            raise SystemExit(1) from None
        raise
    finally:
        for handler in logger.handlers:
            handler.close()
        try:
            write_usage(usage_file(path), started)
        except OSError:  # the figures are a convenience: a full disk must not turn a good job into a failure
            pass
        if profiler is not None:
            profiler.disable()
            tag = "-".join(Path(path).parent.parts[-2:])
            Path(profile_dir).mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(str(Path(profile_dir) / f"{name}-{tag}.prof"))
