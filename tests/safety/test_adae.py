"""ADAE flags and dates by hand."""
import pandas as pd
import pytest

from cartrial.adam.adae import build_adae

ADSL = pd.DataFrame({
    "USUBJID": ["S1", "S2", "S3"], "TRT01P": ["Low", "High", None], "TRT01A": ["Low", "High", None], "SAFFL": ["Y", "Y", "N"],
    "TRTSDT": pd.to_datetime(["2025-03-10", "2025-04-01", None]),
    "LDSTDT": pd.to_datetime(["2025-03-05", "2025-03-27", "2025-05-01"]),
    "DTHDT": pd.to_datetime([None, "2025-06-15", None]), "AGE": [10.0, 30.0, 40.0],
})


def _ae(rows):
    base = {"STUDYID": "T", "AETERM": None, "AEBODSYS": "Investigations", "AEENDTC": None, "AETOXGR": "1",
            "AESER": "N", "AEREL": "NOT RELATED", "AEOUT": "RECOVERED/RESOLVED"}
    return pd.DataFrame([{**base, **r} for r in rows])


@pytest.fixture(scope="module")
def adae():
    ae = _ae([
        dict(USUBJID="S1", AESEQ=1, AEDECOD="Nausea", AESTDTC="2025-03-06", AEENDTC="2025-03-07"),     # during LD
        dict(USUBJID="S1", AESEQ=2, AEDECOD="Cytokine release syndrome", AESTDTC="2025-03-10",         # infusion day
             AEENDTC="2025-03-14", AETOXGR="2", AEREL="RELATED"),
        dict(USUBJID="S1", AESEQ=3, AEDECOD="Fatigue", AESTDTC="2025-03"),                             # partial, infusion month
        dict(USUBJID="S1", AESEQ=4, AEDECOD="Headache", AESTDTC="2025-03", AEENDTC="2025-03-04"),    # ended before infusion
        dict(USUBJID="S1", AESEQ=5, AEDECOD="Rash", AESTDTC="2025-04", AEENDTC="2025-05"),           # partial, later month
        dict(USUBJID="S1", AESEQ=6, AEDECOD="Pyrexia", AESTDTC=None),                                # missing start, ongoing
        dict(USUBJID="S2", AESEQ=1, AEDECOD="Sepsis", AEBODSYS="Infections and infestations", AESTDTC="2025-06-10",
             AEENDTC="2025-06", AETOXGR="5", AESER="Y", AEOUT="FATAL"),                              # end capped at death
        dict(USUBJID="S3", AESEQ=1, AEDECOD="Pneumonia", AESTDTC="2025-05-02"),                      # never infused
    ])
    return build_adae(ae, ADSL, cut="2025-12-31", aesi_terms=["Rash"],
                      aesi_socs=["Infections and infestations"]).set_index(["USUBJID", "AESEQ"])


def test_treatment_emergence_and_lymphodepletion(adae):
    te = adae["TRTEMFL"].to_dict()
    assert te[("S1", 1)] == "" and adae.loc[("S1", 1), "LDEMFL"] == "Y"
    assert te[("S1", 2)] == "Y"                      # on the infusion day
    assert te[("S3", 1)] == "" and adae.loc[("S3", 1), "LDEMFL"] == ""   # not infused: neither


def test_partial_start_in_infusion_month(adae):
    # 2025-03 contains the infusion (2025-03-10) and the event did not end before it: imputed to the infusion
    assert adae.loc[("S1", 3), "ASTDT"] == pd.Timestamp("2025-03-10")
    assert (adae.loc[("S1", 3), "ASTDTF"], adae.loc[("S1", 3), "TRTEMFL"]) == ("D", "Y")
    # same month but ended on 2025-03-04, before infusion: first of month, not treatment-emergent
    assert adae.loc[("S1", 4), "ASTDT"] == pd.Timestamp("2025-03-01")
    assert adae.loc[("S1", 4), "TRTEMFL"] == ""
    # a later month: first day of the month; end at the last day of May
    assert adae.loc[("S1", 5), "ASTDT"] == pd.Timestamp("2025-04-01")
    assert (adae.loc[("S1", 5), "AENDT"], adae.loc[("S1", 5), "AENDTF"]) == (pd.Timestamp("2025-05-31"), "D")
    # missing start, not ended: imputed to the infusion date (flag Y)
    assert (adae.loc[("S1", 6), "ASTDT"], adae.loc[("S1", 6), "ASTDTF"]) == (pd.Timestamp("2025-03-10"), "Y")


def test_days_duration_and_flags(adae):
    crs = adae.loc[("S1", 2)]
    assert (crs["ASTDY"], crs["AENDY"], crs["ADURN"]) == (1, 5, 5)
    assert (crs["SYNDROME"], crs["AESIFL"], crs["RELFL"], crs["ATOXGRN"]) == ("CRS", "Y", "Y", 2)
    assert adae.loc[("S1", 5), "AESIFL"] == "Y"     # configured AESI term
    sepsis = adae.loc[("S2", 1)]
    assert (sepsis["FATALFL"], sepsis["AESIFL"], sepsis["INFFL"]) == ("Y", "Y", "Y")
    assert sepsis["AENDT"] == pd.Timestamp("2025-06-15")   # June 2025 capped at the death date
    assert len(adae) == 8                                 # no record dropped
