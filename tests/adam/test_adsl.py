import numpy as np
import pandas as pd
import pytest

from cartrial.adam.adsl import build_adsl, derive_age_group

CUT = "2025-12-31"


def _domains():
    dm = pd.DataFrame({
        "STUDYID": "S1", "USUBJID": ["S1-001", "S1-002", "S1-003", "S1-004"],
        "AGE": [11.0, 12.0, 30.0, 45.0], "SEX": ["F", "F", "M", "F"],
        "ARMCD": ["LOW", "HIGH", "SCRNFAIL", "LOW"], "ARM": ["Low", "High", "Screen Failure", "Low"],
        "ACTARMCD": ["LOW", "HIGH", "SCRNFAIL", "NOTTRT"], "ACTARM": ["Low", "High", "Screen Failure", "Not Treated"],
        "RFICDTC": ["2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05"],
        "RFXSTDTC": ["2025-02-01T10:00", "2025-02-03", None, None],
        "DTHFL": [None, "Y", None, None], "DTHDTC": [None, "2025-06-30", None, None],
    })
    ex = pd.DataFrame({
        "USUBJID": ["S1-001", "S1-001", "S1-002", "S1-004"],
        "EXCAT": ["LYMPHODEPLETION", "CAR-T", "CAR-T", "LYMPHODEPLETION"],
        "EXTRT": ["FLU", "CART", "CART", "FLU"], "EXDOSE": [25.0, 0.52, 1.01, 25.0],
        "EXDOSU": ["mg/m2", "10^6 cells/kg", "10^6 cells/kg", "mg/m2"],
        # EX infusion date differs from DM.RFXSTDTC for S1-001: EX wins (stated rule)
        "EXSTDTC": ["2025-01-27", "2025-02-02T10:00", "2025-02-03", "2025-02-01"],
    })
    ds = pd.DataFrame({
        "USUBJID": ["S1-001", "S1-002", "S1-002", "S1-003", "S1-004"],
        "DSCAT": ["PROTOCOL MILESTONE", "PROTOCOL MILESTONE", "DISPOSITION EVENT", "DISPOSITION EVENT",
                  "DISPOSITION EVENT"],
        "DSDECOD": ["INFORMED CONSENT OBTAINED", "INFORMED CONSENT OBTAINED", "DEATH", "SCREEN FAILURE",
                    "ADVERSE EVENT"],
        "DSSTDTC": ["2025-01-02", "2025-01-03", "2025-06-30", "2025-01-10", "2025-02-02"],
    })
    rs = pd.DataFrame({  # S1-002's only SLEDAI assessment is after infusion: not in the efficacy set
        "USUBJID": ["S1-001", "S1-001", "S1-002", "S1-002"],
        "RSCAT": ["SLEDAI-2K", "SLEDAI-2K", "SLEDAI-2K", "PGA"],
        "RSTESTCD": ["RASH", "RASH", "RASH", "PGA"],
        "RSDTC": ["2025-01-25", "2025-03-05", "2025-03-05", "2025-01-30"],
    })
    vs = pd.DataFrame({
        "USUBJID": ["S1-001"] * 4,
        "VSTESTCD": ["HEIGHT", "WEIGHT", "WEIGHT", "WEIGHT"],
        "VSSTRESN": [150.0, 40.0, 41.0, 39.0],
        # last on or before infusion (2025-02-02) is the 41.0 of 2025-02-02
        "VSDTC": ["2025-01-10", "2025-01-10", "2025-02-02", "2025-03-01"],
    })
    lb = pd.DataFrame({"USUBJID": ["S1-001", "S1-001"], "LBDTC": ["2025-08-01", "2026-01-15"]})
    return {"DM": dm, "EX": ex, "DS": ds, "RS": rs, "VS": vs, "LB": lb}


@pytest.fixture
def adsl():
    return build_adsl(_domains(), cut=CUT, sledai_version="SLEDAI-2K", age_breaks=[12]).set_index("USUBJID")


def test_populations(adsl):
    assert adsl["SCRNFL"].tolist() == ["N", "N", "Y", "N"]
    assert adsl["ENRLFL"].tolist() == ["Y", "Y", "N", "Y"]
    assert adsl["SAFFL"].tolist() == ["Y", "Y", "N", "N"]
    assert adsl["EFFFL"].tolist() == ["Y", "N", "N", "N"]
    assert adsl["TRT01A"].tolist()[:2] == ["Low", "High"] and adsl["TRT01A"].isna().tolist()[2:] == [True, True]
    assert adsl.loc["S1-004", "TRT01P"] == "Low"


