"""Instrument scorers against hand derivations from the published definitions."""
import math

import numpy as np
import pandas as pd
import pytest

from cartrial.instruments.bilag import all_baseline_ab_improved, compute_bilag_global, count_new_grades
from cartrial.instruments.renal import compute_egfr, compute_egfr_ckd_epi_2021, compute_egfr_schwartz
from cartrial.instruments.sledai import compute_sledai_total, derive_sledai_assessments
from cartrial.instruments.steroids import (DEFAULT_FACTORS, DEFAULT_FREQUENCIES, compute_prednisone_equivalent,
                                           derive_glucocorticoid_records)
from cartrial.sdtm.contract import BILAG_DOMAINS, SLEDAI_ITEMS


def _items(present=(), missing=()):
    row = {i: (np.nan if i in missing else float(i in present)) for i in SLEDAI_ITEMS}
    return pd.DataFrame([row])


def test_sledai_weights_by_hand():
    # seizure 8 + arthritis 4 + proteinuria 4 + rash 2 + low complement 2 + DNA binding 2 + fever 1 = 23
    items = _items(["SEIZURE", "ARTHRIT", "PROTURIA", "RASH", "LOWCOMPL", "DNABIND", "FEVER"])
    assert compute_sledai_total(items).iloc[0] == 23
    assert compute_sledai_total(items, clinical=True).iloc[0] == 19  # without serology (2 + 2)
    everything = _items(SLEDAI_ITEMS)
    assert compute_sledai_total(everything).iloc[0] == 105


def test_missing_item_means_no_total():
    items = _items(["ARTHRIT"], missing=["PYURIA"])
    assert math.isnan(compute_sledai_total(items).iloc[0])
    # a missing serology item does not block the clinical score
    assert compute_sledai_total(_items(["ARTHRIT"], missing=["DNABIND"]), clinical=True).iloc[0] == 4


def test_assessments_from_rs_records_and_crf_total():
    rows = [{"USUBJID": "S1", "RSCAT": "SLEDAI-2K", "RSTESTCD": i, "RSSTRESC": "Y" if i == "RASH" else "N",
             "RSSTRESN": np.nan, "RSDTC": "2025-01-01", "VISIT": "BASELINE", "VISITNUM": 2.0} for i in SLEDAI_ITEMS]
    rows.append({"USUBJID": "S1", "RSCAT": "SLEDAI-2K", "RSTESTCD": "TOTAL", "RSSTRESC": "4", "RSSTRESN": 4.0,
                 "RSDTC": "2025-01-01", "VISIT": "BASELINE", "VISITNUM": 2.0})
    # the other version's records are ignored
    rows.append({"USUBJID": "S1", "RSCAT": "SELENA-SLEDAI", "RSTESTCD": "SEIZURE", "RSSTRESC": "Y",
                 "RSSTRESN": np.nan, "RSDTC": "2025-01-01", "VISIT": "BASELINE", "VISITNUM": 2.0})
    out = derive_sledai_assessments(pd.DataFrame(rows), version="SLEDAI-2K")
    assert len(out) == 1
    assert (out["SLEDAI"].iloc[0], out["CRFTOT"].iloc[0], out["NMISS"].iloc[0]) == (2, 4, 0)


def _grades(**kw):
    return pd.DataFrame([{d: kw.get(d, "E") for d in BILAG_DOMAINS}])


def test_bilag_global_score():
    # A 12 + B 8 + C 1 + D 0 = 21
    assert compute_bilag_global(_grades(RENAL="A", MUSCSKEL="B", MUCOCUT="C", HAEMATOL="D")).iloc[0] == 21


@pytest.mark.parametrize("base, now, new_a, new_b", [
    ({"RENAL": "A"}, {"RENAL": "B"}, 0, 0),            # A -> B is an improvement, not a new B
    ({"RENAL": "C"}, {"RENAL": "B"}, 0, 1),
    ({"RENAL": "C", "MUSCSKEL": "D"}, {"RENAL": "B", "MUSCSKEL": "B"}, 0, 2),  # two new B
    ({"RENAL": "B"}, {"RENAL": "A"}, 1, 0),
    ({"RENAL": "E"}, {"RENAL": "A"}, 1, 0),
    ({"RENAL": "B"}, {"RENAL": "B"}, 0, 0),            # persistent B is not new
])
def test_new_bilag_grades(base, now, new_a, new_b):
    out = count_new_grades(_grades(**now), _grades(**base))
    assert (out["NEWA"].iloc[0], out["NEWB"].iloc[0]) == (new_a, new_b)


