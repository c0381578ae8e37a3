import pandas as pd
import pytest

from cartrial.ard import ard_value
from cartrial.summaries.efficacy import summarize_response_differences, summarize_response_rates
from cartrial.tables.efficacy import build_primary_table


def _adrs():
    # LOW: 1/3 responders at Month 3 (one imputed), HIGH: 2/2
    return pd.DataFrame({
        "USUBJID": ["L1", "L2", "L3", "H1", "H2"], "ARM": ["Low"] * 3 + ["High"] * 2, "PARAMCD": "ORR",
        "AVISIT": "MONTH 3", "AVISITN": 3.0, "AVALC": ["Y", "N", "N", "Y", "Y"], "DTYPE": ["", "", "NRI", "", ""],
    })


def test_rates_nri_and_observed_cases():
    nri = summarize_response_rates(_adrs(), levels=["Low", "High"])
    v = lambda a, **k: ard_value(a, variable="ORR", variable_level="MONTH 3", **k)  # noqa: E731
    assert v(nri, group_level="Low", stat_name="N") == 3
    assert v(nri, group_level="Low", stat_name="p") == pytest.approx(1 / 3)
    assert v(nri, group_level="ALL", stat_name="n") == 3
    assert v(nri, group_level="ALL", stat_name="N") == 5
    # R: binom.test(3, 5)$conf.int = 0.1466328 0.9472550
    assert v(nri, group_level="ALL", stat_name="ci_lower") == pytest.approx(0.1466328, abs=1e-7)
    oc = summarize_response_rates(_adrs(), levels=["Low", "High"], observed_only=True)
    assert v(oc, group_level="Low", stat_name="N") == 2
    assert set(oc["analysis"]) == {"response_rates_oc"}


def test_differences_are_arm_minus_reference():
    d = summarize_response_differences(_adrs(), levels=["Low", "High"])
    diff = ard_value(d, group_level="High vs Low", variable="ORR", variable_level="MONTH 3", stat_name="diff",
                     method="newcombe")
    assert diff == pytest.approx(1 - 1 / 3)
    assert summarize_response_differences(_adrs(), levels=["Low"]).empty


def test_primary_table_text():
    rates = summarize_response_rates(_adrs(), levels=["Low", "High"])
    t = build_primary_table(rates, paramcd="ORR", visits=["MONTH 3", "MONTH 6"], source="x")
    cells = {r.label: r.cells for r in t.rows}
    assert cells["Responders, n/N (%)"] == ["1/3 (33.3%)", "2/2 (100.0%)", "3/5 (60.0%)"]
    # binom.test(1, 3): 0.008403759 0.905700676 -> (0.8, 90.6)
    assert cells["95% CI (Clopper-Pearson)"][0] == "(0.8, 90.6)"
    assert "Not yet evaluable at this data cut" in cells


def test_response_table_lists_every_configured_sri_k_and_states_the_renal_threshold():
    from cartrial.ard import make_ard
    from cartrial.tables.efficacy import build_response_table

    rows = [dict(analysis="response_rates", group="ARM", group_level="ALL", variable=p, variable_level="MONTH 3",
                 stat_name=s, stat_value=v) for p in ("SRI10", "SRI3", "BICLA", "SRI4", "ORR")
            for s, v in (("n", 1), ("N", 2), ("p", 0.5), ("ci_lower", 0.01), ("ci_upper", 0.99))]
    t = build_response_table(make_ard(rows), number="1", table_id="t", title="t", source="s", renal_upcr=1.0)
    groups = [r.label for r in t.rows if r.kind == "group"]
    assert groups == ["SRI-3", "SRI-4", "SRI-10", "BICLA", "Overall renal response (CRR or PRR)"]
    assert "Renal response is derived for subjects with baseline UPCR >= 1 g/g." in t.footnotes
