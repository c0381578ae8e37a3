"""What a failed run leaves: deliverables of failed analyses removed, errors.csv written, a summary."""
import pandas as pd

from cartrial.runstate import failed_in_log, finish_run, start_run

LOG = """Error in rule ingest_domain:
    message: None
    jobid: 12
    output: results/s1/interim/sdtm/ae.parquet
    log: logs/s1/interim/ingest_ae.log (check log file(s) for error details)

Error in rule oc_chunk:
    log: logs/s2/oc/oc_chunk_0.log (check log file(s) for error details)

Select jobs to execute...
localrule report:
    log: logs/s1/final/report.log
"""


def test_failed_jobs_are_read_from_snakemakes_log():
    assert failed_in_log(LOG) == {("s1", "interim"), ("s2", "oc")}


def test_finish_run_removes_stale_deliverables(tmp_path):
    studies = {"s1": {"analyses": {"interim": {}, "final": {}}}, "s2": {"analyses": {"a": {}}}}
    for study, analysis in (("s1", "interim"), ("s1", "final"), ("s2", "a")):
        out = tmp_path / "results" / study / analysis
        (out / "ard").mkdir(parents=True)
        (out / "ard" / "x.csv").write_text("x\n")
        (out / "report.pdf").write_text("%PDF")
        (out / "sdtm").mkdir()
        (out / "sdtm" / "ae.parquet").write_text("kept: built from the current inputs")
    failed = tmp_path / "logs" / "s1" / "interim" / "failed"
    failed.mkdir(parents=True)
    pd.DataFrame([{"severity": "error", "file": "ae.csv", "row": 6, "rule": "r"}]).to_csv(failed / "ingest_ae.csv",
                                                                                            index=False)
    log = tmp_path / "snakemake.log"
    log.write_text(LOG)
    summary = finish_run(studies, root=tmp_path, log=[str(log)])
    s1 = tmp_path / "results" / "s1" / "interim"
    assert not (s1 / "report.pdf").exists() and not (s1 / "ard").exists() and (s1 / "sdtm" / "ae.parquet").exists()
    assert pd.read_csv(s1 / "errors.csv")["file"].tolist() == ["ae.csv"]
    assert (tmp_path / "results/s1/final/report.pdf").exists()
    assert not (tmp_path / "results/s2/a/report.pdf").exists()  # its study's simulations failed
    assert "FAILED   s1/interim: 1 error(s)" in summary and "current  s1/final" in summary
    start_run(tmp_path)
    assert not failed.exists()


def test_a_job_that_fails_before_opening_its_log_still_leaves_its_failure_file(tmp_path):
    """A job script that dies on an import (before job_log) is found without Snakemake's log, which under
    --quiet does not name the failed job."""
    import subprocess
    import sys

    log = tmp_path / "logs" / "s" / "final" / "figures_tte.log"
    script = tmp_path / "job.py"
    script.write_text(
        "class Job:\n"
        f"    log = [{str(log)!r}]\n"
        "    rule = 'figures_tte'\n"
        "snakemake = Job()\n"
        "import cartrial\n"
        "from cartrial.adam.efficacy import no_such_function\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert proc.returncode != 0 and "ImportError" in proc.stderr
    failed = tmp_path / "logs" / "s" / "final" / "failed" / "figures_tte.txt"
    assert failed.read_text().startswith("ImportError: cannot import name 'no_such_function'")


def test_a_failed_read_of_a_raw_table_fails_every_analysis_of_its_study(tmp_path):
    """The raw tables are read once per study (logs/<study>/read/): a failure there leaves no analysis of the
    study current, each with the read job's errors in its errors.csv."""
    studies = {"s1": {"analyses": {"interim": {}, "final": {}}}, "s2": {"analyses": {"a": {}}}}
    for study, analysis in (("s1", "interim"), ("s1", "final"), ("s2", "a")):
        out = tmp_path / "results" / study / analysis
        out.mkdir(parents=True)
        (out / "report.pdf").write_text("%PDF")
    failed = tmp_path / "logs" / "s1" / "read" / "failed"
    failed.mkdir(parents=True)
    pd.DataFrame([{"severity": "error", "file": "lb.csv", "row": 3, "rule": "r"}]).to_csv(failed / "read_lb.csv",
                                                                                           index=False)
    summary = finish_run(studies, root=tmp_path, log=[])
    for analysis in ("interim", "final"):
        out = tmp_path / "results" / "s1" / analysis
        assert not (out / "report.pdf").exists()
        errors = pd.read_csv(out / "errors.csv")
        assert errors[["job", "file"]].values.tolist() == [["read_lb", "lb.csv"]]
    assert (tmp_path / "results/s2/a/report.pdf").exists() and "current  s2/a" in summary
