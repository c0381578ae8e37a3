"""Shared fixtures: tiny hand-made SDTM domains whose expected values are derived by hand."""
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    return ROOT


def text_frame(rows: list[dict]) -> pd.DataFrame:
    """A reader-like all-text frame (missing as NaN)."""
    return pd.DataFrame(rows).astype(object).where(lambda f: f.notna(), None)


@pytest.fixture(scope="session")
def two_runs(tmp_path_factory):
    """Two whole runs of the workflow on the demo study's interim analysis, in fresh workspaces (shared by
    the workflow and report tests; the report tests rerun only the report in the first)."""
    from tests.test_workflow import _checksums, _run, _workspace

    dirs = []
    for i in range(2):
        ws = _workspace(tmp_path_factory.mktemp(f"run{i}"))
        before = _checksums(ws / "data")
        proc = _run(ws)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert _checksums(ws / "data") == before, "the run modified its input data"
        written = {p.relative_to(ws).parts[0] for p in ws.rglob("*") if p.is_file() and p.stat().st_mtime > 0}
        assert written <= {"Snakefile", "workflow", "scripts", "templates", "profiles", "data", "config.yaml",
                           "results", "logs", ".snakemake"}
        dirs.append(ws / "results" / "cht101-sle" / "interim")
    return dirs
