"""ADRS end to end on hand-made subjects: windows, NRI, rescue, units, data cut."""
import numpy as np
import pandas as pd
import pytest

from cartrial.adam.efficacy import build_efficacy
from cartrial.adam.visits import make_month_windows
from cartrial.endpoints.rules import EndpointRules
from cartrial.sdtm.contract import BILAG_DOMAINS, SLEDAI_ITEMS
from cartrial.sdtm.units import LB_UNITS, convert_units

INFUSION = pd.Timestamp("2025-01-01")


def day(d: int) -> str:
    return (INFUSION + pd.Timedelta(days=d - 1 if d > 0 else d)).strftime("%Y-%m-%d")


def rs_visit(subj, d, present, pga, bilag=None, visit="V"):
    rows = [dict(USUBJID=subj, RSCAT="SLEDAI-2K", RSTESTCD=i, RSSTRESC="Y" if i in present else "N",
                 RSSTRESN=np.nan, RSDTC=day(d), VISIT=visit, VISITNUM=1.0) for i in SLEDAI_ITEMS]
    grades = {d_: "E" for d_ in BILAG_DOMAINS} | (bilag or {})
    rows += [dict(USUBJID=subj, RSCAT="BILAG-2004", RSTESTCD=k, RSSTRESC=v, RSSTRESN=np.nan, RSDTC=day(d),
                  VISIT=visit, VISITNUM=1.0) for k, v in grades.items()]
    rows.append(dict(USUBJID=subj, RSCAT="PGA", RSTESTCD="PGA", RSSTRESC=f"{pga:.2f}", RSSTRESN=pga,
                     RSDTC=day(d), VISIT=visit, VISITNUM=1.0))
    return rows


ACTIVE = ["ARTHRIT", "RASH", "LOWCOMPL", "DNABIND"]  # 4 + 2 + 2 + 2 = 10


