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


def test_files_written_in_parallel_equal_those_written_one_by_one(tmp_path):
    import datetime as dt

    from cartrial.adam.export import export_datasets

    frames = {"adsl": pd.DataFrame({"USUBJID": ["S-1", "S-2", None], "AGE": [30.0, None, 41.0]}),
              "adae": pd.DataFrame({"USUBJID": ["S-1"] * 50, "AEDECOD": ["Pyrexia", "Headache"] * 25})}
    jobs, described = {}, {}
    for name, frame in frames.items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    for workers in (1, 2):
        (tmp_path / str(workers)).mkdir()
        jobs[workers] = [(str(tmp_path / f"{n}.parquet"), str(tmp_path / str(workers) / f"{n}.xpt"),
                          str(tmp_path / str(workers) / f"{n}.json")) for n in frames]
        described[workers] = export_datasets(jobs[workers], study="S", timestamp=dt.datetime(2025, 1, 1),
                                             workers=workers)
    assert list(described[2]) == ["adsl", "adae"]  # the order asked for, not the order written
    assert described[1] == described[2]
    for name in frames:
        for ext in ("xpt", "json"):
            assert (tmp_path / "1" / f"{name}.{ext}").read_bytes() == (tmp_path / "2" / f"{name}.{ext}").read_bytes()
