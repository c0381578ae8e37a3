"""Every case of the bad-input catalogue (tests/catalogue.py, documented in docs/bad-input.md)."""
import copy
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cartrial.adam.adae import build_adae
from cartrial.adam.adpc import build_adpc, build_adpp
from cartrial.adam.adsl import build_adsl
from cartrial.sdtm.errors import InputDataError
from cartrial.sdtm.ingest import ingest_study
from tests.catalogue import CASES, CUT, STUDY, VARIANTS, markdown
from tests.test_workflow import ROOT, _run, _workspace

DATA = [c for c in CASES if not c.id.startswith("config-")]
CONFIG = [c for c in CASES if c.id.startswith("config-")]


@pytest.fixture(scope="module")
def baseline():
    return ingest_study(ROOT / "data" / STUDY, cut=CUT, studyid=STUDY)


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
            ingest_study(folder, cut=case.cut, studyid=STUDY)
        assert any(_matches(f, case) for f in info.value.findings), str(info.value)
        assert "no report was written" in str(info.value)
        return
    result = ingest_study(folder, cut=case.cut, studyid=STUDY)
    recon, base = result.reconciliation.set_index("domain"), baseline.reconciliation.set_index("domain")
    if case.same:
        _assert_same_domains(result, baseline, folded=case.same == "folded")
    if case.id in BUILDER_CHECKS:
        BUILDER_CHECKS[case.id](result, baseline)
    if case.outcome == "issue":
        issues = result.issues
        hit = issues[(issues["file"] == case.file) & issues["rule"].str.contains(case.rule, regex=False)
                     & ((issues["column"] == case.column) if case.column else True)
                     & ((issues["row"] == case.row) if case.row else True)]
        assert len(hit) >= 1, issues.to_string()
        return
    # accept: nothing listed that the undamaged study does not list, no record lost
    assert len(result.issues) == len(baseline.issues), result.issues.to_string()
    read = recon[recon["status"] == "read"]
    assert (read["read"] == read["removed_not_enrolled"] + read["removed_after_cut"] + read["removed_by_checks"]
            + read["kept"]).all()
    if case.id == "after-cut":
        assert recon.loc["AE", "removed_after_cut"] == base.loc["AE", "removed_after_cut"] + 1
    elif case.id == "unknown-domain":
        assert recon.loc["XX", "status"].startswith("ignored")
    else:
        assert recon.loc[read.index, "kept"].equals(base.loc[read.index, "kept"])
    if case.id in ("bom", "xpt", "parquet-dtypes"):
        dm, ref = result.domains["DM"], baseline.domains["DM"]
        pd.testing.assert_frame_equal(dm[ref.columns], ref, check_dtype=False)


def _assert_same_domains(result, baseline, *, folded: bool) -> None:
    """Every cut domain equals the clean study's (text compared without case when ``folded``)."""
    assert set(result.domains) == set(baseline.domains)
    for domain, ref in baseline.domains.items():
        got = result.domains[domain]
        assert set(got.columns) == set(ref.columns), domain
        got, ref = got[ref.columns].copy(), ref.copy()
        if folded:
            for frame in (got, ref):
                for col in frame.columns[frame.dtypes == object]:
                    frame[col] = frame[col].str.casefold()
        pd.testing.assert_frame_equal(got, ref, check_dtype=False, obj=domain)


def _adsl(result):
    return build_adsl(result.domains, cut=CUT, sledai_version="SELENA-SLEDAI", age_breaks=[40])


def _adae(result):
    return build_adae(result.domains["AE"], _adsl(result), cut=CUT)


def _same_safety_flags(result, baseline):
    """Syndromes, infections, seriousness, relatedness and fatal outcomes are found as in the clean data."""
    cols = ["USUBJID", "AESEQ", "SYNDROME", "INFFL", "AESIFL", "RELFL", "FATALFL", "TRTEMFL", "ATOXGRN"]
    pd.testing.assert_frame_equal(_adae(result)[cols], _adae(baseline)[cols])
    assert (_adae(result)["SYNDROME"] == "CRS").sum() > 0


def _same_kinetics(result, baseline):
    """Hour-precision sample times give the clean data's actual times and NCA parameters."""
    def adpp(r):
        adpc = build_adpc(r.domains["PC"], _adsl(r), r.domains["EX"])
        return adpc, build_adpp(adpc)
    (pc1, pp1), (pc0, pp0) = adpp(result), adpp(baseline)
    pd.testing.assert_series_equal(pc1["AFRLT"], pc0["AFRLT"])
    pd.testing.assert_frame_equal(pp1, pp0)


def _age_in_years(result, baseline):
    adsl = _adsl(result).set_index("USUBJID")
    assert adsl.loc["CHT101-SLE-01-001", "AGE"] == 4  # 53 months = 4 completed years (the case sets MONTHS)
    assert result.domains["DM"].set_index("USUBJID").loc["CHT101-SLE-01-001", "AGEU"] == "YEARS"


def _no_negative_duration(result, baseline):
    adae = _adae(result)
    assert (adae["ADURN"].dropna() > 0).all()
    assert pd.isna(result.domains["AE"]["AEENDTC"].iloc[0])


def _comma_read(result, baseline):
    lb, ref = result.domains["LB"], baseline.domains["LB"]
    pd.testing.assert_series_equal(lb["LBSTRESN"], ref["LBSTRESN"])


BUILDER_CHECKS = {
    "v-aedecod-upper": _same_safety_flags, "v-aebodsys-upper": _same_safety_flags,
    "v-ae-flags-lower": _same_safety_flags, "v-pcdtc-hour": _same_kinetics, "v-age-months": _age_in_years,
    "v-ae-end-before-start": _no_negative_duration, "v-decimal-comma-orres": _comma_read,
    "v-decimal-comma-stresn": _comma_read,
}


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
    assert len(VARIANTS) >= 40 and {c.outcome for c in VARIANTS} == {"stop", "issue", "accept"}
    assert {c.outcome for c in CASES} == {"stop", "issue", "accept"}
    assert (ROOT / "docs" / "bad-input.md").read_text() == markdown()
