"""Job priorities (critical-path list scheduling) and the timers the workflow cancels when a run ends."""
import threading
import time

from cartrial.schedule import cancel_pending_timers, data_size_mb, priority, remaining_work


def test_remaining_work_is_the_longest_chain_ahead():
    # by hand from the cost table: read 1, ingest 1, adam 1.5, ards 3, then figures (6 final, 2 interim) are
    # longer than tables (2.5, 1.5), then the report (15 final, 7 interim)
    assert remaining_work("report", ["final"]) == 15
    assert remaining_work("figures", ["final"]) == 21
    assert remaining_work("ards", ["interim"]) == 3 + 2 + 7
    assert remaining_work("adam", ["final"]) == 1.5 + 3 + 6 + 15  # the ARD chain, not the export (1)
    assert remaining_work("read", ["interim", "final"]) == 1 + 1 + 1.5 + 3 + 6 + 15  # the longest analysis
    assert remaining_work("export", ["final"]) == 1
    assert remaining_work("oc", ["interim"]) == 1.5 + 7


def test_upstream_jobs_go_before_the_reports_they_feed():
    order = ["read", "ingest", "adam", "ards", "figures", "report"]
    for kinds in (["interim"], ["final"]):
        values = [priority(rule, kinds) for rule in order]
        assert values == sorted(values, reverse=True)
    # a final analysis's chain before an interim one's; the export fills gaps
    assert priority("ards", ["final"]) > priority("ards", ["interim"]) > priority("export", ["final"])


def test_the_larger_study_breaks_ties_without_overtaking_a_longer_chain():
    assert priority("report", ["final"], 3.5) > priority("report", ["final"], 1.0) > priority("report", ["final"])
    assert priority("tables", ["final"], 1e6) < priority("figures", ["final"], 0.0)
    assert priority("report", ["final"], 1e6) - priority("report", ["final"]) <= 0.25


def test_data_size_of_a_study_folder(tmp_path):
    (tmp_path / "dm.csv").write_bytes(b"x" * 1_500_000)
    (tmp_path / "lb.parquet").write_bytes(b"x" * 100_000)  # counted as the CSV it would be, about 5 x larger
    (tmp_path / "sub").mkdir()
    assert data_size_mb(tmp_path) == 2.0
    assert data_size_mb(tmp_path / "missing") == 0.0


def test_pending_timers_are_cancelled():
    fired = []
    timer = threading.Timer(60, lambda: fired.append(1))
    timer.start()
    started = time.perf_counter()
    assert cancel_pending_timers() >= 1
    timer.join(5)
    assert not timer.is_alive() and not fired and time.perf_counter() - started < 5


def test_two_processes_only_for_a_large_study_that_fits_twice():
    from cartrial.schedule import processes

    assert processes(3.6, 24_000) == 1       # the demo's larger study: jobs of a second or two
    assert processes(102, 24_000) == 2       # 10,000 subjects: two processes of about 3 GB
    assert processes(1_000, 24_000) == 1     # 100,000 subjects: two copies would not fit
    assert processes(102, 4_000) == 1        # a small machine


def test_the_read_job_holds_its_largest_domain_in_each_process():
    from cartrial.schedule import job_processes

    # 100,000 subjects (970 MB): 11 x 970 = 10,670 MB each (9.4-9.8 GB measured); two fit 24 GB, not 20 GB
    assert job_processes("read", 970, 24_000) == 2
    assert job_processes("read", 970, 20_000) == 1
    assert job_processes("read", 3.6, 24_000) == 1    # the demo


def test_the_ingest_job_holds_the_checked_columns_in_each_process():
    from cartrial.schedule import job_processes

    # 100,000 subjects (970 MB): 8 x 970 = 7,760 MB each (6.6-7.2 GB measured); two fit 24 GB, not 15 GB
    assert job_processes("ingest", 970, 24_000) == 2
    assert job_processes("ingest", 970, 15_000) == 1
    assert job_processes("ingest", 102, 2_000) == 2     # 10,000 subjects: 816 MB each
    assert job_processes("ingest", 3.6, 24_000) == 1    # the demo: one process below 10 MB


def test_the_adam_job_of_a_study_built_in_slices_needs_a_slice_in_each_process():
    from cartrial.schedule import adam_processes

    assert adam_processes(102, 24_000) == 2     # 10,000 subjects, built whole: 30 x 102 = 3,060 MB each
    # 100,000 subjects (970 MB), in slices: 3,000 + 4 x 970 = 6,880 MB each (6.4 GB measured)
    assert adam_processes(970, 24_000) == 2
    assert adam_processes(970, 13_000) == 1     # 13,760 MB would not fit
    assert adam_processes(3.6, 24_000) == 1     # the demo
