"""cartrial: SDTM-like CAR-T lupus trial data to ADaM, ARD, tables and a PDF report."""

__version__ = "0.1.0"


def _guard_workflow_job() -> None:
    """In a Snakemake job script, make any uncaught error - also one raised before the script opens its log
    with :func:`cartrial.io.job_log`, such as a failed import - leave its failure file beside the job's log,
    so that the run's summary finds the failed analysis whatever Snakemake's own log shows
    (:mod:`cartrial.runstate`)."""
    import sys

    job = getattr(sys.modules.get("__main__"), "snakemake", None)
    if job is None or not getattr(job, "log", None) or not getattr(job, "rule", None):
        return
    previous = sys.excepthook

    def record_failure(kind, value, tb):
        from pathlib import Path

        from cartrial.runstate import failure_file

        target = failure_file(job.log[0], job.rule, ".txt")
        if not any(target.parent.glob(f"{job.rule}.*")):  # job_log has not written it already
            target.parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(f"{kind.__name__}: {value}\n", encoding="utf-8")
        previous(kind, value, tb)

    sys.excepthook = record_failure


_guard_workflow_job()