def _study():
    subjects = ["S1", "S2", "S3", "S4"]
    adsl = pd.DataFrame({
        "STUDYID": "T", "USUBJID": subjects, "TRT01P": "Arm", "TRT01A": "Arm", "TRTSDT": INFUSION, "SAFFL": "Y", "EFFFL": "Y",
        "AGE": [10.0, 30.0, 30.0, 30.0], "SEX": "F", "RFICDT": INFUSION - pd.Timedelta(days=30),
        "DTHDT": pd.NaT, "EOSSTT": ["ONGOING", "DISCONTINUED", "ONGOING", "ONGOING"],
        "DCSREAS": [None, "WITHDRAWAL BY SUBJECT", None, None],
        "EOSDT": [pd.NaT, pd.Timestamp(day(50)), pd.NaT, pd.NaT],
        "RESCDT": [pd.NaT, pd.NaT, pd.Timestamp(day(80)), pd.NaT],  # the CM rescue record of S3 below
    })
    rs = []
    # S1: responder at Month 1 through an unscheduled assessment on day 40; Month 3 on day 95
    rs += rs_visit("S1", -5, ACTIVE, 1.5, {"MUSCSKEL": "B"})
    rs += rs_visit("S1", 40, ["LOWCOMPL"], 0.4, {"MUSCSKEL": "D"}, visit="UNSCHEDULED 1")
    rs += rs_visit("S1", 95, [], 0.1, {"MUSCSKEL": "D"})
    # S2: withdrew on day 50 after a Month 1 non-response; no Month 3 assessment
    rs += rs_visit("S2", -5, ACTIVE, 1.5)
    rs += rs_visit("S2", 31, ACTIVE, 1.5)
    # S3: rescue therapy on day 80; Month 3 assessment looks like a response but counts as none
    rs += rs_visit("S3", -5, ACTIVE, 1.5)
    rs += rs_visit("S3", 31, ["LOWCOMPL"], 0.3)
    rs += rs_visit("S3", 92, [], 0.1)
    # S4: Month 1 assessment with a missing descriptor (no total)
    rs += rs_visit("S4", -5, ACTIVE, 1.5)
    rows = rs_visit("S4", 31, [], 0.1)
    for r in rows:
        if r["RSTESTCD"] == "PYURIA":
            r["RSSTRESC"] = None
    rs += rows
    lb = pd.DataFrame([
        # S1 child: UPCR 226.2 mg/mmol = 2.0 g/g at baseline, 45.24 mg/mmol = 0.4 g/g at Month 3
        dict(USUBJID="S1", LBTESTCD="UPCR", LBSTRESN=226.2, LBSTRESU="mg/mmol", LBDTC=day(-5)),
        dict(USUBJID="S1", LBTESTCD="UPCR", LBSTRESN=45.24, LBSTRESU="mg/mmol", LBDTC=day(95)),
        dict(USUBJID="S1", LBTESTCD="CREAT", LBSTRESN=0.5, LBSTRESU="mg/dL", LBDTC=day(-5)),
        dict(USUBJID="S1", LBTESTCD="CREAT", LBSTRESN=0.5, LBSTRESU="mg/dL", LBDTC=day(95)),
    ])
    lb = convert_units(lb, testcd="LBTESTCD", value="LBSTRESN", unit="LBSTRESU", table=LB_UNITS, domain="LB",
                       file="lb.csv")
    vs = pd.DataFrame([dict(USUBJID="S1", VSTESTCD="HEIGHT", VSSTRESN=130.0, VSDTC=day(-20))])
    cm = pd.DataFrame([
        dict(USUBJID="S3", CMTRT="Rituximab", CMDECOD="RITUXIMAB", CMCAT="RESCUE THERAPY", CMDOSE=375.0,
             CMDOSFRQ="ONCE", CMROUTE="INTRAVENOUS", CMSTDTC=day(80), CMENDTC=day(80)),
        dict(USUBJID="S1", CMTRT="Prednisone", CMDECOD="PREDNISONE", CMCAT="GLUCOCORTICOID", CMDOSE=2.5,
             CMDOSFRQ="BID", CMROUTE="ORAL", CMSTDTC=day(-100), CMENDTC=None),
    ])
    return {"RS": pd.DataFrame(rs), "LB": lb, "VS": vs, "CM": cm}, adsl


@pytest.fixture(scope="module")
def result():
    domains, adsl = _study()
    # cut on day 150: Month 1 (window to day 61) and Month 3 (to day 138) are due, Month 6 (to day 230) is not
    return build_efficacy(domains, adsl, version="SLEDAI-2K", windows=make_month_windows([1, 3, 6]),
                          rules=EndpointRules(), cut=day(150))


def _get(adrs, subj, param, visit):
    row = adrs[(adrs["USUBJID"] == subj) & (adrs["PARAMCD"] == param) & (adrs["AVISIT"] == visit)]
    assert len(row) == 1, (subj, param, visit)
    return row.iloc[0]


def test_unscheduled_assessment_counts_in_its_window(result):
    adqs, adrs, _, _ = result
    r = _get(adrs, "S1", "SRI4", "MONTH 1")
    assert (r["AVALC"], r["DTYPE"], r["ADT"]) == ("Y", "", pd.Timestamp(day(40)))


def test_visit_not_due_at_cut_is_absent(result):
    _, adrs, _, _ = result
    assert "MONTH 6" not in set(adrs["AVISIT"])


def test_withdrawal_before_visit_is_imputed(result):
    _, adrs, _, _ = result
    assert _get(adrs, "S2", "SRI4", "MONTH 1")["AVALC"] == "N"
    r = _get(adrs, "S2", "SRI4", "MONTH 3")
    assert (r["AVALC"], r["DTYPE"], r["NRIREAS"]) == ("N", "NRI", "DISCONTINUED: WITHDRAWAL BY SUBJECT")


def test_rescue_therapy_makes_later_visits_non_response(result):
    _, adrs, _, _ = result
    assert _get(adrs, "S3", "SRI4", "MONTH 1")["AVALC"] == "Y"
    r = _get(adrs, "S3", "SRI4", "MONTH 3")
    assert (r["AVALC"], r["CRIT5FL"]) == ("N", "N")


