"""ADPC/ADPP, kinetics, cytokine and B-cell summaries on hand-made data."""
import math

import numpy as np
import pandas as pd
import pytest

from cartrial.adam.adlb import build_adlb
from cartrial.adam.adpc import build_adpc, build_adpp, nominal_day
from cartrial.ard import ard_value
from cartrial.adam.adtte import derive_bcell_recovery
from cartrial.summaries.kinetics import derive_cytokine_peaks, summarize_kinetics

T0 = pd.Timestamp("2025-01-01")
ADSL = pd.DataFrame({"STUDYID": "T", "USUBJID": ["A", "B"], "TRT01P": ["Low", "High"], "TRT01A": ["Low", "High"], "SAFFL": "Y",
                     "TRTSDT": T0})


def day(d, time="09:00"):
    return (T0 + pd.Timedelta(days=d - 1 if d > 0 else d)).strftime("%Y-%m-%d") + (f"T{time}" if time else "")


def test_nominal_days():
    assert nominal_day(pd.Series(["DAY 1", "DAY 28", "MONTH 3", "UNSCHEDULED 1"])).tolist()[:3] == [0, 27, 91]


def test_adpc_times_blq_and_adpp():
    ex = pd.DataFrame({"USUBJID": ["A", "B"], "EXCAT": "CAR-T", "EXSTDTC": [day(1, "10:00"), day(1, "10:00")]})
    rows = []
    for subj, values in (("A", [None, 100.0, 50.0, 10.0, None]), ("B", [None, 20.0, 40.0, 5.0, 2.0])):
        for (visit, d), v in zip((("DAY 1", 1), ("DAY 8", 8), ("DAY 15", 15), ("DAY 29", 29), ("MONTH 3", 92)), values):
            rows.append(dict(STUDYID="T", USUBJID=subj, PCTESTCD="CARTDNA", VISIT=visit,
                             PCDTC=day(d, "08:00" if d == 1 else "10:00"), PCORRES="<LLOQ" if v is None else str(v),
                             PCSTRESN=v, PCSTRESU="copies/ug", PCLLOQ=1.0))
    adpc = build_adpc(pd.DataFrame(rows), ADSL, ex)
    a = adpc[adpc["USUBJID"] == "A"]
    # pre-dose sample -> time 0, value 0; day 8 at 10:00 -> exactly 7 days
    assert a["AFRLT"].tolist()[:2] == [0, 7] and a["AVAL"].iloc[0] == 0
    assert a["BLQFL"].tolist() == ["", "", "", "", "Y"]
    adpp = build_adpp(adpc).set_index(["USUBJID", "PARAMCD"])
    assert adpp.loc[("A", "CMAX"), "AVAL"] == 100 and adpp.loc[("B", "TMAX"), "AVAL"] == 14
    # A: BLQ at Month 3 counts as 0 after the last quantifiable sample; Tlast 28; not persistent at Month 3
    assert adpp.loc[("A", "TLST"), "AVAL"] == 28
    # the interval is stated on the AUC record: 0 to 28 days from the infusion
    assert tuple(adpp.loc[("A", "AUCINT"), ["PPSTINT", "PPENINT"]]) == ("P0D", "P28D")
    assert adpp.loc[("A", "CMAX"), "TRTA"] == "Low"
    assert adpp.loc[("A", "PERS3M"), "AVAL"] == 0 and adpp.loc[("B", "PERS3M"), "AVAL"] == 1
    ard = summarize_kinetics(adpp.reset_index(), levels=["Low", "High"])
    # geometric mean of Cmax 100 and 40 = sqrt(4000)
    assert ard_value(ard, group_level="ALL", variable="CMAX", variable_level="CARTDNA",
                     stat_name="geomean") == pytest.approx(math.sqrt(4000))
    assert ard_value(ard, group_level="ALL", variable="PERS3M", variable_level="CARTDNA", stat_name="p") == 0.5


def _adlb(lb):
    """The LB records as ADLB holds them (the summaries read ADaM only)."""
    return build_adlb(lb, ADSL.assign(LDSTDT=pd.NaT))


def test_cytokine_peak_and_fold_change():
    lb = pd.DataFrame({"USUBJID": "A", "LBTESTCD": "IL6", "LBDTC": [day(-5, None), day(4, None), day(7, None),
                                                                    day(10, None)],
                       "LBSTRESN": [4.0, 40.0, 40.0, 8.0]})
    adae = pd.DataFrame({"USUBJID": ["A"], "TRTEMFL": ["Y"], "SYNDROME": ["CRS"], "ATOXGRN": [2.0]})
    peaks = derive_cytokine_peaks(_adlb(lb), ADSL, adae).set_index("PARAMCD")
    # peak 40 first reached on day 4 (tie: earliest); fold change 40 / 4
    assert (peaks.loc["IL6", "PEAK"], peaks.loc["IL6", "PEAKDAY"], peaks.loc["IL6", "FOLD"]) == (40, 4, 10)
    assert peaks.loc["IL6", "CRSGR"] == "2"


def test_bcell_recovery_time():
    lb = pd.DataFrame({"USUBJID": ["A"] * 4 + ["B"] * 2, "LBTESTCD": "BCELL",
                       "LBDTC": [day(-5, None), day(8, None), day(60, None), day(120, None), day(8, None),
                                 day(60, None)],
                       "LBSTRESN": [150.0, 0.1, 0.5, 40.0, 0.2, 0.3]})
    out = derive_bcell_recovery(_adlb(lb), ADSL, below=5).set_index("USUBJID")
    # A: aplasia from day 8, recovered on day 120 (40 >= 5); B: still below 5 at its last count (day 60)
    assert (out.loc["A", "PARAMCD"], out.loc["A", "AVAL"], out.loc["A", "CNSR"]) == ("TTBREC", 120, 0)
    assert (out.loc["B", "AVAL"], out.loc["B", "CNSR"], out.loc["B", "CNSDTDSC"]) == (60, 1, "last B-cell count")
    assert not np.isnan(out["AVAL"]).any()


def test_no_bcell_counts_or_no_aplasia_gives_no_recovery_records():
    lb = pd.DataFrame({"USUBJID": ["A"] * 2, "LBTESTCD": "BCELL", "LBDTC": [day(-5, None), day(8, None)],
                       "LBSTRESN": [150.0, 90.0]})
    assert len(derive_bcell_recovery(_adlb(lb), ADSL, below=5)) == 0
    assert len(derive_bcell_recovery(_adlb(lb.iloc[0:0]), ADSL, below=5)) == 0
