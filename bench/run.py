"""Benchmark harness: time the workflow at several study sizes and print/write the figures.

    python bench/run.py                      # demo + 15, 50, 1000 subjects
    python bench/run.py --sizes 1000 10000   # chosen sizes (the demo is always measured first)
    python bench/run.py --profile            # also cProfile every job (CARTRIAL_PROFILE), summarised
    python bench/run.py --py-spy             # sample the cold run's whole process tree with py-spy
                                             # (requirements-bench.txt; low overhead, so times stay true)

For each case the workflow runs in a fresh workspace under --workdir:
- cold:       snakemake --cores N from an empty results/;
- noop:       the same command again (nothing to do), three times: the median;
- new_cut:    one more interim analysis (a data cut a month after the latest) added to config.yaml;
- one_table:  one raw table (ae) rewritten with one changed record.
Each run reports wall time, CPU time (user + system of all child processes), peak memory (largest
resident set of any one process) and the number of jobs; per-rule figures come from the files each job
writes of its own time, CPU and largest process (``logs/.../benchmark/<rule>.tsv``: cartrial.io.write_usage). The import floor is the time to start Python and import what a job imports.

Synthetic studies come from cartrial.simulate (LN-PEDS design); above --tile-from subjects a simulated
study of that size is repeated with new subject identifiers (vectorised, so the harness itself stays fast).
Results: bench/results.csv, bench/rules.csv (append-free: rewritten each run).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BASE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
text = proc.stdout + proc.stderr
jobs = [int(x) for x in __import__("re").findall(r"(\\d+) of \\d+ steps", text)]
rules = {}
for name in __import__("re").findall(r"^(?:local)?rule (\\w+):$", text, flags=__import__("re").M):
    rules[name] = rules.get(name, 0) + 1
print(json.dumps({"rc": proc.returncode, "wall_s": wall, "cpu_s": r.ru_utime + r.ru_stime,
                  "peak_rss_mb": r.ru_maxrss / 1024, "jobs": max(jobs) if jobs else 0, "rules": rules,
                  "tail": (proc.stdout + proc.stderr)[-1500:] if proc.returncode else "",
                  "errors": sorted(set(__import__("re").findall(r"Error in rule (\\w+):", text))),
                  "killed": "SIGKILL" in text}))
"""


def measure(cmd: list[str], cwd: Path, env: dict | None = None, may_fail: bool = False) -> dict:
    """One timed run. A failed run is an error, unless ``may_fail`` (a cold run at a size the machine may not
    hold): then its figures are returned with ``failed`` naming the failed jobs (from Snakemake's log) and the
    case's other runs are skipped."""
    # the workspace's own copy of the library is imported (PYTHONPATH), so a code change there is a real one;
    # compiled modules are cached (__pycache__) as on a user's machine, even where the environment says not to
    out = subprocess.run([PY, "-c", MEASURE, *cmd], cwd=cwd, capture_output=True, text=True,
                         env={**BASE_ENV, "PYTHONPATH": str(cwd), **(env or {})})
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        if not may_fail:
            raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{result['tail']}")
        result["failed"] = (", ".join(result["errors"]) or "the run") + (
            " killed by the system, out of memory" if result["killed"] else "")
    result.pop("errors", None)
    result.pop("killed", None)
    return result


def import_floor() -> dict[str, float]:
    """Seconds to start Python and import each library set (best of 3, warm file cache)."""
    sets = {"python": "pass", "pandas": "import pandas", "pandas+pyarrow": "import pandas, pyarrow.parquet",
            "pandera": "import pandera.pandas", "matplotlib": "import matplotlib.pyplot",
            "lifelines": "import lifelines", "weasyprint": "import weasyprint",
            "job (cartrial.io)": "import cartrial.io"}
    out = {}
    for name, stmt in sets.items():
        best = min(_timed([PY, "-c", stmt]) for _ in range(3))
        out[name] = round(best, 3)
    return out


RENDER = """
import json, os, sys, tempfile, time
from pathlib import Path
from cartrial.report.render import write_pdf
total = 0.0
for html in sys.argv[1:]:
    out = Path(html).parent
    ards = sorted((out / "ard").glob("*.csv"))
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_pdf(Path(html).read_text(encoding="utf-8"), Path(tmp) / "r.pdf", base_url=out, attachments=ards,
                  allowed=[Path.cwd() / "templates", out / "figures", out.parent / "oc"])
        total += time.perf_counter() - t
print(json.dumps({"render_s": total, "reports": len(sys.argv) - 1}))
"""


