"""A large study's ADaM datasets built a slice of subjects at a time (cartrial.slices): the slices, the records
each slice reads, and the file put together from the pieces, which must be the file of the dataset built whole.
Expected files are written from frames made by hand, the way the whole dataset would hold them."""
import numpy as np
import pandas as pd
import pytest

import cartrial.io as cio
import cartrial.slices as sl
from cartrial.io import read_frame, write_parquet


def test_slices_are_ranges_of_sorted_subjects():
    ids = ["S-10", "S-02", "S-01", "S-03", "S-02", "S-11"]  # distinct, sorted: 01 02 03 10 11
    assert sl.slice_bounds(ids, 2) == ["S-03", "S-11"]
    assert sl.slice_bounds(ids, 5) == []
    # a subject that is not in ADSL falls in the slice whose range holds it; a missing one in the first
    got = sl.slice_numbers(["S-01", "S-02", "S-03", "S-04", "S-10", "S-11", "S-99", None], ["S-03", "S-11"])
    assert got.tolist() == [0, 0, 1, 1, 1, 2, 2, 0]
    adsl = pd.DataFrame({"USUBJID": ["S-11", "S-01", "S-03"], "AGE": [1, 2, 3]})
    parts = sl.subject_slices(adsl, ["S-03", "S-11"])
    assert [p["AGE"].tolist() for p in parts] == [[2], [3], [1]]
    assert all(p.index.tolist() == list(range(len(p))) for p in parts)


def test_each_slice_reads_its_subjects_records_in_the_files_order(tmp_path):
    path = tmp_path / "lb.parquet"
    frame = pd.DataFrame({"USUBJID": ["B", "A", "C", "A", "B", "D"], "LBSEQ": [1.0, 1, 1, 2, 2, 1],
                          "LBORRES": ["x", None, "y", "x", None, "z"]})
    write_parquet(frame, path)
    domain = sl.DomainSlices(path, ["C"])  # slices: A, B | C, D
    first, second = domain.frame(0), domain.frame(1)
    whole = read_frame(path)
    pd.testing.assert_frame_equal(first, whole[whole["USUBJID"] < "C"].reset_index(drop=True))
    pd.testing.assert_frame_equal(second, whole[whole["USUBJID"] >= "C"].reset_index(drop=True))
    assert first["USUBJID"].tolist() == ["B", "A", "A", "B"]
    assert first["LBORRES"].tolist() == ["x", None, "x", None]
    assert domain.frame(0)["LBSEQ"].tolist() == [1.0, 1.0, 2.0, 2.0]  # a slice can be read again
    alone = sl.DomainSlices(path, [], columns=["USUBJID", "NOSUCH"])
    pd.testing.assert_frame_equal(alone.frame(0), whole[["USUBJID"]])


def _pieces():
    """A dataset's three pieces as slices build them, and the same dataset built whole. The first slice has no
    baseline anywhere (its BASE is an object column of None), the second lacks parameter B (its PARAMN ranks
    C second), the third has no records."""
    first = pd.DataFrame({"USUBJID": ["S1", "S1", "S2"], "PARAMCD": ["A", "B", "C"], "PARAMN": [1, 2, 3],
                          "BASE": pd.Series([None, None, None], dtype=object), "AVALC": ["x", None, "y"],
                          "ADT": pd.to_datetime(["2024-01-01", "2024-01-02", None])})
    second = pd.DataFrame({"USUBJID": ["S3", "S4"], "PARAMCD": ["C", "A"], "PARAMN": [2, 1],
                           "BASE": [1.5, np.nan], "AVALC": [None, None],
                           "ADT": pd.to_datetime(["2024-02-01", "2024-02-02"])})
    third = pd.DataFrame({c: pd.Series(dtype=object) for c in first.columns})
    whole = pd.DataFrame({"USUBJID": ["S1", "S1", "S2", "S3", "S4"], "PARAMCD": ["A", "B", "C", "C", "A"],
                          "PARAMN": [1, 2, 3, 3, 1], "BASE": [np.nan, np.nan, np.nan, 1.5, np.nan],
                          "AVALC": ["x", None, "y", None, None],
                          "ADT": pd.to_datetime(["2024-01-01", "2024-01-02", None, "2024-02-01", "2024-02-02"])})
    return [first, second, third], whole


