"""The ARD file layout (CDISC ARS / R cards) and its exact round trip to the in-memory form."""
import numpy as np
import pandas as pd

from cartrial.ard import FILE_COLUMNS, make_ard, read_ard, write_ard


def _example():
    return make_ard([
        dict(analysis="ae", group="ARM", group_level="Low", variable="ANY", variable_level="ANY", stat_name="n",
             stat_value=3.0),
        dict(analysis="ae", group="ARM", group_level="ALL", variable="ANY", variable_level="ANY", stat_name="p",
             stat_value=0.1),
        dict(analysis="ae", group="ARM", group_level="ALL", group2="AEBODSYS", group2_level="Infections and infestations",
             variable="AEDECOD", variable_level="Pneumonia", stat_name="n", stat_value=2.0),
        dict(analysis="tte", group="ARM", group_level="Low", variable="DURDORIS", variable_level="Duration",
             stat_name="rate_m12_ci_lower", stat_value=0.123456789012345),
        dict(analysis="tte", group="ARM", group_level="Low", variable="DURDORIS", variable_level="Duration",
             stat_name="n_risk_m3", stat_value=7.0),
        dict(analysis="tte", group="ARM", group_level="Low", variable="DURDORIS", variable_level="Duration",
             stat_name="median", stat_value=np.nan),
        dict(analysis="chg", group="ARM", group_level="Low", variable="SLEDAI", variable_level="MONTH 3",
             stat_name="chg_mean", stat_value=-1.5),
    ])


def test_file_layout(tmp_path):
    path = tmp_path / "a.csv"
    write_ard(_example(), path)
    disk = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(disk.columns) == FILE_COLUMNS
    rows = disk.to_dict("records")
    # the arm is group1, with no level for all subjects; counts are integers
    assert (rows[0]["group1"], rows[0]["group1_level"], rows[0]["stat"], rows[0]["fmt"]) == ("ARM", "Low", "3", "d")
    assert (rows[1]["group1_level"], rows[1]["stat"], rows[1]["stat_label"]) == ("", "0.1", "Proportion")
    # a PT carries its SOC as its second group
    assert (rows[2]["group2"], rows[2]["group2_level"], rows[2]["stat"]) == ("AEBODSYS", "Infections and infestations", "2")
    # a landmark is a timepoint level, not part of the statistic's name
    assert (rows[3]["group2"], rows[3]["group2_level"], rows[3]["stat_name"]) == ("AVISIT", "MONTH 12", "rate_ci_lower")
    assert rows[3]["stat_label"] == "Event-free rate CI Lower Bound" and rows[3]["stat"] == "0.123456789012345"
    assert (rows[4]["group2_level"], rows[4]["stat_name"], rows[4]["stat"]) == ("MONTH 3", "n_risk", "7")
    assert rows[5]["stat"] == "" and rows[6]["stat"] == "-1.5"


def test_round_trip_is_exact(tmp_path):
    path = tmp_path / "a.csv"
    frame = _example()
    write_ard(frame, path)
    pd.testing.assert_frame_equal(read_ard(path), frame)


def test_lookup_names_a_misspelt_statistic_and_allows_an_empty_level():
    import pytest

    from cartrial.ard import ard_lookup
    from cartrial.tables.efficacy import build_response_table

    ard = make_ard([{"analysis": "response_rates", "group": "ARM", "group_level": "ALL", "variable": "SRI4",
                     "variable_level": "MONTH 3", "stat_name": s, "stat_value": v}
                    for s, v in (("n", 3), ("N", 10), ("p", 0.3), ("ci_lower", 0.07), ("ci_upper", 0.65))])
    v = ard_lookup(ard)
    assert v.get(("ALL", "SRI4", "MONTH 6", "n"), 0) == 0          # a visit without subjects: the default
    with pytest.raises(KeyError, match="ARD response_rates: no stat_name 'ci_lowr'"):
        v.get(("ALL", "SRI4", "MONTH 3", "ci_lowr"))
    with pytest.raises(KeyError, match="no statistic"):
        v[("ALL", "SRI4", "MONTH 6", "n")]
    # a table reading an ARD that lacks a statistic it shows stops, naming it, instead of printing 0/0
    with pytest.raises(KeyError, match="no stat_name 'ci_upper'"):
        build_response_table(ard[ard["stat_name"] != "ci_upper"], number="14.2.2", table_id="t", title="T",
                             source="s")