def render_floor(ws: Path) -> dict:
    """Seconds WeasyPrint takes to lay out and write every report of the workspace, in one process that has
    already imported it (the renderer's floor for a cold run)."""
    reports = sorted(str(p) for p in ws.glob("results/*/*/report.html"))
    out = subprocess.run([PY, "-c", RENDER, *reports], cwd=ws, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ws), "SOURCE_DATE_EPOCH": "1790000000"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def _timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def make_workspace(where: Path, studies: dict[str, dict], data: dict[str, Path]) -> Path:
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    for name in ("Snakefile", "workflow", "scripts", "templates", "profiles", "cartrial"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, where / name)
    for study, folder in data.items():
        shutil.copytree(folder, where / "data" / study)
    write_config(where, studies)
    return where


def write_config(where: Path, studies: dict[str, dict]) -> None:
    import yaml

    (where / "config.yaml").write_text(yaml.safe_dump({"studies": studies}, sort_keys=False))


def simulate(n: int, dest: Path, tile_from: int) -> Path:
    """A synthetic LN-PEDS-like study with ``n`` infused subjects, written as Parquet."""
    from cartrial.simulate import PRESETS, scaled, simulate_study

    if dest.exists():
        return dest
    base = min(n, tile_from)
    frames = simulate_study(scaled(PRESETS["ln-peds"], base))
    copies = -(-n // base)
    dest.mkdir(parents=True)
    for domain, frame in frames.items():
        if copies > 1:
            parts = [frame.assign(USUBJID=frame["USUBJID"] + f"-R{k:03d}",
                                  **({"SUBJID": frame["SUBJID"].astype(str) + f"R{k:03d}"} if "SUBJID" in frame
                                     else {}))
                     for k in range(copies)]
            frame = pd.concat(parts, ignore_index=True)
        frame.to_parquet(dest / f"{domain.lower()}.parquet", index=False)
    return dest


def rule_table(ws: Path, case: str, run: str) -> pd.DataFrame:
    rows = []
    for f in sorted(ws.glob("logs/*/*/benchmark/*.tsv")):
        b = pd.read_csv(f, sep="\t")
        rows.append({"case": case, "run": run, "rule": f.stem, "analysis": "/".join(f.parts[-4:-2]),
                     "wall_s": b["s"].iloc[0], "cpu_s": b["cpu_time"].iloc[0], "max_rss_mb": b["max_rss"].iloc[0]})
    return pd.DataFrame(rows)


def run_case(case: str, ws: Path, studies: dict, cores: int, profile: bool, reruns: bool = True,
             py_spy: bool = False) -> tuple[list[dict], pd.DataFrame]:
    cmd = [PY, "-m", "snakemake", "--cores", str(cores)]
    env = {"CARTRIAL_PROFILE": str(ws / "profile")} if profile else {}
    results, rules = [], []
    sampler = [str(Path(PY).parent / "py-spy"), "record", "--subprocesses", "--rate", "20", "--format", "raw",
               "--output", str(ws / "py-spy.txt"), "--"] if py_spy else []
    cold = measure(sampler + cmd, ws, env, may_fail=True)
    results.append({"case": case, "run": "cold", **cold})
    rules.append(rule_table(ws, case, "cold"))
    if cold.get("failed"):
        print(f"{case}: the cold run failed after {cold['wall_s']:.0f} s ({cold['failed']}); "
              f"peak {cold['peak_rss_mb']:.0f} MB; other runs of this case skipped", flush=True)
        return results, pd.concat(rules, ignore_index=True)
    floor = render_floor(ws)  # the same reports, laid out by WeasyPrint alone
    results.append({"case": case, "run": "weasyprint", "wall_s": floor["render_s"], "cpu_s": floor["render_s"],
                    "peak_rss_mb": float("nan"), "jobs": floor["reports"], "rules": {}})
    noops = sorted((measure(cmd, ws, env) for _ in range(3)), key=lambda r: r["wall_s"])
    results.append({"case": case, "run": "noop", **noops[1]})  # the median of three (one start is noisy)
    if not reruns:
        return results, pd.concat(rules, ignore_index=True)
    # a new data cut: one more interim analysis of the first study, a month after its latest cut (the loop "new
    # data cut, new report": nothing else reruns; a cut between two others also reruns the later report, whose
    # comparison appendix compares against the cut before it)
    study = next(iter(studies))
    latest = max(str(a["cut"]) for a in studies[study]["analyses"].values())
    extra = dict(studies)
    extra[study] = {**studies[study], "analyses": {**studies[study]["analyses"], "recut": {
        "cut": (pd.Timestamp(latest) + pd.offsets.MonthEnd(1)).strftime("%Y-%m-%d"), "type": "interim"}}}
    write_config(ws, extra)
    results.append({"case": case, "run": "new_cut", **measure(cmd, ws, env)})
    # one raw table changed: the first AE record's outcome
    folder = ws / studies[study]["data"]
    ae = next(folder.glob("ae.*"))
    frame = pd.read_csv(ae, dtype=str, keep_default_na=False) if ae.suffix == ".csv" else pd.read_parquet(ae)
    frame.loc[0, "AEOUT"] = "RECOVERING/RESOLVING" if frame.loc[0, "AEOUT"] != "RECOVERING/RESOLVING" else "RECOVERED/RESOLVED"
    if ae.suffix == ".csv":
        frame.to_csv(ae, index=False, lineterminator="\n")
    else:
        frame.to_parquet(ae, index=False)
    results.append({"case": case, "run": "one_table", **measure(cmd, ws, env)})
    # a change confined to the display layer: one table footnote in the workspace's copy of the library
    source = ws / "cartrial" / "tables" / "safety.py"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("(partial dates imputed, see Appendix A)", "(partial dates imputed; Appendix A)"),
                      encoding="utf-8")
    results.append({"case": case, "run": "footnote", **measure(cmd, ws, env)})
    return results, pd.concat(rules, ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[15, 50, 1000])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "cartrial-bench")
    parser.add_argument("--tile-from", type=int, default=1000)
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--py-spy", action="store_true", help="sample the cold run with py-spy (see bench/profile.py)")
    parser.add_argument("--reruns-up-to", type=int, default=1000,
                        help="measure the new-cut and changed-table reruns only up to this many subjects")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args(argv)

    floor = import_floor()
    print("Import floor (s):", json.dumps(floor))
    results, rules = [], []
    cases = [] if args.no_demo else [("demo", None)]
    cases += [(f"n={n}", n) for n in args.sizes]
    for case, n in cases:
        if n is None:
            import yaml

            studies = yaml.safe_load((ROOT / "config.yaml").read_text())["studies"]
            data = {s: ROOT / v["data"] for s, v in studies.items()}
            studies = {s: {**v, "data": f"data/{s}"} for s, v in studies.items()}
        else:
            folder = simulate(n, args.workdir / "data" / f"sim{n}", args.tile_from)
            studies = {f"sim{n}": {"data": f"data/sim{n}", "studyid": "LN-PEDS", "sledai_version": "SLEDAI-2K",
                                   "arm_order": ["LOW", "HIGH"],
                                   "efficacy": {"months": [1, 3, 6, 9, 12, 18, 24],
                                                "primary": {"paramcd": "ORR", "visits": ["MONTH 3"]}},
                                   "analyses": {"final": {"cut": "2026-10-31", "type": "final"}}}}
            data = {f"sim{n}": folder}
        ws = make_workspace(args.workdir / case.replace("=", ""), studies, data)
        res, rt = run_case(case, ws, studies, args.cores, args.profile,
                           reruns=n is None or n <= args.reruns_up_to, py_spy=args.py_spy)
        for r in res:
            r["subjects"] = n if n is not None else "demo"
            r.pop("tail", None)
            r.pop("rc", None)
            print(f"{case:>9} {r['run']:>9}: wall {r['wall_s']:7.1f} s  cpu {r['cpu_s']:7.1f} s  "
                  f"peak {r['peak_rss_mb']:7.0f} MB  jobs {r['jobs']}", flush=True)
        results += res
        rules.append(rt)
        if args.profile:
            from bench.profile import summarise

            print(summarise(ws / "profile", top=15))
        if args.py_spy:
            from bench.profile import summarise_samples

            print(summarise_samples(ws / "py-spy.txt", top=25))
    table = pd.DataFrame(results)
    per_rule = pd.concat(rules, ignore_index=True)
    print()
    print(targets(table, per_rule).to_string(index=False))
    table = table.drop(columns=["rules"])
    args.out.mkdir(exist_ok=True)
    table.round(3).to_csv(args.out / "results.csv", index=False, lineterminator="\n")
    per_rule.round(3).to_csv(args.out / "rules.csv", index=False, lineterminator="\n")
    summary = (per_rule[per_rule["run"] == "cold"].groupby(["case", "rule"])
               .agg(jobs=("wall_s", "size"), wall_s=("wall_s", "sum"), cpu_s=("cpu_s", "sum"),
                    max_rss_mb=("max_rss_mb", "max")).round(1).sort_values(["case", "wall_s"], ascending=[True, False]))
    print(summary.to_string())
    machine = {"python": platform.python_version(), "cpu": _cpu(), "cores": os.cpu_count(),
               "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
               # Snakemake imports every installed executor plugin at each start (the SLURM one: 0.4 s, pandas)
               "slurm_plugin_installed": _installed("snakemake-executor-plugin-slurm"),
               "harfbuzz_subset": _harfbuzz_subset()}
    (args.out / "machine.json").write_text(json.dumps({**machine, "import_floor_s": floor}, indent=1) + "\n")


