import pytest

from cartrial.adam.adsl import build_adsl
from cartrial.summaries.baseline import summarize_baseline, summarize_disposition
from cartrial.ard import ard_value
from tests.adam.test_adsl import CUT, _domains


@pytest.fixture
def adsl():
    return build_adsl(_domains(), cut=CUT, sledai_version="SLEDAI-2K", age_breaks=[12])


def test_disposition_counts_by_hand(adsl):
    ard = summarize_disposition(adsl, arm_order=["LOW", "HIGH"])
    v = lambda **k: ard_value(ard, **k)  # noqa: E731
    assert v(group_level="ALL", variable="SCREENED", stat_name="n") == 4
    assert v(group_level="ALL", variable="SCRNFAIL", stat_name="n") == 1
    assert v(group_level="ALL", variable="ENROLLED", stat_name="n") == 3
    assert v(group_level="Low", variable="ENROLLED", stat_name="n") == 2
    assert v(group_level="Low", variable="NOT_INFUSED", variable_level="ADVERSE EVENT", stat_name="p") == 0.5
    assert v(group_level="ALL", variable="SAFFL", variable_level="Y", stat_name="n") == 2
    assert v(group_level="High", variable="DCSREAS", variable_level="DEATH", stat_name="n") == 1
    assert v(group_level="ALL", variable="EOSSTT", variable_level="ONGOING", stat_name="p") == 0.5
    # arm order follows the configuration
    assert list(dict.fromkeys(ard.loc[ard["variable"] == "ENROLLED", "group_level"])) == ["Low", "High", "ALL"]


def test_baseline_counts_by_hand(adsl):
    ard = summarize_baseline(adsl, arm_order=["LOW", "HIGH"])
    v = lambda **k: ard_value(ard, **k)  # noqa: E731
    assert v(group_level="ALL", variable="BIGN", stat_name="n") == 2  # safety set only
    assert v(group_level="ALL", variable="AGE", stat_name="mean") == 11.5
    assert v(group_level="ALL", variable="AGEGR1", variable_level="<12", stat_name="p") == 0.5
    assert v(group_level="High", variable="AGEGR1", variable_level="<12", stat_name="n") == 0
    assert v(group_level="ALL", variable="SEX", variable_level="F", stat_name="N") == 2
