"""Adverse events of special interest and related TEAEs (cartrial.summaries.safety), derived by hand; the
Clopper-Pearson bounds are R binom.test (tests/reference/aesi.R)."""
from pathlib import Path

import pandas as pd
import pytest

from cartrial.ard import ALL, ard_value
from cartrial.summaries.safety import summarize_ae_by_pt_grade, summarize_ae_by_soc_pt, summarize_aesi

CP = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "aesi_cp.csv").set_index(["x", "n"])
ADSL = pd.DataFrame({"USUBJID": ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "N1"],
                     "TRT01A": ["A"] * 4 + ["B"] * 3 + [""], "SAFFL": ["Y"] * 7 + ["N"]})


def _ae(usubjid, pt, soc, *, aesi="Y", te="Y", rel="Y", grade=2, arm=None):
    return {"USUBJID": usubjid, "ARM": arm or usubjid[0], "SAFFL": "N" if usubjid == "N1" else "Y", "AEDECOD": pt,
            "AEBODSYS": soc, "AESIFL": aesi, "TRTEMFL": te, "RELFL": rel, "ATOXGRN": float(grade)}


ADAE = pd.DataFrame([
    _ae("A1", "Cytokine release syndrome", "Immune system disorders"),
    _ae("A1", "Neutrophil count decreased", "Investigations", grade=3),
    _ae("A2", "Hypogammaglobulinaemia", "Immune system disorders", rel=""),
    _ae("A3", "Nausea", "Gastrointestinal disorders", aesi=""),                 # not of special interest
    _ae("A4", "Cytokine release syndrome", "Immune system disorders", te=""),   # not treatment-emergent
    _ae("B1", "Neutrophil count decreased", "Investigations", grade=4),
    _ae("N1", "Cytokine release syndrome", "Immune system disorders", arm="Not infused"),  # not in the safety set
])


@pytest.mark.parametrize("term, counts", [
    ("ANY", {"A": (2, 4), "B": (1, 3), ALL: (3, 7)}),
    ("Cytokine release syndrome", {"A": (1, 4), "B": (0, 3), ALL: (1, 7)}),
    ("Hypogammaglobulinaemia", {"A": (1, 4), "B": (0, 3), ALL: (1, 7)}),
    ("Neutrophil count decreased", {"A": (1, 4), "B": (1, 3), ALL: (2, 7)}),
])
def test_aesi_counts_and_exact_cis(term, counts):
    ard = summarize_aesi(ADAE, ADSL, levels=["A", "B"])
    variable = "ANY" if term == "ANY" else "AEDECOD"
    for arm, (x, n) in counts.items():
        v = lambda s: ard_value(ard, group_level=arm, variable=variable, variable_level=term, stat_name=s)  # noqa
        assert (v("n"), v("N")) == (x, n), arm
        assert v("ci_lower") == pytest.approx(CP.loc[(x, n), "lower"], abs=1e-10)
        assert v("ci_upper") == pytest.approx(CP.loc[(x, n), "upper"], abs=1e-10)
    assert set(ard["variable_level"]) == {"ANY", "Cytokine release syndrome", "Hypogammaglobulinaemia",
                                          "Neutrophil count decreased"}  # Nausea is not an AESI


def test_related_teaes_by_soc_pt_and_grade():
    soc = summarize_ae_by_soc_pt(ADAE, ADSL, levels=["A", "B"], also=("RELFL",), analysis="ae_related_by_soc_pt")
    v = lambda arm, var, term, s: ard_value(soc, group_level=arm, variable=var, variable_level=term, stat_name=s)  # noqa
    # related TEAEs: A1 CRS and neutropenia (grade 3), A3 nausea, B1 neutropenia (grade 4); A2's
    # hypogammaglobulinaemia is not related and A4's CRS is not treatment-emergent
    assert v("A", "ANY", "ANY", "n") == 2 and v("B", "ANY", "ANY", "n") == 1 and v(ALL, "ANY", "ANY", "n") == 3
    assert v(ALL, "ANY", "ANY", "n_grade3plus") == 2
    assert "Hypogammaglobulinaemia" not in set(soc["variable_level"])
    grade = summarize_ae_by_pt_grade(ADAE, ADSL, levels=["A", "B"], also=("RELFL",), analysis="ae_related_by_pt_grade")
    g = lambda arm, k: ard_value(grade, group_level=arm, variable="AEDECOD",  # noqa: E731
                                 variable_level="Neutrophil count decreased", stat_name=f"n_grade{k}")
    assert (g("A", 3), g("A", 4), g("B", 4), g(ALL, 3), g(ALL, 4)) == (1, 0, 1, 1, 1)
    assert list(dict.fromkeys(grade["group_level"])) == ["A", "B", ALL]  # the configured column order
