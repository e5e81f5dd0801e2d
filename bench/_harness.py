"""Shared plumbing for the HTTP load benchmarks: databases, gunicorn, wrk, a small cookie client.

Rules kept here so every benchmark follows them (see the shared testing guide):
- servers bind 127.0.0.1 on a free port, run `gunicorn --no-control-socket` with the app's own settings
  (app/gunicorn_conf.py, as the Procfile: 2 sync workers, each prepared before its first request) or
  `-w 2` (sync) for a reference app, and
  are stopped by their PID, whatever happens;
- every load run is bounded (wrk -d, a fixed number of client journeys, timeouts);
- PostgreSQL runs get a private schema (`?options=-csearch_path%3D<schema>`), dropped afterwards;
- figures are medians of several runs; ratios are taken inside one run against its reference.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
WRK_SCRIPT = BENCH / "wrk_tuples.lua"
PYTHON = sys.executable
HOST = "127.0.0.1"
USER_AGENT = "oversight-bench/1"
SECRET_KEY = "bench-secret-" + "0" * 40
# Bench students log in over HTTP for real, but with a cheap scrypt cost (n=2**10 instead of the
# default 2**15, ~0.3 s per hash on this machine): 300 logins would otherwise take a minute of
# server CPU. The hash format is the same, so the server checks it with the same code path.
CHEAP_HASH = "scrypt:1024:8:1"
STUDENT_PASSWORD = "bench-student-pass"
GUNICORN_WORKERS = 2


# --------------------------------------------------------------------------------------- basics


def median(values: list[float]) -> float:
    """The median, rounded for the report."""
    return round(statistics.median(values), 3)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100  # /proc counts CPU time in these

# The spread (min, max) behind each median figure recorded with `summarise`, by key: `make bench`
# prints it beside the median and writes it to latest.json under "_spread".
SPREADS: dict[str, tuple[float, float]] = {}


def summarise(key: str, values: list[float]) -> float:
    """The median of `values` (rounded), remembering their spread (min, max) under `key`."""
    SPREADS[key] = (round(min(values), 3), round(max(values), 3))
    return median(values)


def spread_text(key: str) -> str:
    """ "(min-max over N runs)" for a key with a recorded spread, else ""."""
    if key not in SPREADS:
        return ""
    low, high = SPREADS[key]
    return f"(spread {low:g}-{high:g})"


def print_figures(figures: dict[str, float]) -> None:
    """Print one figure a line, with its spread when it is a median of several runs."""
    width = max((len(k) for k in figures), default=0)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:<10g}  {spread_text(key)}".rstrip())


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB, since it started its program.

    Linux: VmHWM of /proc/self/status, which belongs to the program's own memory. Not ru_maxrss:
    Linux carries the parent's size across fork and exec into it, so a fresh export process
    started by a 300 MB `make bench` reported 319 MB whatever it did. Elsewhere ru_maxrss.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # macOS: bytes, Linux: KiB


def free_port() -> int:
    """A port nothing listens on right now (bound to 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def write_results(name: str, record: dict[str, Any]) -> Path:
    """Write the raw per-run figures of one benchmark to bench/results/<name>.json (gitignored)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    machine = {"cpus": os.cpu_count(), "loadavg_at_end": os.getloadavg(), "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    path.write_text(json.dumps({**record, "_machine": machine}, indent=2, default=str) + "\n")
    return path


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the figures."""
    print(message, file=sys.stderr, flush=True)


def ensure_wrk() -> str:
    """Return wrk's path; install it from Debian's archive when missing and we are root, else fail clearly."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.name != "posix" or os.geteuid() != 0:
        raise SystemExit(
            "wrk is not installed and this is not root: install it with "
            "`sudo apt-get update && sudo apt-get install -y wrk`, then run the benchmark again."
        )
    log("wrk is missing: installing it from Debian's archive (apt-get install -y wrk) ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise SystemExit(f"could not install wrk ({' '.join(cmd)} failed):\n{done.stderr[-2000:]}")
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("apt-get reported success but wrk is still not on PATH")
    return path


# ------------------------------------------------------------------------------------ databases


@dataclass(frozen=True)
class Backend:
    """A database engine to run a benchmark on; `suffix` is appended to its figure keys."""

    name: str
    suffix: str


def backends() -> list[Backend]:
    """SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (as in the test suite)."""
    found = [Backend("sqlite", "")]
    if os.environ.get("TEST_DATABASE_URL"):
        found.append(Backend("postgresql", "_pg"))
    return found


@contextlib.contextmanager
def database(backend: Backend, label: str) -> Iterator[str]:
    """A fresh, empty database: a temp SQLite file, or a private PostgreSQL schema dropped afterwards."""
    if backend.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as tmp:
            yield f"sqlite:///{Path(tmp) / f'{label}.db'}"
        return
    from sqlalchemy import create_engine, text

    base = os.environ["TEST_DATABASE_URL"]
    schema = f"bench_{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def app_env(database_url: str) -> dict[str, str]:
    """Environment of the real app under load: production settings over plain HTTP, login limit raised."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "OVERSIGHT_ENV": "production",
            "FLASK_SESSION_COOKIE_SECURE": "false",
            "FLASK_LOGIN_RATE_LIMIT": "100000 per minute",
            "FLASK_LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
            "RATELIMIT_STORAGE_URI": "memory://",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def app_config(database_url: str) -> dict[str, Any]:
    """The same settings as `app_env`, for create_app() in the setup step of this process."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": SECRET_KEY,
        "OVERSIGHT_ENV": "production",
        "SESSION_COOKIE_SECURE": False,
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def migrate(database_url: str) -> None:
    """`flask --app app db upgrade` on the fresh database, as the Procfile's release step does.

    The release step's `course load` (recording the question ids) is done by `setup_app`, in process,
    which saves a second Flask start-up.
    """
    done = subprocess.run(
        [PYTHON, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=app_env(database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise SystemExit(f"flask db upgrade failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


@contextlib.contextmanager
def setup_app(database_url: str) -> Iterator[Any]:
    """The real app in this process (for the Python setup step), its engine disposed afterwards.

    Entering it also records the course's question ids (what `flask --app app course load` does).
    """
    from app import create_app
    from app.extensions import db
    from app.services.content import load_and_record

    application = create_app(app_config(database_url))
    with application.app_context():
        try:
            # Read and recorded together: the process knows its course is the recorded version, so
            # no re-read happens CONTENT_CHECK_SECONDS later, in the middle of a measurement.
            load_and_record()
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()


@contextlib.contextmanager
def cheap_password_hashes() -> Iterator[None]:
    """While active, User.set_password (used by accounts.create_user) stores a low-cost scrypt hash."""
    from app import models

    original = models.generate_password_hash

    def cheap(password: str, method: str = "scrypt", salt_length: int = 16) -> str:
        return original(password, method=CHEAP_HASH, salt_length=salt_length)

    models.generate_password_hash = cheap
    try:
        yield
    finally:
        models.generate_password_hash = original


def answer_fields(question: Any, shown: Any) -> list[tuple[str, str]]:
    """Form fields that make a valid (saved) response to `question` as shown."""
    kind = question.type
    if kind == "short_answer":
        return [("answer", "anything")]
    if kind == "numeric":
        return [("answer", "42")]
    if kind in ("single_choice", "multiple_response"):
        return [("answer", str(shown.choice_order[0]))]
    if kind == "true_false":
        return [("answer", "true")]
    if kind == "matching":
        return [(f"match-{i}", shown.options[i % len(shown.options)]) for i in range(len(question.pairs))]
    if kind == "ordering":
        return [(f"pos-{i}", str(i + 1)) for i in range(len(shown.items))]
    if kind == "cloze":
        return [(f"blank-{i}", blank.answer) for i, blank in enumerate(question.blanks)]
    raise ValueError(f"no answer builder for question type {kind}")


# -------------------------------------------------------------------------------------- servers


class Server:
    """A gunicorn master we started (by PID); `url` is its base address."""

    def __init__(self, proc: subprocess.Popen, port: int, logfile: Path):
        self.proc = proc
        self.port = port
        self.logfile = logfile
        self.url = f"http://{HOST}:{port}"

    def log_tail(self) -> str:
        """The end of the server's log, for error messages."""
        try:
            return self.logfile.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the master's workers (Linux /proc; 0.0 elsewhere)."""
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return 0.0
        return sum(cpu_ticks(Path(f"/proc/{pid}")) for pid in children) / CLOCK_TICKS

    def stop(self) -> None:
        """TERM the master (it stops its workers), then KILL its process group if it lingers."""
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only what we started
            self.proc.wait(timeout=5)


def _ready(port: int, path: str) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def worker_args(app_spec: str) -> list[str]:
    """Worker settings: the app's own (app/gunicorn_conf.py, as the Procfile) and 2 sync workers for a reference app.

    BENCH_GUNICORN_ARGS (e.g. "-w 5" or "-k gthread -w 2 --threads 4") replaces them for the app,
    to compare worker classes and counts.
    """
    if app_spec.startswith("app:"):
        override = os.environ.get("BENCH_GUNICORN_ARGS")
        return override.split() if override else ["-c", "python:app.gunicorn_conf"]
    return ["-w", str(GUNICORN_WORKERS)]


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], ready_path: str, label: str) -> Iterator[Server]:
    """Serve `app_spec` with the benchmark's gunicorn settings until the block ends."""
    logdir = Path(tempfile.mkdtemp(prefix=f"bench-gunicorn-{label}-"))
    server = None
    try:
        for _attempt in range(3):  # a port taken between free_port() and bind: try another
            port = free_port()
            logfile = logdir / f"{port}.log"
            cmd = [PYTHON, "-m", "gunicorn", "--no-control-socket", *worker_args(app_spec), "-b", f"{HOST}:{port}", app_spec]
            with logfile.open("wb") as out:
                proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            server = Server(proc, port, logfile)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and proc.poll() is None and not _ready(port, ready_path):
                time.sleep(0.1)
            if proc.poll() is None and _ready(port, ready_path):
                break
            tail = server.log_tail()
            server.stop()
            server = None
            if "Address already in use" not in tail:
                raise SystemExit(f"gunicorn {app_spec} did not become ready on {ready_path}:\n{tail}")
        if server is None:
            raise SystemExit(f"gunicorn {app_spec}: no free port after 3 tries")
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(logdir, ignore_errors=True)


