"""Responder rules at their boundaries, written by hand from spec/endpoints.md."""
import numpy as np
import pandas as pd
import pytest

from cartrial.endpoints import responders as R
from cartrial.endpoints.rules import EndpointRules
from cartrial.sdtm.contract import BILAG_DOMAINS, SLEDAI_ITEMS

RULES = EndpointRules()


def visit(**kw) -> pd.DataFrame:
    """One visit-frame row of a subject in remission at Month 3, overridable."""
    row = {"USUBJID": "S1", "AVISIT": "MONTH 3", "AVISITN": 3.0, "ADT": pd.Timestamp("2025-04-01"),
           "SLEDAI": 0.0, "SLEDAI_BASE": 12.0, "CSLEDAI": 0.0, "PGA": 0.2, "PGA_BASE": 1.8, "PREDEQ": 2.5,
           "NEWA": 0.0, "NEWB": 0.0, "RESCUEDT": pd.NaT, "KRTDT": pd.NaT, "DTHDT": pd.NaT,
           "UPCR": 0.3, "UPCR_BASE": 2.0, "EGFR": 100.0, "EGFR_BASE": 100.0}
    row.update({i: 0.0 for i in SLEDAI_ITEMS})
    row.update({f"{i}_PREV": 0.0 for i in SLEDAI_ITEMS})
    row.update({d: "D" for d in BILAG_DOMAINS})
    row.update({f"{d}_BASE": "E" for d in BILAG_DOMAINS})
    row.update({"RENAL": "C", "RENAL_BASE": "A"})
    row.update(kw)
    return pd.DataFrame([row])


def avalc(frame: pd.DataFrame, paramcd: str | None = None) -> str | None:
    if paramcd:
        frame = frame[frame["PARAMCD"] == paramcd]
    return frame["AVALC"].iloc[0]


@pytest.mark.parametrize("current, k, expected", [(8.0, 4, "Y"), (9.0, 4, "N"), (4.0, 8, "Y"), (5.0, 8, "N")])
def test_sri_sledai_drop_exactly_k(current, k, expected):
    assert avalc(R.derive_sri(visit(SLEDAI=current, SLEDAI_BASE=12.0), k=k, rules=RULES)) == expected


@pytest.mark.parametrize("base, now, expected", [
    (1.10, 1.40, "N"),   # exactly +0.30 (1.40 - 1.10 = 0.2999999999999998 in binary): not < 0.30
    (0.70, 1.00, "N"),   # exactly +0.30 (0.30000000000000004 in binary)
    (1.10, 1.39, "Y"),   # +0.29
    (2.00, 1.00, "Y"),
])
def test_sri_pga_increase_boundary(base, now, expected):
    assert avalc(R.derive_sri(visit(PGA=now, PGA_BASE=base), k=4, rules=RULES)) == expected


@pytest.mark.parametrize("newa, newb, expected", [(0, 1, "Y"), (0, 2, "N"), (1, 0, "N")])
def test_sri_bilag_rules(newa, newb, expected):
    assert avalc(R.derive_sri(visit(NEWA=float(newa), NEWB=float(newb)), k=4, rules=RULES)) == expected


def test_rescue_on_or_before_assessment_fails_every_endpoint():
    on_day = visit(RESCUEDT=pd.Timestamp("2025-04-01"))
    after = visit(RESCUEDT=pd.Timestamp("2025-04-02"))
    for derive in (lambda v: R.derive_sri(v, k=4, rules=RULES), lambda v: R.derive_doris(v, rules=RULES),
                   lambda v: R.derive_lldas(v, rules=RULES), lambda v: R.derive_bicla(v, rules=RULES)):
        assert avalc(derive(on_day)) == "N"
        assert avalc(derive(after)) == "Y"
    assert avalc(R.derive_renal_response(on_day, rules=RULES), "ORR") == "N"


def test_component_flags_say_why():
    out = R.derive_sri(visit(SLEDAI=10.0, NEWB=2.0), k=4, rules=RULES)
    flags = [out[f"CRIT{i}FL"].iloc[0] for i in range(1, 6)]
    assert flags == ["N", "Y", "N", "Y", "Y"]
    assert out["CRIT1"].iloc[0] == "SLEDAI decrease from baseline >= 4"


def test_missing_component_leaves_response_undetermined_unless_another_fails():
    assert avalc(R.derive_sri(visit(PGA=np.nan), k=4, rules=RULES)) is None
    assert avalc(R.derive_sri(visit(PGA=np.nan, SLEDAI=11.0), k=4, rules=RULES)) == "N"


@pytest.mark.parametrize("pga, expected", [(0.49, "Y"), (0.50, "N")])
def test_doris_pga_exactly_half(pga, expected):
    assert avalc(R.derive_doris(visit(PGA=pga), rules=RULES)) == expected


@pytest.mark.parametrize("dose, inclusive, expected", [
    (5.0, True, "Y"), (5.000000000000001, True, "Y"),   # dexamethasone 0.75 mg x (5/0.75) in binary
    (5.0, False, "N"), (5.5, True, "N"), (0.0, True, "Y"),
])
def test_doris_steroid_limit(dose, inclusive, expected):
    rules = EndpointRules(doris_pred_inclusive=inclusive)
    assert avalc(R.derive_doris(visit(PREDEQ=dose), rules=rules)) == expected


