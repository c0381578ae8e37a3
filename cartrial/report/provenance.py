"""Provenance of a run: inputs (SHA-256), config, code and package versions."""
from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

import cartrial

PACKAGES = ("cartrial", "snakemake", "pandas", "numpy", "scipy", "statsmodels", "lifelines", "matplotlib",
            "jinja2", "weasyprint", "pandera", "pyreadstat", "pyarrow")


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def code_version(root: str | Path) -> str:
    """``<package version>+<git commit>`` (``-dirty`` with local edits), or the version alone."""
    version = cartrial.__version__
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
        return f"{version}+{commit}{'-dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return version


def build_provenance(*, study: str, analysis: str, cut: str, analysis_type: str, study_config: dict,
                     reconciliation: pd.DataFrame, code: str, run_time: str, effective: dict | None = None) -> dict:
    """A JSON-ready record of what produced a report."""
    inputs = [
        {k: (None if pd.isna(v) else (int(v) if isinstance(v, float) and v.is_integer() else v))
         for k, v in row.items()}
        for row in reconciliation.to_dict(orient="records")
    ]
    return {
        "study": study, "analysis": analysis, "analysis_type": analysis_type, "data_cut": cut,
        "inputs": inputs, "config": study_config, "code_version": code,
        "packages": package_versions(), "run_time": run_time,
        # the complete configuration of the run: every section, every default (cartrial.config.effective_config)
        "effective_config": effective or {},
    }
