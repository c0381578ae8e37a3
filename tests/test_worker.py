"""The job server (cartrial/worker.py): a job handed to it runs in a fork of the server, as its own process
would have run it (directory, environment, module path, output, exit status), and a job it cannot or must
not take runs in its own process."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from cartrial import worker

ROOT = Path(__file__).resolve().parents[1]

# A job script as Snakemake runs it: ``snakemake`` set before the script's own first statement (the hook).
JOB = textwrap.dedent("""
    import json, os, sys
    from types import SimpleNamespace
    snakemake = SimpleNamespace(input=sys.argv[2:], rule="demo", log=[],
                                threads=int(os.environ.get("CARTRIAL_TEST_THREADS", "1")))
    __file__ = {script!r}
    exec(compile(open(__file__).read(), __file__, "exec"))
""")
SCRIPT = textwrap.dedent("""
    from cartrial.worker import run_in_worker

    run_in_worker(snakemake)
    import json, os, sys
    import helper  # found through the job's module search path, read from disk by each job

    report = {"pid": os.getpid(), "cwd": os.getcwd(), "x": os.environ.get("CARTRIAL_TEST_X"),
              "value": helper.VALUE, "pandas_ready": "pandas" in sys.modules, "argv": sys.argv[1:]}
    print("to stdout", flush=True)
    print("to stderr", file=sys.stderr, flush=True)
    with open("report.json", "w") as f:
        json.dump(report, f)
    if os.environ.get("CARTRIAL_TEST_SLEEP"):
        import time
        with open("pid", "w") as f:
            f.write(str(os.getpid()))
        time.sleep(60)
    if os.environ.get("CARTRIAL_TEST_FAIL"):
        raise RuntimeError("the job failed")
    sys.exit(int(os.environ.get("CARTRIAL_TEST_EXIT", "0")))
