"""The observations of an XPT v5 file are encoded with numpy: the file must be, byte for byte, the one
pyreadstat's own (record-by-record) writer gives for the same frame. pyreadstat is the independent reference
here; the values read back are checked against the frame too."""
import numpy as np
import pandas as pd
import pytest

import cartrial.adam.xpt as xpt


def _pyreadstat_file(frame: pd.DataFrame, path) -> bytes:
    """The whole file as pyreadstat writes it (no date or text conversion needed for these frames)."""
    import pyreadstat

    pyreadstat.write_xport(frame, str(path), file_format_version=5, table_name="T",
                           column_labels=[xpt.LABELS.get(c, c) for c in frame.columns])
    return path.read_bytes()


def _ours(frame: pd.DataFrame, path) -> bytes:
    xpt.write_xpt(frame, path, table_name="T")
    return path.read_bytes()


def _same_but_stamp(a: bytes, b: bytes) -> bool:
    """Equal but for the header date-times (the two files are written seconds apart)."""
    return xpt.STAMP.sub(b"X", a) == xpt.STAMP.sub(b"X", b)


def test_numbers_over_the_whole_ibm_range_are_encoded_as_pyreadstat_does(tmp_path):
    rng = np.random.default_rng(20261128)
    magnitudes = 10.0 ** rng.uniform(-75, 74, 2000)
    values = np.concatenate([
        magnitudes * rng.choice([-1, 1], 2000),
        [0.0, 1.0, -1.0, 0.5, 0.1, 1 / 3, 16.0, 15.999999999999998, 1e-5, 123456789.123, 2.0 ** 52 + 1, np.nan],
        rng.integers(-10_000, 10_000, 500).astype(float),  # integers, days since 1960
    ])
    frame = pd.DataFrame({"AVAL": values})
    assert _same_but_stamp(_ours(frame, tmp_path / "a.xpt"), _pyreadstat_file(frame, tmp_path / "b.xpt"))
    import pyreadstat

    back = pyreadstat.read_xport(str(tmp_path / "a.xpt"))[0]["AVAL"].to_numpy()
    assert np.array_equal(back, values, equal_nan=True)  # exact: no bit of the mantissa is lost


@pytest.mark.parametrize("rows", [0, 1, 3, 20, 2501])
def test_text_and_numbers_with_padding_to_80_bytes(tmp_path, rows, monkeypatch):
    monkeypatch.setattr(xpt, "CHUNK_ROWS", 1000)  # several chunks for the largest frame
    words = ["", "a", "Pyrexia", "Cytokine release syndrome", "\u00e9l\u00e9vation", "x" * 200, "  lead"]
    frame = pd.DataFrame({
        "USUBJID": [f"S-{i:05d}" for i in range(rows)],
        "AEDECOD": [words[i % len(words)] for i in range(rows)],
        "EMPTY": [""] * rows,
        "AVAL": [i / 7 if i % 5 else np.nan for i in range(rows)],
        "AESEQ": np.arange(rows, dtype="int64"),
    })
    ours = _ours(frame, tmp_path / "a.xpt")
    assert len(ours) % 80 == 0
    assert _same_but_stamp(ours, _pyreadstat_file(frame, tmp_path / "b.xpt"))


def test_row_width_that_fills_whole_records(tmp_path):
    frame = pd.DataFrame({"A": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], "B": ["y" * 72] * 10})  # 80 bytes a row
    ours = _ours(frame, tmp_path / "a.xpt")
    assert _same_but_stamp(ours, _pyreadstat_file(frame, tmp_path / "b.xpt"))


def test_a_number_outside_the_ibm_range_is_an_error(tmp_path):
    for value in (np.inf, 1e80, 1e-80):
        with pytest.raises(ValueError, match="IBM floating-point"):
            xpt.write_xpt(pd.DataFrame({"AVAL": [1.0, value]}), tmp_path / "x.xpt", table_name="T")
