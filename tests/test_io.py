"""Parquet writing and reading helpers of the job scripts."""
import numpy as np
import pandas as pd

from cartrial import io
from cartrial.sdtm.readers import read_domain


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    text = np.array(["A", "B", None, " C "], dtype=object)[rng.integers(0, 4, n)]
    return pd.DataFrame({"T": text, "X": rng.normal(size=n), "D": pd.Timestamp("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 900, n), unit="D"), "LATE": [None] * (n - 1) + ["only in the last slice"]})


def test_long_frame_is_written_in_slices_and_reads_back_equal(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "WRITE_CHUNK_ROWS", 7)
    frame = _frame(50)
    io.write_parquet(frame, tmp_path / "a.parquet")
    io.write_parquet(frame, tmp_path / "b.parquet")
    back = pd.read_parquet(tmp_path / "a.parquet")
    pd.testing.assert_frame_equal(back, frame)
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    import pyarrow.parquet as pq

    assert pq.ParquetFile(tmp_path / "a.parquet").metadata.num_row_groups == 8  # 50 rows in slices of 7


def test_absent_domain_is_marked_and_left_out(tmp_path):
    paths = {}
    for domain, frame in (("PC", None), ("AE", io.empty_domain("AE"))):
        paths[domain] = tmp_path / f"{domain.lower()}.parquet"
        io.write_domain(frame, domain, paths[domain])
    read = io.read_sdtm(list(paths.values()))
    assert list(read) == ["AE"]  # a header-only AE file is present with no records; PC had no file at all
    assert len(read["AE"]) == 0 and "AEDECOD" in read["AE"]


def test_parquet_text_is_read_as_text_with_blanks_missing(tmp_path):
    frame = pd.DataFrame({"usubjid": ["S-1", "S-2", "S-1"], "AETERM": [" Fever ", "", None],
                          "AESEQ": [1.0, 2.0, np.nan]})
    frame.to_parquet(tmp_path / "ae.parquet", index=False)
    read = read_domain(tmp_path / "ae.parquet")
    assert list(read.columns) == ["USUBJID", "AETERM", "AESEQ"]
    assert read["AETERM"].tolist()[0] == "Fever" and read["AETERM"].isna().tolist() == [False, True, True]
    assert read["AESEQ"].tolist()[:2] == ["1", "2"] and pd.isna(read["AESEQ"].iloc[2])
    assert read["USUBJID"].dtype == object


def test_disk_full_is_said_plainly(tmp_path):
    import errno

    import pytest

    from cartrial.io import job_log

    log = tmp_path / "logs" / "s" / "a" / "adsl.log"
    with pytest.raises(SystemExit):
        with job_log(log, "adsl"):
            raise OSError(errno.ENOSPC, "No space left on device", "results/s/a/adam/adsl.parquet")
    text = log.read_text()
    assert "cannot write or read results/s/a/adam/adsl.parquet: the disk is full" in text
    assert "Traceback" not in text  # a full disk is not a programming error
    assert (log.parent / "failed" / "adsl.txt").is_file()  # the run summary names the failed analysis


def test_domain_as_read_round_trips(tmp_path):
    """The study-level read of a domain (frame, files, checksums, warnings, SUPP rows) reads back as written, so
    the ingest of each data cut starts from exactly what was read once."""
    from cartrial.sdtm.errors import Finding
    from cartrial.sdtm.ingest import ReadDomain

    frame = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AESEQ": [1.0, 2.0], "_row": np.array([0, 1])})
    read = ReadDomain(frame, ["ae.csv"], "abc", [Finding("AE", "ae.csv", np.int64(3), "AESEV", "[rule] x", "MILD",
                                                          "S-1", severity="warning", action="listed")],
                      [{"domain": "SUPPAE", "file": "suppae.csv", "read": np.int64(2), "kept": 2}])
    io.write_read_domain(read, "AE", frame=tmp_path / "ae.parquet", meta=tmp_path / "ae.json")
    back = io.read_read_domain(tmp_path / "ae.parquet", tmp_path / "ae.json")
    pd.testing.assert_frame_equal(back.frame, frame)
    assert (back.files, back.sha256, back.supp_rows) == (["ae.csv"], "abc", [{"domain": "SUPPAE",
                                                                              "file": "suppae.csv", "read": 2,
                                                                              "kept": 2}])
    assert back.warnings == [Finding("AE", "ae.csv", 3, "AESEV", "[rule] x", "MILD", "S-1", "warning", "listed")]
    absent = ReadDomain(None, [], "", [], [])
    io.write_read_domain(absent, "PC", frame=tmp_path / "pc.parquet", meta=tmp_path / "pc.json")
    assert io.read_read_domain(tmp_path / "pc.parquet", tmp_path / "pc.json").frame is None


def test_a_large_steps_frames_in_reference_cycles_are_freed_before_the_next_step():
    """pandas frames in a reference cycle outlive their step until the cycle collector runs; a large step's
    are freed at once, a small step pays for no collection."""
    import gc
    import weakref

    from cartrial.io import RELEASE_ROWS, release_frames

    class Step:  # a frame held in a reference cycle, as pandas' caches hold them
        pass

    def left_behind():
        step = Step()
        step.frame, step.me = pd.DataFrame({"A": [1.0]}), step
        return weakref.ref(step)

    gc.disable()
    try:
        small, large = left_behind(), left_behind()
        release_frames(RELEASE_ROWS - 1)
        assert small() is not None  # no collection for a small step
        release_frames(RELEASE_ROWS)
        assert small() is None and large() is None
    finally:
        gc.enable()


def test_records_are_selected_while_reading_in_the_files_order(tmp_path):
    path = tmp_path / "adlb.parquet"
    frame = pd.DataFrame({"USUBJID": ["S3", "S1", "S2", "S1", "S3"], "PARAMCD": ["IL6", "CRP", "IL6", "IL6", "ALT"],
                          "AVAL": [5.0, 1.0, 4.0, 2.0, 9.0], "PARAM": ["i", "c", "i", "i", "a"]})
    frame.to_parquet(path, index=False)
    got = io.read_records(path, ["USUBJID", "AVAL", "ONTRTFL", "PARAMCD"], values=["IL6", "CRP"])
    # the variables asked for that the file has, in the order asked; the records in the file's order
    assert list(got.columns) == ["USUBJID", "AVAL", "PARAMCD"]
    assert got["AVAL"].tolist() == [5.0, 1.0, 4.0, 2.0]
    assert list(got.index) == [0, 1, 2, 3]
    assert list(io.read_records(path).columns) == ["USUBJID", "PARAMCD", "AVAL", "PARAM"]
    # the selecting variable need not be read, and a file whose text column has no text is filtered after
    assert io.read_records(path, ["AVAL"], values=["ALT"])["AVAL"].tolist() == [9.0]
    empty = tmp_path / "empty.parquet"
    pd.DataFrame({"PARAMCD": pd.Series([], dtype="float64"), "AVAL": pd.Series([], dtype="float64")}).to_parquet(empty)
    assert len(io.read_records(empty, ["PARAMCD", "AVAL"], values=["IL6"])) == 0



JOB = """
import sys, time
import numpy as np
from cartrial import io
from cartrial.parallel import run_forked


def burn(seconds, megabytes):
    block = np.ones(megabytes * 2**20 // 8)  # touched: resident
    start = time.process_time()
    while time.process_time() - start < seconds:
        block[::512] += 1.0
    return int(block[0])


with io.job_log(sys.argv[1], "adam"):
    time.sleep(0.3)
    run_forked([(burn, (0.6, 700)), (burn, (0.1, 700))], 2)
"""


def test_a_job_records_its_own_time_cpu_and_largest_process(tmp_path):
    """The job's figures come from the kernel: the CPU of the processes it forked and waited for counts, and
    the peak memory is its largest process's. The job (a process of its own) sleeps 0.3 s, then a forked
    process holds 700 MB and spins 0.6 s of CPU beside another holding 700 MB for 0.1 s: the bounds are what it did."""
    import subprocess
    import sys

    log = tmp_path / "logs" / "s" / "a" / "adam.log"
    subprocess.run([sys.executable, "-c", JOB, str(log)], check=True)
    usage = pd.read_csv(tmp_path / "logs" / "s" / "a" / "benchmark" / "adam.tsv", sep="\t")
    assert list(usage.columns) == ["s", "cpu_time", "max_rss"]
    assert usage["s"].iloc[0] >= 0.3 + 0.6
    assert usage["cpu_time"].iloc[0] >= 0.6 + 0.1
    assert 700 <= usage["max_rss"].iloc[0] < 1400  # the largest process, not the sum of the job's processes


def test_a_failed_job_still_records_its_figures(tmp_path):
    log = tmp_path / "report.log"
    try:
        with io.job_log(log, "report"):
            raise RuntimeError("defect")
    except RuntimeError:
        pass
    assert (tmp_path / "benchmark" / "report.tsv").is_file()


def test_read_frame_gives_what_pandas_reads(tmp_path, monkeypatch):
    """Text read through its dictionary is the frame pandas reads: values, missing values (None), dtypes,
    column order and attributes, over several row groups (each with its own dictionary), with a selection of
    columns and with filters."""
    monkeypatch.setattr(io, "WRITE_CHUNK_ROWS", 7)
    n = 40
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "T": np.array(["a", "b", None, "", "ü ß", " c "], dtype=object)[rng.integers(0, 6, n)],
        "LATE": [None] * (n - 1) + ["only in the last row group"],
        "S": pd.array(np.array(["x", "y", None], dtype=object)[rng.integers(0, 3, n)], dtype="string"),
        "X": rng.normal(size=n), "I": np.arange(n), "B": rng.integers(0, 2, n).astype(bool),
        "D": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
    })
    frame.attrs["absent"] = True
    path = tmp_path / "f.parquet"
    io.write_parquet(frame, path)
    for columns, filters in ((None, None), (["X", "T"], None), (None, [("T", "in", ["a", "ü ß"])])):
        expected = pd.read_parquet(path, columns=columns, filters=filters)
        got = io.read_frame(path, columns, filters=filters)
        pd.testing.assert_frame_equal(got, expected)
        assert got.attrs == expected.attrs
        for name in got:
            if got[name].dtype == object:
                assert [type(v) for v in got[name]] == [type(v) for v in expected[name]]  # None, not NaN
    assert len(io.read_frame(path, filters=[("T", "in", ["a"])])) == (frame["T"] == "a").sum()


def test_a_short_frame_is_the_file_pandas_writes(tmp_path):
    frame = _frame(30)
    frame.attrs["absent"] = True
    io.write_parquet(frame, tmp_path / "ours.parquet")
    frame.to_parquet(tmp_path / "pandas.parquet", index=False, compression="zstd")
    assert (tmp_path / "ours.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()


def test_carried_columns_are_written_as_the_whole_frame(tmp_path, monkeypatch):
    """write_parquet with columns carried as Arrow (the ingest's unchecked columns) writes the file of the frame
    with those columns, whole and in row groups: text dictionary-encoded, a text column with no value left in
    the records kept (written as nulls, as pandas writes a column of None), numbers with missing values."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 23
    source = pd.DataFrame({
        "USUBJID": [f"S{i % 4}" for i in range(n)],
        "TEXT": [None if i % 5 == 0 else f"t{i % 3}" for i in range(n)],
        "LATE": [None] * (n - 1) + ["only in the last record"],
        "NUM": [float("nan") if i % 7 == 0 else i / 2 for i in range(n)],
        "SEQ": np.arange(n, dtype="int64"),
        "VALUE": np.arange(n) * 1.5,
    })
    path = tmp_path / "read.parquet"
    source.to_parquet(path, index=False)
    kept = np.array([i for i in range(n - 1) if i % 3 != 1])  # the last record (LATE's only value) is not kept
    checked = ["USUBJID", "VALUE"]
    rest = [c for c in source.columns if c not in checked]
    schema = pq.read_schema(path)
    carried = pq.read_table(path, columns=rest, read_dictionary=io.text_columns(schema, rest)).take(kept)
    frame = pd.read_parquet(path, columns=checked).iloc[kept].reset_index(drop=True)
    whole = pd.read_parquet(path).iloc[kept].reset_index(drop=True)
    for chunk in (io.WRITE_CHUNK_ROWS, 4):
        monkeypatch.setattr(io, "WRITE_CHUNK_ROWS", chunk)
        io.write_parquet(whole, tmp_path / "whole.parquet")
        io.write_parquet(frame, tmp_path / "carried.parquet", carried=carried, columns=list(source.columns))
        assert (tmp_path / "carried.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes(), chunk
        assert pa.types.is_null(pq.read_schema(tmp_path / "carried.parquet").field("LATE").type)
