"""A warm process that runs the jobs of a local run (the job server).

Every job of a run is a new Python process, which imports pandas, SciPy, matplotlib, WeasyPrint and the
rest before it does any work: 0.3-1 s a job, more than the whole work of a small study's ingest, ADaM,
ARD or figures job. So when a local run starts, the workflow's ``onstart`` handler starts one server
(:func:`start_server`) that imports those libraries once and waits. A job script's first statement,
:func:`run_in_worker`, hands the job to the server, which forks a copy of itself to run the script, in the
job's working directory, with its environment, module search path, standard output and error, and sends
back the exit status, which becomes the job's. The server imports no cartrial module, so every job runs
the library as it is on disk, as a new process would; and each job is a process of its own (a fork), so
jobs share no state. A job whose process is stopped (Snakemake cancelling it) stops its fork too.

A job runs in its own process as before when:
- the run is not local (a cluster executor), a dry run, runs its jobs in conda environments or containers
  (``--software-deployment-method``), or ``CARTRIAL_WORKER=off`` is set;
- the server cannot be reached.
A large study's jobs run there too: their start-up (1-1.5 s a job, an ARD job's lifelines and statsmodels
included) is paid by the chain of jobs one after another (10,000 subjects: 66.7 s -> 64.5 s). A job that
works in several processes forks them from its own fork. Either way the job measures itself
(:func:`cartrial.io.write_usage`): in a fork, from the fork's start, its memory including the pages it
shares with the server (the libraries it imported).
"""
from __future__ import annotations

import os
import pickle
import socket
import struct
import sys

#: environment variable that gives jobs the server's address (``off``: never start one)
ADDRESS = "CARTRIAL_WORKER"
#: set in the server's forks, so that the script run there does not hand itself over again
IN_FORK = "CARTRIAL_WORKER_JOB"
#: what the server imports, in the order a run's jobs need them (one group between two looks for jobs).
#: Not polars (rtflite's tables): importing it starts threads, which a fork must not inherit.
PRELOAD = (
    ("snakemake.iocontainers", "snakemake.logging", "numpy", "pandas", "pyarrow.parquet", "yaml"),
    ("pandera.pandas", "scipy.stats", "scipy.optimize", "scipy.special"),
    ("lifelines", "statsmodels.stats.proportion"),
    ("matplotlib", "matplotlib.pyplot", "matplotlib.collections"),
    ("weasyprint", "jinja2", "pyreadstat"),
)

_LENGTH = struct.Struct("!Q")
_STATUS = struct.Struct("!i")


