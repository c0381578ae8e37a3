"""Job priorities for the workflow's scheduler (critical-path list scheduling).

With more ready jobs than cores, Snakemake runs the jobs of highest priority first. A job's priority here is
the longest chain of work still ahead of it: its own cost plus the longest remaining work of the jobs that
read its output. So the chain that ends in the longest report (a final analysis, the larger study first)
starts first, and short jobs fill the other cores while it runs, instead of the longest report starting last
and running alone. The order changes no output, only when each job starts.

Costs are relative: about the wall seconds of one job of the rule in the demo (bench/rules.csv), by the
type of analysis the job belongs to (interim, final). A rule not listed costs as much as a table job.
"""
from __future__ import annotations

from pathlib import Path

#: cost of one job of a rule; a pair is (interim, final)
COST: dict[str, float | tuple[float, float]] = {
    "read": 1, "ingest": 1, "adam": 1.5, "ards": 3, "export": 1, "oc": 1.5,
    "tables": (1.5, 2.5), "figures": (2, 6), "report": (7, 15),
}
#: the rules whose jobs read a rule's output (within one analysis; read and oc feed every analysis of a study)
NEXT: dict[str, tuple[str, ...]] = {
    "read": ("ingest",), "ingest": ("adam",), "adam": ("ards", "export"), "ards": ("tables", "figures"),
    "tables": ("report",), "figures": ("report",), "oc": ("report",), "export": (), "report": (),
}


def cost(rule: str, kind: str) -> float:
    value = COST.get(rule, COST["tables"])
    return value[kind == "final"] if isinstance(value, tuple) else value


def remaining_work(rule: str, kinds: list[str]) -> float:
    """The longest chain of work from the start of a job of ``rule`` to the end of the run. ``kinds``: the
    types of the analyses the job feeds (one for an analysis's job; every analysis of the study for the read
    job and the operating characteristics)."""
    return max(cost(rule, kind) + max((remaining_work(after, [kind]) for after in NEXT.get(rule, ())), default=0)
               for kind in kinds)


#: how many times smaller than the same table as CSV a file of this format is, about (Parquet is compressed)
COMPRESSION = {".parquet": 5}


def files_size_mb(paths) -> float:
    """Megabytes of files as CSV, about: their sizes, Parquet counted five times; a path that is not a file
    counts nothing."""
    total = 0
    for path in map(Path, paths):
        try:
            if path.is_file():
                total += path.stat().st_size * COMPRESSION.get(path.suffix.lower(), 1)
        except (OSError, TypeError):
            pass
    return total / 1e6


def data_size_mb(folder: str | Path) -> float:
    """Megabytes of a study's raw tables as CSV, about (:func:`files_size_mb`; 0 when the folder is missing:
    the read job reports that)."""
    folder = Path(folder)
    return files_size_mb(folder.iterdir()) if folder.is_dir() else 0.0


#: raw tables (as CSV) above which a job's independent pieces run in two processes (about 150 subjects)
LARGE_STUDY_MB = 10
#: memory one process of the largest jobs holds per megabyte of raw tables (as CSV): 2.1-3.0 GB at 10,000
#: subjects, 100 MB (bench/rules.csv)
MEMORY_PER_MB = 30


def processes(size_mb: float, memory_mb: float, process_mb: float | None = None) -> int:
    """Processes for a study's read, ingest, ADaM and ARD jobs: two for a study above LARGE_STUDY_MB whose two
    processes' memory fits ``memory_mb`` (the machine's), one otherwise. A small study's jobs take a second or
    two, and a two-core job waits until both cores are free; a study too large for two copies of its data is
    better slow than stopped for want of memory.

    Those four jobs form one chain, each waiting for the one before, so a second process is the only way to
    use a second core. After the ARDs three jobs are ready at once - tables, figures and the export - and
    each takes one process: side by side they keep both cores busy without a job's split between two
    processes (uneven halves, a wait for the longer). 10,000 subjects on two cores: the ARDs to the end of the
    run took 47.5-49.3 s with the three in two processes each, 37.3-38.4 s with one."""
    each = MEMORY_PER_MB * size_mb if process_mb is None else process_mb  # ``process_mb``: a job's own estimate
    return 2 if size_mb > LARGE_STUDY_MB and 2 * each <= memory_mb else 1


#: memory of one process of the ADaM job of a study built a slice of subjects at a time (cartrial.slices): a
#: slice's work plus the study's domains held as Arrow, per megabyte of raw tables (as CSV). 100,000 subjects
#: (970 MB): 6.4 GB measured, in one process or in each of two
SLICED_ADAM_MB = 3000
SLICED_ADAM_PER_MB = 4


def adam_processes(size_mb: float, memory_mb: float) -> int:
    """Processes for a study's ADaM job: as :func:`processes`, but a study large enough to be built in slices
    of subjects holds a slice at a time, not its whole data, in each process (the cheaper of the two
    estimates: slices start at about 12,500 subjects, 120 MB)."""
    return processes(size_mb, memory_mb, min(MEMORY_PER_MB * size_mb, SLICED_ADAM_MB + SLICED_ADAM_PER_MB * size_mb))


#: memory of one process of a job, per megabyte of raw tables (as CSV), where the job holds less than
#: MEMORY_PER_MB. The read: the largest domain read, checked and converted (100,000 subjects, 970 MB: 9.4-9.8 GB
#: measured). The ingest: a domain's checked columns as pandas objects, the others carried as Arrow
#: (cartrial.sdtm.ingest.checked_columns; 6.6-7.2 GB measured for LB)
JOB_PER_MB = {"read": 11, "ingest": 8}


def job_processes(rule: str, size_mb: float, memory_mb: float) -> int:
    """Processes for a study's ``rule`` job (one of :data:`JOB_PER_MB`): as :func:`processes`, with that job's own
    memory per process."""
    return processes(size_mb, memory_mb, JOB_PER_MB[rule] * size_mb)


def machine_memory_mb() -> float:
    import os

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e6


def priority(rule: str, kinds: list[str], size_mb: float = 0.0) -> float:
    """The job's priority: its remaining work, plus less than a quarter for the study's data size (of two
    equal chains, the larger study's jobs take longer, so it goes first)."""
    return round(remaining_work(rule, kinds) + 0.25 * size_mb / (size_mb + 1.0), 4)


def cancel_pending_timers() -> int:
    """Cancel the re-evaluation timers Snakemake's scheduler left running; returns how many.

    With a job rate limit, Snakemake (9.27) schedules one more scheduling round a timespan after every round,
    and each of those rounds schedules another, so each finished job adds a timer that fires every timespan
    until the run ends (the demo: 1,300 rounds, each checking every input of every ready job). The local
    profiles therefore give a long timespan (``max-jobs-per-timespan``), and the workflow's onsuccess and
    onerror handlers call this so that the run does not wait for the last timers before it exits. A timer
    only wakes the scheduler, which has nothing left to do once those handlers run."""
    import threading

    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]
    for timer in timers:
        timer.cancel()
    return len(timers)