# ------------------------------------------------------------------------------------------ wrk


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: throughput, latency and what went wrong (non-2xx/3xx statuses, socket errors)."""

    rps: float
    requests: int
    status_errors: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    cpu_ms: float | None = None  # CPU spent serving one request (paired_runs with a probe), else None
    db_cpu_ms: float | None = None  # the part of cpu_ms spent in the database server (PostgreSQL only)

    @property
    def errors(self) -> int:
        """Every failed request: statuses >= 400 plus connect/read/write/timeout errors."""
        return self.status_errors + self.socket_errors


def write_tuples(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """Write (method, path, cookie, body) rows, tab-separated, for wrk_tuples.lua."""
    with path.open("w") as out:
        for row in rows:
            if any("\t" in part or "\n" in part for part in row):
                raise ValueError(f"tab or newline in a wrk tuple: {row!r}")
            out.write("\t".join(row) + "\n")


def run_wrk(base_url: str, tuples: Path, connections: int, duration_s: float, threads: int = 2, timeout_s: int = 5) -> WrkResult:
    """`wrk -t<threads> -c<connections> -d<duration>s` rotating through the tuples file."""
    wrk = ensure_wrk()
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration_s))}s",
        f"--timeout={timeout_s}s",
        "-s",
        str(WRK_SCRIPT),
        base_url,
        "--",
        str(tuples),
        USER_AGENT,
        str(threads),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60)
    match = re.search(r"^BENCHJSON (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    data = json.loads(match.group(1))
    seconds = data["duration_us"] / 1e6
    sockets = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return WrkResult(
        rps=round(data["requests"] / seconds, 1),
        requests=data["requests"],
        status_errors=data["status"],
        socket_errors=sockets,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )


# --------------------------------------------------------------------------------------- client


class Client:
    """One browser-like HTTP/1.1 client: its own connection and cookie jar, no redirect following."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or HOST, parts.port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def cookie_header(self) -> str:
        """The Cookie header this client sends."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict[str, Any] | list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        """Send one request; return (status, Location header, body). Raises OSError on connection errors."""
        headers = {"User-Agent": USER_AGENT, "Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        location = response.getheader("Location") or ""
        return (
            response.status,
            urlsplit(location).path + (f"?{urlsplit(location).query}" if urlsplit(location).query else ""),
            text,
        )

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', html
    )
    if match is None:
        raise RuntimeError("page has no CSRF token")
    return match.group(1)


def login(client: Client, email: str, password: str = STUDENT_PASSWORD) -> str:
    """Log in through the real form (GET for the token, POST); the client keeps the session cookie.

    Returns the login form's CSRF token. Signing in starts a new session with a new token, so the
    next forms need a token read from a page fetched after login (answer_save and start_300 do).
    """
    status, _, html = client.request("GET", "/account/login")
    if status != 200:
        raise RuntimeError(f"GET /account/login returned {status}")
    token = csrf_from(html)
    status, location, body = client.request("POST", "/account/login", {"email": email, "password": password, "csrf_token": token})
    if status != 302 or "session" not in client.cookies:
        raise RuntimeError(f"login of {email} failed: {status} {location} {body[:300]}")
    return token


def cpu_ticks(process: Path, with_children: bool = False) -> int:
    """A process's CPU time (user + system) in clock ticks from its /proc folder; 0 once it has exited.

    With children, also the time of the children it has reaped (cutime, cstime).
    """
    try:
        fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(field) for field in fields[11 : 15 if with_children else 13])  # stat fields 14-17


def database_cpu_seconds() -> float:
    """CPU time (user + system) used so far by every PostgreSQL process, ended backends included (Linux /proc).

    A backend that exits hands its time to the postmaster's children's counters (cutime, cstime),
    so the sum over live processes of own plus children's time only grows. 0.0 where /proc is absent.
    """
    total = 0
    for process in Path("/proc").glob("[0-9]*"):
        try:
            is_postgres = (process / "comm").read_text().startswith("postgres")
        except OSError:
            continue  # a process that just exited
        if is_postgres:
            total += cpu_ticks(process, with_children=True)
    return total / CLOCK_TICKS


def cpu_probe(server: Server, backend: Backend) -> Callable[[], tuple[float, float | None]]:
    """CPU seconds spent serving so far: (the server's workers plus the database server, the database server alone).

    On SQLite the database runs inside the workers, so the second is None.
    """
    if backend.name == "postgresql":

        def both() -> tuple[float, float | None]:
            database = database_cpu_seconds()
            return server.cpu_seconds() + database, database

        return both
    return lambda: (server.cpu_seconds(), None)


def _priced(result: WrkResult, before: tuple[float, float | None], after: tuple[float, float | None]) -> WrkResult:
    """The run with its CPU per request: in all, and in the database server when the probe reads one."""

    def per_request(start: float | None, end: float | None) -> float | None:
        return None if start is None or end is None else round((end - start) * 1000 / result.requests, 3)

    return replace(result, cpu_ms=per_request(before[0], after[0]), db_cpu_ms=per_request(before[1], after[1]))


def paired_runs(
    label: str,
    pair: list[tuple[str, str, Path]],
    connections: tuple[int, ...],
    repeats: int,
    duration_s: float,
    cpu: Mapping[str, Callable[[], tuple[float, float | None]]] | None = None,
) -> list[dict[str, WrkResult]]:
    """Run wrk on each target in turn (order reversed every other round), so noise hits them alike.

    A target named in `cpu` (probes from `cpu_probe`) also gets what one request cost the
    machine's CPU, in all and in the database server (`WrkResult.cpu_ms`, `db_cpu_ms`): where the
    difference between two targets goes, where requests/s only says that there is one.
    """
    cpu = cpu or {}
    for _, base, tuples in pair:
        run_wrk(base, tuples, 16, 1)  # warm-up
    runs = []
    for r in range(repeats):
        run: dict[str, WrkResult] = {}
        for conns in connections:
            for name, base, tuples in pair if r % 2 == 0 else pair[::-1]:
                probe = cpu.get(name)
                before = probe() if probe else None
                result = run_wrk(base, tuples, conns, duration_s)
                if probe and before is not None and result.requests:
                    result = _priced(result, before, probe())
                run[f"{name}_c{conns}"] = result
        runs.append(run)
        log(
            f"[{label}] run {r + 1}: "
            + ", ".join(f"{k} {v.rps} rps ({v.errors} errors, p99 {v.p99_ms:.0f} ms)" for k, v in run.items())
        )
    return runs


def ratio_figures(
    runs: list[dict[str, WrkResult]],
    connections: tuple[int, ...],
    measured: tuple[str, str],
    reference: tuple[str, str],
    ratio_key: str,
    suffix: str,
) -> dict[str, float]:
    """Medians of requests/s for both targets and of their per-run ratio; headline keys are c64."""
    (name, key), (ref_name, ref_key) = measured, reference
    figures: dict[str, float] = {}
    for conns in connections:
        for k, values in (
            (key, [run[f"{name}_c{conns}"].rps for run in runs]),
            (ref_key, [run[f"{ref_name}_c{conns}"].rps for run in runs]),
            (ratio_key, [run[f"{name}_c{conns}"].rps / run[f"{ref_name}_c{conns}"].rps for run in runs]),
        ):
            figures[f"{k}_c{conns}{suffix}"] = summarise(f"{k}_c{conns}{suffix}", values)
    headline = max(connections)
    for k in (key, ref_key, ratio_key):
        figures[f"{k}{suffix}"] = figures[f"{k}_c{headline}{suffix}"]
        SPREADS[f"{k}{suffix}"] = SPREADS[f"{k}_c{headline}{suffix}"]
    return figures


def cpu_figures(
    runs: list[dict[str, WrkResult]],
    connections: tuple[int, ...],
    measured: tuple[str, str],
    reference: tuple[str, str],
    suffix: str,
) -> dict[str, float]:
    """Medians of CPU ms per request of both targets, in all (`<key>_c<n>`) and in the database server
    (`<key>_db_c<n>`, PostgreSQL); the keys are the targets' names, e.g. answer_save_cpu_ms."""
    figures: dict[str, float] = {}
    for conns in connections:
        for name, key in (measured, reference):
            results = [run[f"{name}_c{conns}"] for run in runs]
            for part, values in (
                ("", [r.cpu_ms for r in results if r.cpu_ms]),
                ("_db", [r.db_cpu_ms for r in results if r.db_cpu_ms is not None]),
            ):
                if values:  # no probe, no database server, or runs too short for the clock's ticks
                    figures[f"{key}{part}_c{conns}{suffix}"] = summarise(f"{key}{part}_c{conns}{suffix}", values)
    return figures


# ---------------------------------------------------------------------------------- bulk loading


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> int:
    """Insert many rows into `table` (a SQLAlchemy Table) on an open SQLAlchemy connection; return how many.

    PostgreSQL: one COPY ... FROM STDIN (psycopg), JSON columns sent as their JSON text. SQLite: one
    executemany of the Core INSERT (SQLAlchemy's own type processing, as the app's inserts do).
    Columns left out of the rows take their server defaults (ids from the sequence).
    """
    if not rows:
        return 0
    from sqlalchemy import JSON, insert

    names = list(rows[0])
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return len(rows)
    as_json = {name for name in names if isinstance(table.c[name].type, JSON)}
    raw = conn.connection.driver_connection
    columns = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in as_json and row[n] is not None else row[n] for n in names])
    return len(rows)


def analyze(conn: Any) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL's autovacuum would, a little later)."""
    from sqlalchemy import text

    conn.execute(text("ANALYZE"))