def test_doris_ignores_serology_but_not_clinical_activity():
    assert avalc(R.derive_doris(visit(SLEDAI=4.0, CSLEDAI=0.0, LOWCOMPL=1.0, DNABIND=1.0), rules=RULES)) == "Y"
    assert avalc(R.derive_doris(visit(SLEDAI=1.0, CSLEDAI=1.0, FEVER=1.0), rules=RULES)) == "N"


def test_lldas_rules():
    ok = dict(SLEDAI=4.0, LOWCOMPL=1.0, DNABIND=1.0, LOWCOMPL_PREV=1.0, DNABIND_PREV=1.0, PGA=1.0, PREDEQ=7.5)
    assert avalc(R.derive_lldas(visit(**ok), rules=RULES)) == "Y"
    assert avalc(R.derive_lldas(visit(**{**ok, "LOWCOMPL_PREV": 0.0}), rules=RULES)) == "N"  # new activity
    assert avalc(R.derive_lldas(visit(**{**ok, "SLEDAI": 4.0, "LOWCOMPL": 0.0, "DNABIND": 0.0, "PROTURIA": 1.0,
                                         "PROTURIA_PREV": 1.0}), rules=RULES)) == "N"      # renal activity
    assert avalc(R.derive_lldas(visit(**{**ok, "PGA": 1.01}), rules=RULES)) == "N"
    assert avalc(R.derive_lldas(visit(**{**ok, "PREDEQ": 7.6}), rules=RULES)) == "N"


def test_bicla_rules():
    assert avalc(R.derive_bicla(visit(), rules=RULES)) == "Y"
    # baseline A renal now A: not improved
    assert avalc(R.derive_bicla(visit(RENAL="A"), rules=RULES)) == "N"
    # SLEDAI worse than baseline
    assert avalc(R.derive_bicla(visit(SLEDAI=13.0), rules=RULES)) == "N"


def _renal(**kw):
    out = R.derive_renal_response(visit(**kw), rules=RULES)
    return {p: avalc(out, p) for p in ("CRR", "PRR", "ORR")}


def test_renal_response_by_hand():
    assert _renal(UPCR=0.49, EGFR=100.0, EGFR_BASE=100.0) == {"CRR": "Y", "PRR": "N", "ORR": "Y"}
    # UPCR 0.5 is not < 0.5; reduced >= 50% from 2.0 and < 3: partial
    assert _renal(UPCR=0.5) == {"CRR": "N", "PRR": "Y", "ORR": "Y"}
    # eGFR fallen by exactly 10% (100 -> 90) is allowed; by more (89.9) is not, unless eGFR >= 90 for CRR
    assert _renal(UPCR=0.3, EGFR=90.0) == {"CRR": "Y", "PRR": "N", "ORR": "Y"}
    assert _renal(UPCR=0.3, EGFR=80.0, EGFR_BASE=100.0) == {"CRR": "N", "PRR": "N", "ORR": "N"}
    assert _renal(UPCR=0.3, EGFR=95.0, EGFR_BASE=120.0)["CRR"] == "Y"   # fell 21% but still >= 90
    assert _renal(UPCR=0.9, EGFR=95.0, EGFR_BASE=120.0)["PRR"] == "N"   # partial needs eGFR kept
    # reduction just short of 50%: 2.0 -> 1.01
    assert _renal(UPCR=1.01) == {"CRR": "N", "PRR": "N", "ORR": "N"}
    # death or kidney replacement therapy before the visit
    assert _renal(KRTDT=pd.Timestamp("2025-03-01"))["ORR"] == "N"


def test_renal_population_requires_baseline_proteinuria():
    out = R.derive_renal_response(visit(UPCR_BASE=0.3), rules=RULES)
    assert out.empty


def test_nri_fills_expected_grid():
    observed = pd.DataFrame({"USUBJID": ["S1"], "AVISIT": ["MONTH 1"], "AVISITN": [1.0], "PARAMCD": ["SRI4"],
                             "PARAM": ["SRI-4"], "AVALC": [None]})
    expected = pd.DataFrame({"USUBJID": ["S1", "S1"], "AVISIT": ["MONTH 1", "MONTH 3"], "AVISITN": [1.0, 3.0],
                             "PARAMCD": ["SRI4", "SRI4"], "PARAM": ["SRI-4"] * 2,
                             "NRIREAS": ["NO EVALUABLE ASSESSMENT IN WINDOW", "DISCONTINUED: WITHDRAWAL BY SUBJECT"]})
    out = R.impute_nonresponders(observed, expected)
    assert out["AVALC"].tolist() == ["N", "N"] and out["DTYPE"].tolist() == ["NRI", "NRI"]


@pytest.mark.parametrize("dose, expected", [(0.0, "Y"), (2.5, "N"), (None, None)])
def test_steroid_free_doris_needs_no_glucocorticoid(dose, expected):
    """DORIS remission at 2.5 mg/day is not steroid-free; an unknown dose leaves it undetermined."""
    frame = visit(PREDEQ=np.nan if dose is None else dose)
    assert avalc(R.derive_doris(frame, rules=RULES)) == ("Y" if dose is not None else None)
    assert avalc(R.derive_doris_steroid_free(frame, rules=RULES)) == expected


def test_steroid_free_doris_still_needs_clinical_remission():
    assert avalc(R.derive_doris_steroid_free(visit(PREDEQ=0.0, CSLEDAI=2.0, ARTHRIT=1.0), rules=RULES)) == "N"