""")


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    """A job server listening in ``folder``, once its socket exists."""
    address = str(folder / "server.sock")
    proc = subprocess.Popen([sys.executable, "-m", "cartrial.worker", address], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 20
    while not os.path.exists(address):
        assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    return proc, address


@pytest.fixture()
def server(tmp_path):
    proc, address = start_server(tmp_path)
    yield address
    proc.terminate()
    proc.wait(timeout=10)


def run_job(where: Path, address: str | None, *inputs: str, wait: bool = True, **env):
    (where / "script.py").write_text(SCRIPT)
    (where / "job.py").write_text(JOB.format(script=str(where / "script.py")))
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CARTRIAL_")}
    environ.update(PYTHONPATH=os.pathsep.join([str(ROOT), str(where / "lib")]), **env)
    if address is not None:
        environ[worker.ADDRESS] = address
    cmd = [sys.executable, str(where / "job.py"), "arg", *inputs]
    if not wait:
        return subprocess.Popen(cmd, cwd=where, env=environ)
    done = subprocess.run(cmd, cwd=where, env=environ, capture_output=True, text=True, timeout=120)
    report = json.loads((where / "report.json").read_text()) if (where / "report.json").exists() else None
    return done, report


@pytest.fixture()
def job_dir(tmp_path):
    where = tmp_path / "job"
    (where / "lib").mkdir(parents=True)
    (where / "lib" / "helper.py").write_text("VALUE = 1\n")
    return where


def test_a_job_runs_in_the_server_as_its_own_process_would(server, job_dir):
    done, report = run_job(job_dir, server, CARTRIAL_TEST_X="yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "to stdout\n"
    assert "to stderr" in done.stderr
    assert report["pandas_ready"]  # imported by the server before the job: it ran there
    assert report["cwd"] == str(job_dir) and report["x"] == "yes" and report["value"] == 1
    # the same server runs the next job with the module as it is now on disk
    (job_dir / "lib" / "helper.py").write_text("VALUE = 2\n")
    done, report = run_job(job_dir, server)
    assert done.returncode == 0 and report["value"] == 2 and report["x"] is None


def test_exit_status_and_errors_are_the_jobs(server, job_dir):
    done, _ = run_job(job_dir, server, CARTRIAL_TEST_EXIT="3")
    assert done.returncode == 3
    done, report = run_job(job_dir, server, CARTRIAL_TEST_FAIL="1")
    assert done.returncode == 1 and report["pandas_ready"]
    assert "RuntimeError: the job failed" in done.stderr


def test_without_a_server_the_job_runs_in_its_own_process(server, tmp_path, job_dir):
    done, report = run_job(job_dir, None)
    assert done.returncode == 0 and not report["pandas_ready"]
    done, report = run_job(job_dir, str(tmp_path / "no-such.sock"))
    assert done.returncode == 0 and not report["pandas_ready"]


def test_a_large_studys_job_runs_in_the_server_too(server, tmp_path, job_dir):
    big = tmp_path / "big.parquet"
    with open(big, "wb") as f:
        f.truncate(60 * 10**6)
    done, report = run_job(job_dir, server, str(big), CARTRIAL_TEST_THREADS="2")
    assert done.returncode == 0 and report["pandas_ready"]


def test_stopping_the_jobs_process_stops_its_work_in_the_server(server, job_dir):
    client = run_job(job_dir, server, wait=False, CARTRIAL_TEST_SLEEP="1")
    deadline = time.monotonic() + 30
    while not (job_dir / "pid").exists():
        assert time.monotonic() < deadline and client.poll() is None
        time.sleep(0.05)
    pid = int((job_dir / "pid").read_text())
    assert pid != client.pid
    client.send_signal(signal.SIGTERM)
    client.wait(timeout=10)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, "the job's fork kept running"
        time.sleep(0.05)


def test_the_workflow_starts_a_server_only_for_a_local_run(monkeypatch):
    monkeypatch.delenv(worker.ADDRESS, raising=False)
    assert worker.start_server(SimpleNamespace(local_exec=False, dryrun=False)) is None
    assert worker.start_server(SimpleNamespace(local_exec=True, dryrun=True)) is None
    conda = SimpleNamespace(deployment_method={"conda"})  # the jobs' own environment, not the server's
    assert worker.start_server(SimpleNamespace(local_exec=True, dryrun=False, deployment_settings=conda)) is None
    monkeypatch.setenv(worker.ADDRESS, "off")
    assert worker.start_server(SimpleNamespace(local_exec=True, dryrun=False)) is None
    monkeypatch.delenv(worker.ADDRESS)
    address = worker.start_server(SimpleNamespace(local_exec=True, dryrun=False))
    try:
        assert address and os.path.exists(address) and os.environ[worker.ADDRESS] == address
        process = worker._SERVER["process"]
        assert process.poll() is None
    finally:
        worker.stop_server()
    assert process.poll() is not None
    assert worker.ADDRESS not in os.environ and not os.path.exists(os.path.dirname(address))


def test_the_server_ends_and_removes_its_socket_when_the_run_is_killed(tmp_path):
    folder = tmp_path / "cartrial-jobs-test"
    folder.mkdir()
    address = folder / "server.sock"
    # a stand-in for Snakemake: starts the server, prints its pid, then waits to be killed
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import subprocess, sys, time
        server = subprocess.Popen([sys.executable, "-m", "cartrial.worker", {str(address)!r}])
        print(server.pid, flush=True)
        time.sleep(120)
    """)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    server = int(run.stdout.readline())
    deadline = time.monotonic() + 20
    while not address.exists():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    run.kill()
    run.wait()
    deadline = time.monotonic() + 15
    while Path(f"/proc/{server}").exists() and Path(f"/proc/{server}/stat").read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, "the server outlived the run"
        time.sleep(0.1)
    assert not folder.exists()


def test_a_process_ends_without_a_collection_but_with_its_exit_handlers_and_status(tmp_path):
    """The objects are frozen out of the collector before any other exit handler runs; the handlers still run
    (a log written through logging is complete) and the exit status is the script's."""
    script = textwrap.dedent(f"""
        import atexit, gc, logging, sys
        from pathlib import Path
        atexit.register(lambda: Path({str(tmp_path / "frozen")!r}).write_text(str(gc.get_freeze_count())))
        log = logging.getLogger("t")
        log.addHandler(logging.FileHandler({str(tmp_path / "job.log")!r}))
        from cartrial.worker import exit_without_collection
        exit_without_collection()
        exit_without_collection()
        log.warning("last line")
        sys.exit(3)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert int((tmp_path / "frozen").read_text()) > 1000  # the interpreter's objects, frozen before this ran
    assert (tmp_path / "job.log").read_text() == "last line\n"


def test_a_stopped_server_collects_its_forks_first(tmp_path):
    """Stopped by the workflow (SIGTERM), the server ends normally after collecting the forks of its last jobs,
    so their CPU time counts in the server's and in the run's; a fork still running is waited for."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pid = os.fork()
    if pid == 0:  # a job's fork that has 0.5 s of work left when the server is stopped
        start = time.process_time()
        while time.process_time() - start < 0.5:
            pass
        os._exit(0)
    worker._reap(wait=5.0)
    spent = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert spent.ru_utime + spent.ru_stime - before.ru_utime - before.ru_stime >= 0.45
    proc, address = start_server(tmp_path)
    proc.terminate()
    assert proc.wait(timeout=10) == 0  # its own exit, not killed by the signal
    assert not os.path.exists(address)
