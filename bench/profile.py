"""Summarise a run's profile: the cProfile files of its jobs (CARTRIAL_PROFILE=<folder>) or the py-spy samples of
its whole process tree (bench/run.py --py-spy): top jobs, and top functions by own and by inclusive time."""
from __future__ import annotations

import io
import pstats
import re
import sys
from collections import Counter
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


def _job(process: str) -> str:
    """The workflow rule a sampled process ran (Snakemake runs a rule's script as .snakemake/scripts/tmp*.<rule>.py)."""
    match = re.search(r"tmp[^ /]*\.([A-Za-z0-9_]+)\.py", process)
    return match.group(1) if match else ("snakemake" if "snakemake" in process else "other")


def summarise_samples(path: str | Path, top: int = 25, rate: int = 20) -> str:
    """py-spy raw samples (one line a stack: frames separated by ';' and a count): seconds per rule, then
    functions by own time (leaf frame) and inclusive time (anywhere in the stack, once per sample)."""
    jobs, own, incl = Counter(), Counter(), Counter()
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    # a job run in the warm job server is a fork of it: its rule is the script in its stacks (run by runpy), and
    # its other threads (Arrow's) belong to the same process
    rules: dict[str, str] = {}
    for line in lines:
        process = [f for f in line.split(";") if f.startswith("process ")][-1:] or [""]
        rule = _job(line.rpartition(" ")[0].replace(process[0], ""))
        if rule not in ("snakemake", "other"):
            rules.setdefault(process[0].split(":")[0], rule)
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        n = int(count)
        process = [f for f in frames if f.startswith("process ")][-1:] or [""]  # the innermost: parents come first
        process = process[0]
        code = [re.sub(r"\s*\([^()]*/", " (", f) for f in frames if not f.startswith(("process ", "thread "))]
        jobs[rules.get(process.split(":")[0]) or _job(process)] += n
        if code:
            own[code[-1]] += n
        for name in set(code):
            incl[name] += n

    def table(counter: Counter) -> str:
        return "\n".join(f"{c / rate:9.1f} s  {name}" for name, c in counter.most_common(top))

    return (f"Seconds sampled per rule (all jobs of the rule):\n{table(jobs)}\n\nFunctions by own time:\n"
            f"{table(own)}\n\nFunctions by inclusive time:\n{table(incl)}")


if __name__ == "__main__":
    if sys.argv[1].endswith(".txt"):
        print(summarise_samples(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25))
    else:
        print(summarise(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20))