def test_missing_descriptor_is_not_evaluable(result):
    _, adrs, issues, _ = result
    r = _get(adrs, "S4", "SRI4", "MONTH 1")
    assert (r["AVALC"], r["DTYPE"]) == ("N", "NRI")
    assert any(i.usubjid == "S4" and "1 missing descriptor" in i.rule for i in issues)


def test_doris_uses_bid_steroid_dose(result):
    # S1 Month 3: clinical SLEDAI 0, PGA 0.1, prednisone 2.5 mg BID = 5 mg/day (limit inclusive)
    _, adrs, _, _ = result
    assert _get(adrs, "S1", "DORIS", "MONTH 3")["AVALC"] == "Y"
    # Month 1 (day 40): PGA 0.4 < 0.5, clinical SLEDAI 0 (only low complement): remission too
    assert _get(adrs, "S1", "DORIS", "MONTH 1")["AVALC"] == "Y"


def test_renal_response_from_mg_per_mmol(result):
    adqs, adrs, _, _ = result
    upcr = adqs[(adqs["USUBJID"] == "S1") & (adqs["PARAMCD"] == "UPCR") & (adqs["ANL01FL"] == "Y")]
    assert upcr["AVAL"].tolist() == pytest.approx([2.0, 0.4])
    egfr = adqs[(adqs["USUBJID"] == "S1") & (adqs["PARAMCD"] == "EGFR") & (adqs["ABLFL"] == "Y")]
    assert egfr["AVAL"].iloc[0] == pytest.approx(0.413 * 130 / 0.5)   # child: bedside Schwartz
    assert _get(adrs, "S1", "CRR", "MONTH 3")["AVALC"] == "Y"
    # Month 1: no UPCR in the window - imputed
    assert _get(adrs, "S1", "ORR", "MONTH 1")["DTYPE"] == "NRI"
    # the other subjects have no baseline UPCR: no renal records
    assert set(adrs.loc[adrs["PARAMCD"] == "ORR", "USUBJID"]) == {"S1"}


def test_slices_of_subjects_build_the_study_whole(result, tmp_path):
    """ADQS, ADRS and the issues built one subject at a time (cartrial.slices) with the study's evaluable
    endpoints are the study's. Only S1 has renal data: alone, the others' slices would derive no renal
    response, so the study's answer is handed to them."""
    from cartrial.adam.efficacy import Evaluable, evaluable, join_issues
    from cartrial.io import write_parquet
    from cartrial.slices import SlicedWriter, subject_slices

    domains, adsl = _study()
    bounds = ["S2", "S3", "S4"]
    parts = subject_slices(adsl, bounds)
    settings = dict(version="SLEDAI-2K", windows=make_month_windows([1, 3, 6]), rules=EndpointRules(), cut=day(150))

    def sliced(k, **kw):
        mine = {d: f[f["USUBJID"].isin(parts[k]["USUBJID"])].reset_index(drop=True) for d, f in domains.items()}
        return build_efficacy(mine, parts[k], **settings, **kw)

    assert evaluable(result[3]) == Evaluable(True, True)
    assert evaluable(sliced(1)[3]) == Evaluable(True, False)  # S2 alone: no renal data
    built = [sliced(k, evaluable=Evaluable(True, True)) for k in range(len(parts))]
    for i, name in ((0, "adqs"), (1, "adrs")):
        writer = SlicedWriter(tmp_path / f"{name}.parquet", paramn=True)
        for b in built:
            writer.add(b[i])
        writer.close()
        write_parquet(result[i], tmp_path / f"{name}_whole.parquet")
        assert (tmp_path / f"{name}.parquet").read_bytes() == (tmp_path / f"{name}_whole.parquet").read_bytes()
    assert join_issues([b[2] for b in built]) == result[2] and len(result[2]) > 0
    assert [b[3] for b in built] == [result[3]] * len(parts)