def test_bicla_improvement():
    assert all_baseline_ab_improved(_grades(RENAL="B", MUSCSKEL="C"), _grades(RENAL="A", MUSCSKEL="B")).iloc[0]
    assert not all_baseline_ab_improved(_grades(RENAL="B", MUSCSKEL="B"), _grades(RENAL="A", MUSCSKEL="B")).iloc[0]
    assert not all_baseline_ab_improved(_grades(), _grades()).iloc[0]  # nothing to improve


def test_egfr_by_hand():
    # bedside Schwartz: 0.413 x 140 / 0.7 = 82.6
    assert compute_egfr_schwartz(140, 0.7) == pytest.approx(82.6)
    # CKD-EPI 2021, male 50 y, SCr 1.2: 142 x (1.2/0.9)^-1.200 x 0.9938^50 = 73.675 (hand, 4 significant digits)
    assert compute_egfr_ckd_epi_2021(1.2, 50, "M") == pytest.approx(73.675, abs=0.01)
    # female 30 y, SCr 0.8: 142 x (0.8/0.7)^-1.200 x 0.9938^30 x 1.012 = 101.589
    assert compute_egfr_ckd_epi_2021(0.8, 30, "F") == pytest.approx(101.589, abs=0.01)
    # female 30 y, SCr 0.5 (below kappa): (0.5/0.7)^-0.241 = exp(0.241 x 0.336472) = 1.084469;
    # 142 x 1.084469 x 0.829791 (= 0.9938^30) x 1.012 = 129.317
    assert compute_egfr_ckd_epi_2021(0.5, 30, "F") == pytest.approx(129.317, abs=0.01)
    # the equation switches at 18 years
    out = compute_egfr([0.7, 0.7], age=[17.99, 18.0], sex=["F", "F"], height_cm=[160, 160])
    assert out[0] == pytest.approx(0.413 * 160 / 0.7)
    assert out[1] == pytest.approx(compute_egfr_ckd_epi_2021(0.7, 18.0, "F"))


def _cm(rows):
    base = {"USUBJID": "S1", "CMCAT": "GLUCOCORTICOID", "CMROUTE": "ORAL", "CMENDTC": None}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_prednisone_equivalent_by_hand():
    cm = _cm([
        {"CMDECOD": "METHYLPREDNISOLONE", "CMTRT": "Medrol", "CMDOSE": 2.0, "CMDOSFRQ": "BID",
         "CMSTDTC": "2025-01-01", "CMENDTC": "2025-01-31"},                           # 2 x 2 x 1.25 = 5
        {"CMDECOD": "PREDNISONE", "CMTRT": "Pred", "CMDOSE": 2.5, "CMDOSFRQ": "QD",
         "CMSTDTC": "2025-01-20", "CMENDTC": "2025-02-10"},                           # overlaps: + 2.5
        {"CMDECOD": "DEXAMETHASONE", "CMTRT": "Dex", "CMDOSE": 0.75, "CMDOSFRQ": "QD",
         "CMSTDTC": "2025-03", "CMENDTC": None},                                      # 0.75 mg = 5 mg pred
        {"CMDECOD": "HYDROCORTISONE", "CMTRT": "cream", "CMDOSE": 10.0, "CMDOSFRQ": "QD", "CMROUTE": "TOPICAL",
         "CMSTDTC": "2025-01-01"},                                                    # topical: not counted
    ])
    rec = derive_glucocorticoid_records(cm, factors=DEFAULT_FACTORS, frequencies=DEFAULT_FREQUENCIES,
                                        routes=["ORAL", "INTRAVENOUS", "INTRAMUSCULAR"])
    dates = pd.DataFrame({"USUBJID": ["S1"] * 5, "ADT": pd.to_datetime(
        ["2025-01-10", "2025-01-25", "2025-02-15", "2025-03-01", "2025-12-31"])})
    got = compute_prednisone_equivalent(dates, rec).tolist()
    assert got == pytest.approx([5.0, 7.5, 0.0, 5.0, 5.0])


def test_unknown_glucocorticoid_gives_missing_dose():
    cm = _cm([{"CMDECOD": "FLUDROCORTISONE", "CMTRT": "x", "CMDOSE": 0.1, "CMDOSFRQ": "QD", "CMSTDTC": "2025-01-01"}])
    rec = derive_glucocorticoid_records(cm, factors=DEFAULT_FACTORS, frequencies=DEFAULT_FREQUENCIES)
    dates = pd.DataFrame({"USUBJID": ["S1"], "ADT": pd.to_datetime(["2025-01-05"])})
    assert math.isnan(compute_prednisone_equivalent(dates, rec).iloc[0])
