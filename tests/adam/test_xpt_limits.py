"""XPT v5 limits checked before export: names, labels and 200-byte character values."""
import pandas as pd
import pytest

from cartrial.adam.xpt import check_v5


@pytest.mark.parametrize("value, ok", [
    ("a" * 200, True), ("a" * 201, False),
    ("\u00e9" * 100, True),   # 100 characters, 200 bytes in UTF-8
    ("\u00e9" * 101, False),  # 101 characters, 202 bytes: too long although under 200 characters
])
def test_character_values_are_limited_to_200_bytes(value, ok):
    frame = pd.DataFrame({"AETERM": ["short", value, value]})
    if ok:
        check_v5(frame, {}, name="adae")
    else:
        with pytest.raises(ValueError, match="AETERM has values longer than 200 bytes"):
            check_v5(frame, {}, name="adae")


def test_names_and_labels():
    with pytest.raises(ValueError, match="longer than 8 characters"):
        check_v5(pd.DataFrame({"TOOLONGNAME": [1.0]}), {}, name="x")
    with pytest.raises(ValueError, match="label of A longer than 40"):
        check_v5(pd.DataFrame({"A": [1.0]}), {"A": "L" * 41}, name="x")
