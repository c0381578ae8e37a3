"""ADTTE event and censoring rules with hand-derived dates."""
import pandas as pd
import pytest

from cartrial.adam.adtte import build_adtte
from cartrial.summaries.tte import summarize_time_to_event

T0 = pd.Timestamp("2025-01-01")


def d(day):
    return T0 + pd.Timedelta(days=day - 1)


ADSL = pd.DataFrame({"STUDYID": "T", "USUBJID": ["A", "B", "C"], "TRT01P": "Arm", "TRT01A": "Arm", "SAFFL": "Y", "TRTSDT": T0,
                     "DTHDT": [pd.NaT, d(200), pd.NaT], "LSTALVDT": [d(400), d(200), d(300)]})


def adrs(rows):
    return pd.DataFrame([dict(USUBJID=u, PARAMCD=p, ADT=d(day), AVALC=v, DTYPE=t, CRIT2FL=c)
                         for u, p, day, v, t, c in rows])


ADRS = adrs([
    # A: DORIS at 92 and 183, lost at 275 (event for the duration), LLDAS Y then N at 275
    ("A", "DORIS", 31, "N", "", "Y"), ("A", "DORIS", 92, "Y", "", "Y"), ("A", "DORIS", 183, "Y", "", "Y"),
    ("A", "DORIS", 275, "N", "", "Y"), ("A", "LLDAS", 92, "Y", "", "Y"), ("A", "LLDAS", 275, "N", "", "Y"),
    ("A", "SRI4", 31, "Y", "", "Y"), ("A", "SRI4", 275, "N", "", "N"),
    # B: never in remission; died on day 200; the NRI record at day 275 is not an event
    ("B", "DORIS", 31, "N", "", "Y"), ("B", "DORIS", 92, "N", "", "Y"), ("B", "DORIS", 275, "N", "NRI", "Y"),
    ("B", "LLDAS", 31, "N", "", "Y"), ("B", "SRI4", 31, "N", "", "Y"),
    # C: in remission from day 31 to the last assessment (day 183): duration censored
    ("C", "DORIS", 31, "Y", "", "Y"), ("C", "DORIS", 183, "Y", "", "Y"), ("C", "LLDAS", 31, "Y", "", "Y"),
    ("C", "SRI4", 31, "Y", "", "Y"), ("C", "SRI4", 183, "Y", "", "Y"),
])
SPECS = [
    {"paramcd": "TTDORIS", "start": "TRTSDT", "events": [{"paramcd": "DORIS", "avalc": "Y"}],
     "censor": {"paramcd": "DORIS"}},
    {"paramcd": "DURDORIS", "start": {"first": {"paramcd": "DORIS", "avalc": "Y"}},
     "events": [{"paramcd": "DORIS", "avalc": "N"}], "censor": {"paramcd": "DORIS"}},
    {"paramcd": "TTFLARE", "start": "TRTSDT",
     "events": [{"paramcd": "LLDAS", "avalc": "N", "after": {"paramcd": "LLDAS", "avalc": "Y"},
                 "label": "LOSS OF LLDAS"},
                {"paramcd": "SRI4", "crit": "CRIT2FL", "value": "N"}], "censor": {"paramcd": "SRI4"}},
    {"paramcd": "OS", "start": "TRTSDT", "events": [{"adsl": "DTHDT", "label": "DEATH"}],
     "censor": {"adsl": "LSTALVDT"}},
    {"paramcd": "TTPK", "start": "TRTSDT", "events": [{"paramcd": "CMAX"}], "censor": {"paramcd": "CMAX"}},
]


@pytest.fixture(scope="module")
def adtte():
    out, skipped = build_adtte(ADSL, ADRS, SPECS)
    assert skipped == ["TTPK: ADRS has no CMAX"]
    return out.set_index(["PARAMCD", "USUBJID"])


def test_time_to_first_remission(adtte):
    assert adtte.loc[("TTDORIS", "A"), ["AVAL", "CNSR"]].tolist() == [92, 0]        # day 92 - day 1 + 1
    # B: censored at the last observed DORIS assessment (day 92), not at the imputed day 275
    b = adtte.loc[("TTDORIS", "B")]
    assert (b["AVAL"], b["CNSR"], b["CNSDTDSC"]) == (92, 1, "last DORIS assessment")


def test_duration_of_remission(adtte):
    a = adtte.loc[("DURDORIS", "A")]
    assert (a["STARTDT"], a["ADT"], a["AVAL"], a["CNSR"]) == (d(92), d(275), 275 - 92 + 1, 0)
    c = adtte.loc[("DURDORIS", "C")]
    assert (c["ADT"], c["AVAL"], c["CNSR"]) == (d(183), 183 - 31 + 1, 1)
    assert ("DURDORIS", "B") not in adtte.index                                    # never in remission


def test_flare_and_survival(adtte):
    a = adtte.loc[("TTFLARE", "A")]
    assert (a["AVAL"], a["CNSR"], a["EVNTDESC"]) == (275, 0, "LOSS OF LLDAS")     # first of the two sources
    assert adtte.loc[("TTFLARE", "B"), "CNSR"] == 1                                # LLDAS never attained
    assert adtte.loc[("OS", "B"), ["AVAL", "CNSR"]].tolist() == [200, 0]
    assert adtte.loc[("OS", "A"), ["AVAL", "CNSR"]].tolist() == [400, 1]


def test_ard_counts(adtte):
    ard = summarize_time_to_event(adtte.reset_index().assign(PARAM="x"), levels=["Arm"], landmark_months=[3])
    v = ard[(ard["group_level"] == "ALL") & (ard["variable"] == "TTDORIS")].set_index("stat_name")["stat_value"]
    assert (v["n"], v["events"], v["censored"]) == (3, 2, 1)
    # events at day 31 (C) and 92 (A), B censored at 92: S(31) = 2/3, S(92) = 2/3 x (1 - 1/2) = 1/3
    assert v["median"] == 92
    # month 3 = day 91.3125: only the step of day 31 is in force (A has AVAL 92) -> 2/3
    assert v["rate_m3"] == pytest.approx(2 / 3)
