"""Every case of the bad-input catalogue (tests/catalogue.py, documented in docs/bad-input.md)."""
import copy
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cartrial.sdtm.errors import InputDataError
from cartrial.sdtm.ingest import ingest_study
from tests.catalogue import CASES, CUT, STUDY, markdown
from tests.test_workflow import ROOT, _run, _workspace

DATA = [c for c in CASES if not c.id.startswith("config-")]
CONFIG = [c for c in CASES if c.id.startswith("config-")]


@pytest.fixture(scope="module")
def baseline():
    return ingest_study(ROOT / "data" / STUDY, cut=CUT)


def _damaged(tmp_path, case) -> Path:
    folder = tmp_path / STUDY
    shutil.copytree(ROOT / "data" / STUDY, folder)
    if case.damage:
        case.damage(folder)
    return folder


def _matches(finding, case) -> bool:
    return (finding.file == case.file and (case.row is None or finding.row == case.row)
            and (case.column is None or finding.column == case.column) and case.rule in finding.rule)


@pytest.mark.parametrize("case", DATA, ids=[c.id for c in DATA])
def test_data_case(case, tmp_path, baseline):
    folder = _damaged(tmp_path, case)
    if case.outcome == "stop":
        with pytest.raises(InputDataError) as info:
            ingest_study(folder, cut=case.cut)
        assert any(_matches(f, case) for f in info.value.findings), str(info.value)
        assert "no report was written" in str(info.value)
        return
    result = ingest_study(folder, cut=case.cut)
    recon, base = result.reconciliation.set_index("domain"), baseline.reconciliation.set_index("domain")
    if case.outcome == "issue":
        issues = result.issues
        hit = issues[(issues["file"] == case.file) & issues["rule"].str.contains(case.rule, regex=False)
                     & ((issues["column"] == case.column) if case.column else True)]
        assert len(hit) >= 1, issues.to_string()
        return
    # accept: nothing listed that the undamaged study does not list, no record lost
    assert len(result.issues) == len(baseline.issues), result.issues.to_string()
    read = recon[recon["status"] == "read"]
    assert (read["read"] == read["removed_not_enrolled"] + read["removed_after_cut"] + read["kept"]).all()
    if case.id == "after-cut":
        assert recon.loc["AE", "removed_after_cut"] == base.loc["AE", "removed_after_cut"] + 1
    elif case.id == "unknown-domain":
        assert recon.loc["XX", "status"].startswith("ignored")
    else:
        assert recon.loc[read.index, "kept"].equals(base.loc[read.index, "kept"])
    if case.id in ("bom", "xpt", "parquet-dtypes"):
        dm, ref = result.domains["DM"], baseline.domains["DM"]
        pd.testing.assert_frame_equal(dm[ref.columns], ref, check_dtype=False)


def _merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = _merge(out.get(key, {}), value) if isinstance(value, dict) else value
    return out


@pytest.mark.parametrize("case", CONFIG, ids=[c.id for c in CONFIG])
def test_config_case(case, tmp_path):
    study = {"data": f"data/{STUDY}", "sledai_version": "SELENA-SLEDAI",
             "analyses": {"interim": {"cut": "2024-11-30", "type": "interim"}}}
    ws = _workspace(tmp_path, yaml.safe_dump({"studies": {STUDY: _merge(study, case.config)}}))
    proc = _run(ws, "-n")
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "config.yaml" in said and case.rule in said, said[-2000:]
    assert len(said) < 3000  # one clear message, not the whole schema


def test_catalogue_is_large_enough_and_documented():
    assert len(CASES) >= 30 and len({c.id for c in CASES}) == len(CASES)
    assert {c.outcome for c in CASES} == {"stop", "issue", "accept"}
    assert (ROOT / "docs" / "bad-input.md").read_text() == markdown()