def targets(table: pd.DataFrame, per_rule: pd.DataFrame) -> pd.DataFrame:
    """Each target of the performance issue with its measured figure (measured in this run; "-" when the case
    was not run)."""
    def get(case, run, key="wall_s"):
        row = table[(table["case"] == case) & (table["run"] == run)]
        if not len(row) or key not in row:
            return None
        value = row[key].iloc[0]
        return value if isinstance(value, str) else (None if pd.isna(value) else float(value))

    rows = []

    def add(target, value, limit, text):
        met = "-" if value is None else ("met" if value <= limit else "NOT MET")
        rows.append({"target": target, "measured": "-" if value is None else text, "status": met})

    cold, floor = get("demo", "cold"), get("demo", "weasyprint")
    ratio = cold / floor if cold and floor else None
    add("demo cold <= 1.5 x WeasyPrint alone", ratio, 1.5,
        f"{ratio:.2f} x ({cold:.1f} s / {floor:.1f} s)" if ratio else "")
    new = get("demo", "new_cut")
    add("new interim data cut of one study <= 10 s", new, 10, f"{new:.1f} s" if new else "")
    noop = get("demo", "noop")
    add("no-op rerun <= 2 s", noop, 2, f"{noop:.1f} s" if noop else "")
    t10k = get("n=10000", "cold")
    add("10,000 subjects cold <= 60 s", t10k, 60, f"{t10k:.1f} s" if t10k else "")
    failed = get("n=100000", "cold", "failed")
    t100k = get("n=100000", "cold")
    add("100,000 subjects cold <= 5 min", t100k, 300 if not failed else -1,
        f"{t100k:.1f} s" + (f": did not finish ({failed})" if failed else "") if t100k else "")
    big = per_rule[(per_rule["case"] == "n=100000") & (per_rule["run"] == "cold")]
    peak = float(big["max_rss_mb"].max()) if len(big) else None
    # each job's figure is its largest process's (the job records it: cartrial.io.write_usage); the run's largest
    # process covers a job stopped by the kernel, which writes no figures
    peak = max(peak or 0.0, get("n=100000", "cold", "peak_rss_mb") or 0.0) or None
    peak = peak / 1024 if peak else None
    add("100,000 subjects: peak memory of any job <= 4 GiB", peak, 4.0, f"{peak:.2f} GiB" if peak else "")
    t1k = get("n=1000", "cold")
    slope = math.log(t100k / t1k) / math.log(100) if t1k and t100k and not failed else None
    add("time exponent 1,000 -> 100,000 subjects <= 1.1", slope, 1.1, f"{slope:.2f}" if slope else "")
    rerun = table[(table["case"] == "demo") & (table["run"] == "footnote")]
    if len(rerun):
        ran = {k: v for k, v in rerun["rules"].iloc[0].items() if k != "all"}
        other = sorted(r for r in ran if r != "report" and not r.startswith("tables"))  # tables, tables_interim
        rows.append({"target": "a table footnote reruns only the tables and the reports",
                     "measured": ", ".join(f"{k} x{v}" for k, v in sorted(ran.items())) +
                     f" ({float(rerun['wall_s'].iloc[0]):.1f} s)", "status": "NOT MET" if other else "met"})
    return pd.DataFrame(rows)


def _installed(distribution: str) -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        version(distribution)
    except PackageNotFoundError:
        return False
    return True


def _harfbuzz_subset() -> bool:
    """Whether WeasyPrint finds HarfBuzz's subsetter (it then embeds fonts without fontTools)."""
    out = subprocess.run([PY, "-c", "from weasyprint.text.ffi import harfbuzz_subset; print(bool(harfbuzz_subset))"],
                         capture_output=True, text=True)
    return out.stdout.strip() == "True"


def _cpu() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
        return re.search(r"model name\s*:\s*(.*)", text).group(1).strip()
    except (OSError, AttributeError):
        return platform.processor()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
