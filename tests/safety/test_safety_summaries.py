"""Safety counting conventions by hand: highest grade, N from ADSL, sort order, boundary."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cartrial.ard import ard_value
from cartrial.stats.monitoring import (compute_posterior_exceedance, compute_predictive_probability,
                                       compute_stopping_boundary)
from cartrial.summaries.safety import summarize_ae_by_pt_grade, summarize_ae_by_soc_pt, summarize_safety_overview
from cartrial.tables.safety import build_soc_pt_table

ADSL = pd.DataFrame({"USUBJID": ["A", "B", "C", "D"], "TRT01P": ["Low", "Low", "High", "High"], "TRT01A": ["Low", "Low", "High", "High"],
                     "SAFFL": ["Y", "Y", "Y", "Y"]})


def _adae(rows):
    base = dict(SAFFL="Y", TRTEMFL="Y", AESER="N", RELFL="", FATALFL="", AESIFL="", INFFL="", SYNDROME="",
                AEBODSYS="Investigations")
    return pd.DataFrame([{**base, **r} for r in rows])


ADAE = _adae([
    dict(USUBJID="A", ARM="Low", AEDECOD="Neutrophil count decreased", ATOXGRN=2.0),
    dict(USUBJID="A", ARM="Low", AEDECOD="Neutrophil count decreased", ATOXGRN=4.0),   # same subject, worse
    dict(USUBJID="B", ARM="Low", AEDECOD="Platelet count decreased", ATOXGRN=1.0),
    dict(USUBJID="C", ARM="High", AEDECOD="Pneumonia", AEBODSYS="Infections and infestations", ATOXGRN=3.0,
         AESER="Y", INFFL="Y"),
    dict(USUBJID="C", ARM="High", AEDECOD="Nausea", AEBODSYS="Gastrointestinal disorders", ATOXGRN=1.0,
         TRTEMFL=""),                                                                   # not treatment-emergent
])


def test_overview_counts_subjects_with_n_from_adsl():
    ard = summarize_safety_overview(ADAE, ADSL, levels=["Low", "High"])
    assert ard_value(ard, group_level="ALL", variable="ANY", stat_name="n") == 3   # D has no event
    assert ard_value(ard, group_level="ALL", variable="ANY", stat_name="N") == 4   # N from ADSL, not AE data
    assert ard_value(ard, group_level="High", variable="SERIOUS", stat_name="p") == 0.5
    assert ard_value(ard, group_level="Low", variable="GR3PLUS", stat_name="n") == 1


def test_soc_pt_counts_and_events():
    ard = summarize_ae_by_soc_pt(ADAE, ADSL, levels=["Low", "High"])
    v = lambda **k: ard_value(ard, **k)  # noqa: E731
    assert v(group_level="Low", variable="AEDECOD", variable_level="Neutrophil count decreased", stat_name="n") == 1
    assert v(group_level="Low", variable="AEDECOD", variable_level="Neutrophil count decreased",
             stat_name="events") == 2
    assert v(group_level="ALL", variable="AEBODSYS", variable_level="Investigations", stat_name="n") == 2
    assert v(group_level="ALL", variable="AEBODSYS", variable_level="Investigations", stat_name="n_grade3plus") == 1
    assert "Gastrointestinal disorders" not in set(ard["variable_level"])


def test_pt_by_maximum_grade_counts_subject_once():
    ard = summarize_ae_by_pt_grade(ADAE, ADSL, levels=["Low", "High"])
    v = lambda g: ard_value(ard, group_level="ALL", variable_level="Neutrophil count decreased",  # noqa: E731
                            stat_name=f"n_grade{g}")
    assert (v(2), v(4)) == (0, 1)


def test_sort_order_descending_then_alphabetical():
    rows = ADAE.to_dict("records") + [
        dict(USUBJID="D", ARM="High", AEDECOD="Anaemia", AEBODSYS="Blood and lymphatic system disorders",
             ATOXGRN=1.0, SAFFL="Y", TRTEMFL="Y", AESER="N"),
        dict(USUBJID="D", ARM="High", AEDECOD="Alanine aminotransferase increased", AEBODSYS="Investigations",
             ATOXGRN=1.0, SAFFL="Y", TRTEMFL="Y", AESER="N"),
    ]
    adae = pd.DataFrame(rows).fillna("")
    ard = summarize_ae_by_soc_pt(adae, ADSL, levels=["Low", "High"])
    t = build_soc_pt_table(ard, table_id="t", number="1", title="t", source="s")
    labels = [r.label for r in t.rows]
    # Investigations (3 subjects) first; its PTs: ALT 1, Neutrophil 1, Platelet 1 -> alphabetical;
    # then Blood (1) and Infections (1) alphabetically
    assert labels == ["Subjects with at least one event", "Investigations", "Alanine aminotransferase increased",
                      "Neutrophil count decreased", "Platelet count decreased",
                      "Blood and lymphatic system disorders", "Anaemia", "Infections and infestations", "Pneumonia"]


def test_stopping_boundary_against_direct_beta_computation():
    # Beta(1, 1) prior, stop if P(p > 0.25) > 0.90. Direct: n = 1, x = 1: Beta(2, 1) -> 1 - 0.25^2 = 0.9375 > 0.9
    # x = 0: Beta(1, 2) -> 0.75^2 = 0.5625. So the boundary at n = 1 is 1 event.
    bound = compute_stopping_boundary(15, a=1, b=1, threshold=0.25, cutoff=0.90)
    assert bound[0] == 1
    for n in range(1, 16):
        x = int(bound[n - 1])
        assert stats.beta.sf(0.25, 1 + x, 1 + n - x) > 0.90
        assert x == 0 or stats.beta.sf(0.25, x, 2 + n - x) <= 0.90     # one event fewer does not stop
    # n = 4, x = 2: Beta(3, 3) upper tail above 0.25 = 1 - I_0.25(3, 3) = 0.896484375 (not > 0.9) -> needs 3
    assert compute_posterior_exceedance(2, 4, a=1, b=1, threshold=0.25) == pytest.approx(0.896484375)
    assert bound[3] == 3


def test_predictive_probability_limits():
    # all planned subjects observed: PP is 1 or 0 depending on the final posterior
    assert compute_predictive_probability(12, 15, planned_n=15, a=1, b=1, p0=0.3, cutoff=0.95) == 1.0
    assert compute_predictive_probability(3, 15, planned_n=15, a=1, b=1, p0=0.3, cutoff=0.95) == 0.0
    # one subject to come, x = 7 of 14: success needs P(p > 0.3) > 0.95 with 7 or 8 of 15
    ok7 = stats.beta.sf(0.3, 8, 9) > 0.95
    ok8 = stats.beta.sf(0.3, 9, 8) > 0.95
    p_next = 8 / 16  # beta-binomial(1, 8, 8): P(responder) = 8/16
    expected = (1 - p_next) * ok7 + p_next * ok8
    assert compute_predictive_probability(7, 14, planned_n=15, a=1, b=1, p0=0.3, cutoff=0.95) == pytest.approx(
        expected)
    assert np.isnan(compute_predictive_probability(1, 16, planned_n=15, a=1, b=1, p0=0.3, cutoff=0.95))


def test_predictive_probability_is_shown_at_interim_only():
    from cartrial.ard import make_ard
    from cartrial.report.synopsis import build_synopsis
    from cartrial.tables.safety import build_monitoring_table

    rows = [dict(analysis="monitoring", group="ARM", group_level="ALL", variable="EFFICACY",
                 variable_level="SRI4 at MONTH 1", stat_name=k, stat_value=v, method="beta-binomial")
            for k, v in (("x", 5), ("n", 8), ("p0", 0.3), ("posterior_prob", 0.9), ("planned_n", 15),
                         ("predictive_prob", 0.8))]
    ard = make_ard(rows)
    labels = {kind: [r.label for r in build_monitoring_table(ard, source="s", analysis_type=kind).rows]
              for kind in ("interim", "final")}
    assert any("Predictive probability" in label for label in labels["interim"])
    assert not any("Predictive probability" in label for label in labels["final"])
    synopsis = {kind: [r["label"] for r in build_synopsis({"monitoring": ard}, primary={"paramcd": "SRI4", "visits": ["MONTH 1"]}, analysis_type=kind)]
                for kind in ("interim", "final")}
    assert any("Predictive probability" in s for s in synopsis["interim"])
    assert not any("Predictive probability" in s for s in synopsis["final"])