@pytest.mark.filterwarnings("error::FutureWarning")  # pandas' concat would type an all-missing column itself
@pytest.mark.parametrize("rows_per_group", [None, 2], ids=["held", "on-disk"])
def test_the_pieces_make_the_file_of_the_dataset_built_whole(tmp_path, monkeypatch, rows_per_group):
    if rows_per_group:  # past this many records the pieces go to disk and the file is written in row groups
        monkeypatch.setattr(cio, "WRITE_CHUNK_ROWS", rows_per_group)
        monkeypatch.setattr(sl, "WRITE_CHUNK_ROWS", rows_per_group)
    pieces, whole = _pieces()
    writer = sl.SlicedWriter(tmp_path / "adxx.parquet", paramn=True)
    for piece in pieces:
        writer.add(piece)
    if rows_per_group:
        assert writer.parts and writer.folder.is_dir()
    writer.close()
    write_parquet(whole, tmp_path / "whole.parquet")
    assert (tmp_path / "adxx.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adxx.parquet", "whole.parquet"]  # no pieces left
    if rows_per_group:
        import pyarrow.parquet as pq

        assert [pq.ParquetFile(tmp_path / "adxx.parquet").metadata.row_group(i).num_rows for i in range(3)] == \
            [2, 2, 1]


def test_a_dataset_of_one_piece_is_written_as_it_is(tmp_path):
    frame = _pieces()[0][1]  # its PARAMN is its own: nothing is ranked again
    writer = sl.SlicedWriter(tmp_path / "one.parquet", paramn=True)
    writer.add(frame)
    writer.close()
    write_parquet(frame, tmp_path / "expected.parquet")
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "expected.parquet").read_bytes()


def test_an_aborted_dataset_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(sl, "WRITE_CHUNK_ROWS", 1)
    writer = sl.SlicedWriter(tmp_path / "adxx.parquet")
    for piece in _pieces()[0]:
        writer.add(piece)
    writer.abort()
    assert list(tmp_path.iterdir()) == []
    stopped = sl.SlicedWriter(tmp_path / "adyy.parquet")  # a job that stopped half-way: its pieces are removed
    for piece in _pieces()[0]:
        stopped.add(piece)
    (tmp_path / "adzz.parquet").write_bytes(b"kept")
    assert len(list(tmp_path.iterdir())) == 2
    sl.remove_pieces(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["adzz.parquet"]


def test_a_domain_without_subjects_cannot_be_sliced(tmp_path):
    write_parquet(pd.DataFrame({"USUBJID": ["A", "B"], "X": [1.0, 2.0]}), tmp_path / "xx.parquet")
    with pytest.raises(ValueError, match="no USUBJID"):
        sl.DomainSlices(tmp_path / "xx.parquet", ["B"], columns=["X"])
    assert sl.DomainSlices(tmp_path / "xx.parquet", [], columns=["X"]).frame(0)["X"].tolist() == [1.0, 2.0]


def test_both_demo_studies_adam_datasets_are_the_same_built_in_slices(tmp_path):
    """The ADaM job of both demo studies' final analyses, built whole and then one subject at a time: every
    file it writes (datasets, issues, notes) is byte-identical. Alone, some subjects have no data for an
    endpoint the study derives, so their slices are built again with the study's answer."""
    import os
    import subprocess
    import sys

    import yaml

    from tests.test_workflow import ROOT, _workspace

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    for study in config["studies"].values():
        study["analyses"] = {a: v for a, v in study["analyses"].items() if v["type"] == "final"}
    ws = _workspace(tmp_path, yaml.safe_dump(config, sort_keys=False), data=tuple(config["studies"]))

    def run(*args, **env):
        proc = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", "--until", "adam", *args],
                              cwd=ws, capture_output=True, text=True, timeout=600, env={**os.environ, **env})
        assert proc.returncode == 0, proc.stderr[-3000:]
        folders = sorted(ws.glob("results/*/*/adam"))
        assert len(folders) == len(config["studies"])
        return {str(p.relative_to(ws)): p.read_bytes() for f in folders for p in sorted(f.iterdir())}

    whole = run()
    sliced = run("--forcerun", "adam", CARTRIAL_SLICE_SUBJECTS="1")
    assert sliced.keys() == whole.keys() and len(whole) >= 30, sorted(whole)
    assert [name for name in whole if sliced[name] != whole[name]] == []
    logs = [p.read_text() for p in ws.glob("logs/*/*/adam.log")]
    assert len(logs) == len(config["studies"]) and all("slices, up to 1 subject(s) each" in log for log in logs)
    assert any("each was built again as the study's" in log for log in logs)
