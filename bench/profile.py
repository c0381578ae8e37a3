"""Summarise the cProfile files of a run (CARTRIAL_PROFILE=<folder>): top functions by own time."""
from __future__ import annotations

import io
import pstats
import sys
from pathlib import Path


def summarise(folder: str | Path, top: int = 20) -> str:
    files = sorted(str(p) for p in Path(folder).glob("*.prof"))
    if not files:
        return "no profiles"
    stats = pstats.Stats(files[0], stream=(buf := io.StringIO()))
    for f in files[1:]:
        stats.add(f)
    stats.sort_stats("tottime").print_stats(top)
    by_job = sorted(((pstats.Stats(f).total_tt, Path(f).stem) for f in files), reverse=True)[:top]
    jobs = "\n".join(f"{t:8.2f} s  {name}" for t, name in by_job)
    return f"Jobs by profiled time:\n{jobs}\n\nFunctions by own time (all jobs):\n{buf.getvalue()}"


if __name__ == "__main__":
    print(summarise(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20))
