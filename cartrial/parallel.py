"""Independent pieces of one job in forked processes (a job that holds the interpreter gains nothing from
threads). Each output file is written by exactly one process, so the bytes do not depend on ``workers``.

Fork, not spawn: a spawned process re-imports the main module, which in a workflow job is Snakemake's job
script and fails outside Snakemake. All worker processes are forked when the first piece is submitted, so a
caller that forks before it starts libraries with thread pools of their own (polars, through rtflite) hands
the workers a clean process.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence


#: the calls of the pool being run: set before its processes fork, so each inherits them
_CALLS: Sequence[tuple[Callable, tuple]] = ()


def _call(index: int) -> Any:
    function, args = _CALLS[index]
    return function(*args)


def run_forked(calls: Sequence[tuple[Callable, tuple]], workers: int) -> list[Any]:
    """``[function(*args) for function, args in calls]``, in ``workers`` forked processes when ``workers`` > 1
    and there is more than one call (taken in the order given: put the longest first); results in the order of
    ``calls``. The first failure is raised after the running calls finish. The workers inherit the calls when
    they fork, so a call may be a closure over the caller's state (a cache, a writer): only its index goes to
    the worker, and only its result comes back pickled."""
    global _CALLS
    if workers <= 1 or len(calls) <= 1:
        return [function(*args) for function, args in calls]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _CALLS = calls
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(calls)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_call, index) for index in range(len(calls))]
            return [future.result() for future in futures]
    finally:
        _CALLS = ()