def test_treatment_dates(adsl):
    assert adsl.loc["S1-001", "TRTSDT"] == pd.Timestamp("2025-02-02")  # from EX, not DM
    assert adsl.loc["S1-001", "LDSTDT"] == pd.Timestamp("2025-01-27")
    assert adsl.loc["S1-001", "DOSE"] == 0.52
    assert adsl.loc["S1-002", "TRTSDT"] == pd.Timestamp("2025-02-03")
    assert pd.isna(adsl.loc["S1-004", "TRTSDT"]) and adsl.loc["S1-004", "LDSTDT"] == pd.Timestamp("2025-02-01")


def test_disposition_and_death(adsl):
    assert adsl["EOSSTT"].tolist() == ["ONGOING", "DISCONTINUED", "DISCONTINUED", "DISCONTINUED"]
    assert adsl["DCSREAS"].tolist()[1:] == ["DEATH", "SCREEN FAILURE", "ADVERSE EVENT"]
    assert adsl.loc["S1-002", "DTHFL"] == "Y" and adsl.loc["S1-002", "DTHDT"] == pd.Timestamp("2025-06-30")
    assert adsl.loc["S1-001", "DTHFL"] is None


def test_follow_up(adsl):
    # S1-001: last contact is the LB of 2025-08-01 (2026-01-15 is after the cut): 2025-02-02 .. 2025-08-01 = 181 days
    assert adsl.loc["S1-001", "LSTALVDT"] == pd.Timestamp("2025-08-01")
    assert adsl.loc["S1-001", "FUPDUR"] == 181
    # S1-002 died on 2025-06-30: 2025-02-03 .. 2025-06-30 = 148 days
    assert adsl.loc["S1-002", "FUPDUR"] == 148
    assert adsl.loc["S1-002", "FUPMO"] == pytest.approx(148 / 30.4375)
    assert np.isnan(adsl.loc["S1-003", "FUPDUR"])


def test_baseline_vitals(adsl):
    assert adsl.loc["S1-001", "HEIGHTBL"] == 150.0 and adsl.loc["S1-001", "WEIGHTBL"] == 41.0
    assert adsl.loc["S1-001", "BMIBL"] == pytest.approx(41.0 / 1.5 ** 2)
    assert adsl.loc["S1-001", "BSABL"] == pytest.approx((150 * 41 / 3600) ** 0.5)


def test_age_groups_boundary():
    out = derive_age_group(pd.DataFrame({"AGE": [11.0, 12.0, 17.0, 18.0, np.nan]}), breaks=[12, 18])
    assert out["AGEGR1"].tolist() == ["<12", "12-<18", "12-<18", ">=18", None]


def test_one_record_per_dm_subject_and_no_rs():
    d = _domains()
    del d["RS"]
    out = build_adsl(d, cut=CUT, sledai_version="SLEDAI-2K", age_breaks=[12])
    assert out["USUBJID"].tolist() == ["S1-001", "S1-002", "S1-003", "S1-004"]
    assert out["EFFFL"].isna().all()


def test_rescue_date_and_monitoring_evaluable_set():
    """RESCDT from the first rescue CM record (partial date at its earliest day); MONEVLFL = infused at least
    28 days before the cut, or with a treatment-emergent CRS/ICANS of grade >= 3 (any case of the PT)."""
    from cartrial.adam.adsl import build_adsl

    dm = pd.DataFrame({"STUDYID": "S", "USUBJID": ["A", "B", "C", "D"], "ARM": "X", "ARMCD": "X", "ACTARM": "X",
                       "ACTARMCD": "X", "RFICDTC": "2025-01-01", "RFXSTDTC": ["2025-01-10", "2025-03-20", "2025-03-20",
                                                                          None], "AGE": 30.0})
    cm = pd.DataFrame({"USUBJID": ["A", "A", "B"], "CMCAT": ["RESCUE THERAPY", "RESCUE THERAPY", "GLUCOCORTICOID"],
                       "CMSTDTC": ["2025-03", "2025-02-20", "2025-03-01"]})
    ae = pd.DataFrame({"USUBJID": ["B", "C"], "AEDECOD": ["CYTOKINE RELEASE SYNDROME", "Cytokine release syndrome"],
                       "AESTDTC": ["2025-03-22", "2025-03-22"], "AEENDTC": [None, None], "AETOXGR": ["3", "2"]})
    adsl = build_adsl({"DM": dm, "CM": cm, "AE": ae}, cut="2025-04-01", sledai_version="SLEDAI-2K",
                      age_breaks=[18]).set_index("USUBJID")
    assert adsl.loc["A", "RESCDT"] == pd.Timestamp("2025-02-20") and adsl["RESCDT"].drop("A").isna().all()
    # A: infused 81 days before the cut; B: 12 days but a grade 3 CRS; C: 12 days, grade 2 only; D: not infused
    assert adsl["MONEVLFL"].tolist() == ["Y", "Y", "", ""]
