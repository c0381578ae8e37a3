"""What a run leaves behind when it fails: no deliverable that looks current, the full error list in a
file, and a short summary on the console.

The mechanism (stated in the README):

1. A job that fails writes what went wrong to ``logs/<study>/<analysis>/failed/<job>.csv`` (every input
   data error: file, row, USUBJID, column, value, rule) or ``.txt`` (any other error), beside its log.
2. When the run ends, every analysis with a failed job (read from those files and from Snakemake's own
   log) loses its deliverables: ``report.pdf``, ``report.html``, ``provenance.json``, ``adam/``, ``ard/``,
   ``tables/``, ``figures/`` and the study-level lists ``sdtm/data_issues.csv`` and
   ``sdtm/reconciliation.csv``. Its full error list is written to ``results/<study>/<analysis>/errors.csv``.
   A failure of a study-level job (the simulations, ``results/<study>/oc``, or the reading of a raw table,
   ``results/<study>/read``) fails every analysis of the study.
   Nothing is left that a reader could take for the result of the current inputs; the next run rebuilds
   what was removed.
3. The console ends with one line per configured analysis: current, failed (with its error file) or not
   built.

Each failed-job file is removed when the run starts, so only this run's failures count.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

DELIVERABLES = ("report.pdf", "report.html", "provenance.json", "adam", "ard", "tables", "figures",
                "sdtm/data_issues.csv", "sdtm/reconciliation.csv")
#: study-level jobs (the simulations, the reading of the raw tables): their failure fails every analysis
STUDY_LEVEL = ("oc", "read")
_LOG_PATH = re.compile(r"logs/([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9][A-Za-z0-9_.-]*)/")


def failure_file(log: str | Path, name: str, suffix: str) -> Path:
    """Where a job whose log is ``log`` writes why it failed."""
    return Path(log).parent / "failed" / f"{name}{suffix}"


def start_run(root: str | Path = ".") -> None:
    """Forget the failures of earlier runs."""
    for folder in Path(root, "logs").glob("*/*/failed"):
        shutil.rmtree(folder, ignore_errors=True)


def failed_in_log(text: str) -> set[tuple[str, str]]:
    """(study, analysis or ``oc``) of every job Snakemake reports as failed in its log text."""
    out = set()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("Error in rule "):
            continue
        for detail in lines[i + 1:]:  # the job's details are the indented lines that follow
            if not detail.startswith((" ", "\t")):
                break
            if detail.strip().startswith("log:"):
                out.update(_LOG_PATH.findall(detail))
    return out


def _failed(root: Path, analyses: dict[str, list[str]], log_text: str) -> dict[tuple[str, str], list[Path]]:
    """Each configured analysis with a failed job, and the files that say why. A failure of the study's
    simulations (``oc``) is a failure of each of its analyses."""
    def affected(study: str, place: str) -> list[str]:
        names = analyses.get(study, [])
        return names if place in STUDY_LEVEL else [place] if place in names else []

    files = sorted(root.glob("logs/*/*/failed/*"))
    places = {(p.parts[-4], p.parts[-3]) for p in files} | failed_in_log(log_text)
    found = {(study, name): [] for study, place in sorted(places) for name in affected(study, place)}
    for p in files:
        for name in affected(p.parts[-4], p.parts[-3]):
            found[(p.parts[-4], name)].append(p)
    return found


def _error_list(files: list[Path]):
    import pandas as pd

    from cartrial.sdtm.errors import ISSUE_COLUMNS

    frames = []
    for p in files:
        if p.suffix == ".csv":
            frames.append(pd.read_csv(p, dtype=str, keep_default_na=False).assign(job=p.stem))
        else:
            frames.append(pd.DataFrame([{"severity": "error", "rule": p.read_text(encoding="utf-8").strip(),
                                         "action": "run stopped", "job": p.stem}]))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return frame.reindex(columns=["job", *ISSUE_COLUMNS]).fillna("")


def finish_run(studies: dict, *, root: str | Path = ".", log=None) -> str:
    """Remove the deliverables of the analyses that failed in this run, write their error lists and
    return the summary for the console. ``log`` is Snakemake's log file (or a list of them)."""
    root = Path(root)
    analyses = {s: list(cfg.get("analyses", {})) for s, cfg in studies.items()}
    logs = [log] if isinstance(log, (str, Path)) else list(log or [])
    text = "\n".join(Path(p).read_text(encoding="utf-8", errors="replace") for p in logs if Path(p).is_file())
    failed = _failed(root, analyses, text)
    lines = ["", "cartrial run summary:"]
    for study, names in analyses.items():
        for name in names:
            out = root / "results" / study / name
            if (study, name) in failed:
                for item in DELIVERABLES:
                    path = out / item
                    if path.is_dir():
                        shutil.rmtree(path, ignore_errors=True)
                    elif path.exists():
                        path.unlink()
                from cartrial.csvsafe import write_csv  # pandas: only when a job failed

                errors = _error_list(failed[(study, name)])
                if out.is_dir():
                    write_csv(errors, out / "errors.csv")
                n = int((errors["severity"] == "error").sum()) if len(errors) else 0
                what = f"{n} error(s); full list: {out / 'errors.csv'}" if n else \
                    f"a job failed; see its log under logs/{study}/{name}/"
                lines.append(f"  FAILED   {study}/{name}: {what}; its report, ADaM, ARDs, tables and figures were "
                             "removed (out of date)")
                continue
            (out / "errors.csv").unlink(missing_ok=True)
            state = "current " if (out / "report.pdf").is_file() else "not built"
            lines.append(f"  {state} {study}/{name}" + (f": {out / 'report.pdf'}" if state.strip() == "current"
                                                         else ""))
    return "\n".join(lines)
