"""The worker's cost per posted order (CPU milliseconds, SQL statements) next to procrastinate's no-op job.

Used by bench/pipeline.py. CPU is the user + system time of the worker processes (/proc/<pid>/stat)
while the orders go through. SQL statements are counted by Postgres itself: the embedded Postgres
has no pg_stat_statements, so the worker processes connect with ``application_name`` set and
``log_statement=all`` for their sessions only (libpq ``options`` in their DATABASE_URL), and every
logged statement of that application is counted in the server log. That counts what the worker
really sends, SQLAlchemy's and procrastinate's alike (fetching, finishing and heartbeat included),
without a line of production code. The no-op job: a bare procrastinate worker (bench/noop_worker.py,
same concurrency and polling) works as many jobs of a task that does nothing, in the same run.
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKER_APP, NOOP_APP = "koppel-worker", "noop-worker"
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def server_log(handle, database_url: str) -> pathlib.Path | None:
    """The embedded server's log, each line prefixed with the application's name; None for another server."""
    if handle is None:
        return None
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET log_line_prefix = '%a|'")
        conn.execute("SELECT pg_reload_conf()")
    return pathlib.Path(handle.log)


def worker_env(env: dict) -> dict:
    """The worker processes' environment: their sessions named and logging every statement."""
    return {**env, "DATABASE_URL": tagged_url(env["DATABASE_URL"], WORKER_APP)}


def tagged_url(database_url: str, application: str) -> str:
    """``database_url`` for sessions named ``application`` whose every statement the server logs."""
    parts = urllib.parse.urlsplit(database_url)
    query = urllib.parse.parse_qsl(parts.query) + [("application_name", application),
                                                   ("options", "-c log_statement=all")]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, quote_via=urllib.parse.quote)))  # libpq: %20, not +


def cpu_ms(pids: list[int]) -> float:
    """User + system CPU time the processes used so far, in milliseconds."""
    total = 0
    for pid in pids:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat(5))
    return total * TICK_MS


def _logged(logfile: pathlib.Path | None, application: str, offset: int = 0) -> list[str]:
    """The statements the server logged for ``application`` from byte ``offset`` of its log on, each on one
    line (the server continues a statement of several lines on lines that start with a tab)."""
    if logfile is None:
        return []
    with logfile.open("rb") as log:
        log.seek(offset)
        text = log.read().decode(errors="replace")
    pattern = re.compile(rf"^{re.escape(application)}\|.*LOG:  (?:statement|execute [^:]*): ?(.*)$")
    found, current = [], None
    for line in text.splitlines():
        if line.startswith("\t"):
            if current is not None:
                current.append(line.strip())
            continue
        match = pattern.match(line)
        current = [match.group(1)] if match else None
        if current is not None:
            found.append(current)
    return [" ".join(parts).strip() for parts in found]


def statements(logfile: pathlib.Path | None, application: str) -> int:
    """Statements the server logged for ``application`` so far (0 without a server log)."""
    return len(_logged(logfile, application))


# What each statement is: transaction and pool overhead, procrastinate's own, or the work itself.
KINDS = (("BEGIN", re.compile(r"^BEGIN", re.I)), ("COMMIT/ROLLBACK", re.compile(r"^(COMMIT|ROLLBACK)", re.I)),
         ("SQLAlchemy pre-ping", re.compile(r"^;$")), ("psycopg-pool check", re.compile(r"^$")),
         ("procrastinate", re.compile(r"procrastinate", re.I)), ("other", re.compile(r"")))


def kinds(lines: list[str]) -> dict[str, int]:
    """How many of ``lines`` are of each kind (the first kind whose pattern matches)."""
    counts = dict.fromkeys((name for name, _ in KINDS), 0)
    for line in lines:
        counts[next(name for name, pattern in KINDS if pattern.search(line.strip()))] += 1
    return counts


class Meter:
    """CPU and statements of some processes between ``start()`` and ``stop()``."""

    def __init__(self, logfile: pathlib.Path | None, application: str, pids: list[int]):
        self.logfile, self.application, self.pids = logfile, application, pids

    def start(self) -> Meter:
        self.cpu = cpu_ms(self.pids)
        self.offset = self.logfile.stat().st_size if self.logfile else 0
        return self

    def stop(self) -> dict:
        lines = _logged(self.logfile, self.application, self.offset)
        sql = len(lines) if self.logfile else float("nan")
        return {"cpu_ms": cpu_ms(self.pids) - self.cpu, "sql": sql, "kinds": kinds(lines)}


def noop_jobs(database_url: str, logfile: pathlib.Path | None, jobs: int, concurrency: int) -> dict:
    """Work ``jobs`` no-op jobs on a bare procrastinate worker; its CPU and statements, and the jobs per second."""
    import procrastinate

    from bench import noop_worker
    from tests.support.waiting import wait_for

    env = {**os.environ, "DATABASE_URL": tagged_url(database_url, NOOP_APP)}
    process = subprocess.Popen([sys.executable, "-m", "bench.noop_worker", str(concurrency)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deferrer = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=database_url))
    try:
        with deferrer.open():
            left = lambda: deferrer.connector.execute_query_one(  # noqa: E731
                "SELECT count(*) AS n FROM procrastinate_jobs WHERE queue_name = %(q)s", q=noop_worker.QUEUE)["n"]
            wait_for(lambda: statements(logfile, NOOP_APP) > 0 or logfile is None, timeout=60)
            time.sleep(1)  # the worker's start-up (imports, LISTEN) stays out of the figure
            meter = Meter(logfile, NOOP_APP, [process.pid]).start()
            started = time.monotonic()
            deferrer.configure_task(noop_worker.QUEUE, queue=noop_worker.QUEUE).batch_defer(*[{} for _ in range(jobs)])
            wait_for(lambda: left() == 0, timeout=600, interval=0.05, message="no-op jobs done")
            elapsed = time.monotonic() - started
            figures = meter.stop()
    finally:
        process.terminate()
        process.wait(timeout=60)
    return {**figures, "jobs": jobs, "per_second": jobs / elapsed}


def report(koppel: dict, orders: int, noop: dict) -> None:
    """Print CPU ms and statements per order beside the same per no-op job (statements: nan on another server)."""
    def per(figures: dict, count: int, key: str) -> float:
        return figures[key] / count if count else float("nan")

    print(f"worker cost per posted order: {per(koppel, orders, 'cpu_ms'):.1f} ms CPU, "
          f"{per(koppel, orders, 'sql'):.1f} SQL statements ({orders} orders)")
    print(f"procrastinate no-op job:      {per(noop, noop['jobs'], 'cpu_ms'):.1f} ms CPU, "
          f"{per(noop, noop['jobs'], 'sql'):.1f} SQL statements ({noop['jobs']} jobs, {noop['per_second']:.0f} jobs/s)")
    if orders and koppel.get("kinds"):
        print("statements per posted order:  " + ", ".join(
            f"{name} {count / orders:.1f}" for name, count in koppel["kinds"].items()))