# ----------------------------------------------------------------------------------------------- the job's side
def exit_without_collection() -> None:
    """When this process exits, first take every object out of the cycle collector's reach (``gc.freeze``).

    Python's teardown otherwise runs full collections over every object of every imported module: 0.3-0.6 s
    for a process that imported pandas, SciPy, lifelines, matplotlib and WeasyPrint (or Snakemake and
    pandas), paid by every job's process and by the workflow's own at the end of each run. Objects are still
    released and files closed by reference counting, and the exit handlers (logging's flush included) run as
    before; only objects in reference cycles at exit are left to the operating system, which takes back the
    process's memory anyway. Registered once per process, as the last exit handler, so it runs first."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def run_in_worker(job) -> None:
    """Run this job script in the run's server and exit with its status; return at once (the script then
    runs here) when there is no server, the script already runs in the server, or the job is large. Either
    way the process ends without a collection (:func:`exit_without_collection`)."""
    exit_without_collection()
    address = os.environ.get(ADDRESS, "")
    if not address or address == "off" or os.environ.get(IN_FORK):
        return
    import __main__

    script = getattr(__main__, "__file__", "")
    if not os.path.isfile(script):
        return  # a script Snakemake fetched from elsewhere (a URL): the server could not read it
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(address)
    except OSError:
        return  # no server (it stopped, or never started): the job runs in this process
    payload = pickle.dumps({"script": script, "job": job, "cwd": os.getcwd(), "env": dict(os.environ),
                            "path": list(sys.path), "argv": list(sys.argv)}, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.flush()
    sys.stderr.flush()
    socket.send_fds(conn, [_LENGTH.pack(len(payload))], [sys.stdout.fileno(), sys.stderr.fileno()])
    conn.sendall(payload)
    reply = _receive(conn, _STATUS.size)
    if reply is None:
        print("cartrial: the job's process in the job server ended without a status (killed?)", file=sys.stderr)
        sys.exit(1)
    sys.exit(_STATUS.unpack(reply)[0])


def _receive(conn: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


# ------------------------------------------------------------------------------------------- the workflow's side
_SERVER: dict = {}


def start_server(workflow) -> str | None:
    """Start the run's job server (in the workflow's onstart handler); returns its address, or None when
    this run does not use one (see the module's description)."""
    import subprocess
    import tempfile
    import time

    settings = getattr(workflow, "deployment_settings", None)
    if (os.environ.get(ADDRESS) == "off" or not hasattr(socket, "AF_UNIX") or not workflow.local_exec
            or workflow.dryrun or _SERVER or (settings is not None and settings.deployment_method)):
        return None  # jobs in a conda environment or a container run in that environment, not here
    folder = tempfile.mkdtemp(prefix="cartrial-jobs-")
    address = os.path.join(folder, "server.sock")
    process = subprocess.Popen([sys.executable, "-m", "cartrial.worker", address], stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not os.path.exists(address) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    _SERVER.update(process=process, folder=folder)
    if not os.path.exists(address):
        stop_server()
        return None
    os.environ[ADDRESS] = address  # the jobs Snakemake starts from now on inherit it
    return address


def stop_server() -> None:
    """Stop the run's job server, if this process started one (the workflow's onsuccess and onerror)."""
    import shutil
    import subprocess

    if not _SERVER:
        return
    process, folder = _SERVER.pop("process"), _SERVER.pop("folder")
    os.environ.pop(ADDRESS, None)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------- the server itself
def serve(address: str) -> None:
    """Listen at ``address``; import :data:`PRELOAD` one group at a time while no job waits; fork a process
    for each job; end when the process that started the server has ended."""
    import importlib
    import select
    import signal

    server = os.getpid()
    signal.signal(signal.SIGTERM, _stop)  # stopped by the workflow: collect the last forks first
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(128)
    parent = os.getppid()
    groups = list(PRELOAD)
    try:
        while not _STOPPED:
            ready, _, _ = select.select([listener], [], [], 0 if groups else 1.0)
            _reap()
            if ready:
                conn, _ = listener.accept()
                if os.fork() == 0:
                    listener.close()
                    _run_job(conn)  # does not return
                conn.close()
            elif groups:
                for name in groups.pop(0):
                    try:
                        importlib.import_module(name)
                    except ImportError:
                        pass  # not installed: the jobs that use it fail, or do without it, as they would anyway
                    if name == "matplotlib":
                        sys.modules["matplotlib"].use("Agg")
            elif os.getppid() != parent:
                return  # the run ended without stopping the server (killed)
    finally:
        if os.getpid() == server:  # not in a job's fork
            _remove(address)
            _reap(wait=5.0)
            # no interpreter teardown: unloading every preloaded library took 2.5 s, which the run waited for
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            os._exit(0)


def _remove(address: str) -> None:
    """Remove the server's socket and its folder (made by :func:`start_server`)."""
    try:
        os.unlink(address)
        folder = os.path.dirname(address)
        if os.path.basename(folder).startswith("cartrial-jobs-"):
            os.rmdir(folder)
    except OSError:
        pass


def _reap(wait: float = 0.0) -> None:
    """Collect ended forks (their CPU time then counts in the server's, and so in the run's); with ``wait``,
    wait up to that many seconds for the forks still running."""
    import time

    deadline = time.monotonic() + wait
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() >= deadline:
                return
            time.sleep(0.01)


#: set when the server is asked to stop: the stop's SystemExit may be raised inside a preloaded library's import,
#: which a library catching every exception would swallow; the server's loop then ends at its next turn
_STOPPED = False


def _stop(*_) -> None:
    global _STOPPED
    _STOPPED = True
    raise SystemExit(0)


def _run_job(conn: socket.socket) -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the job's process, not the server: stopped as any process
    status = 1
    try:
        head, fds, _, _ = socket.recv_fds(conn, _LENGTH.size, 2)
        head += _receive(conn, _LENGTH.size - len(head)) or b""
        payload = pickle.loads(_receive(conn, _LENGTH.unpack(head)[0]))
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for fd in fds:
            os.close(fd)
        os.setpgrp()  # the job and any process it starts: stopped together if the job's own process ends
        _stop_with(conn)
        status = _execute(payload)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            conn.sendall(_STATUS.pack(status))
        finally:
            os._exit(status)


def _stop_with(conn: socket.socket) -> None:
    """Stop this job (its process group) when the job's own process ends before it (it then closes the
    connection): Snakemake stopping a job stops its work here too."""
    import signal
    import threading

    def wait() -> None:
        try:
            data = conn.recv(1)
        except OSError:
            data = b""
        if not data:
            os.killpg(0, signal.SIGKILL)

    threading.Thread(target=wait, daemon=True).start()


def _execute(payload: dict) -> int:
    """Run the job script as its own process would: same directory, environment, search path and
    arguments, a fresh import of cartrial, and the ``snakemake`` object in its globals."""
    import runpy
    import time

    os.chdir(payload["cwd"])
    os.environ.clear()
    os.environ.update(payload["env"])
    os.environ[IN_FORK] = "1"
    time.tzset()
    sys.path[:] = payload["path"]
    sys.argv[:] = payload["argv"]
    for name in [m for m in sys.modules if m == "cartrial" or m.startswith("cartrial.")]:
        del sys.modules[name]
    try:
        runpy.run_path(payload["script"], init_globals={"snakemake": payload["job"]}, run_name="__main__")
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)
        return 1
    except BaseException:
        sys.excepthook(*sys.exc_info())
        return 1
    return 0


if __name__ == "__main__":
    serve(sys.argv[1])
