"""Benchmark: memory of the Procfile's web and worker processes after real work. Prints figures.

    .venv/bin/python bench/memory.py --orders 20

Starts the Procfile's ``web`` and ``worker`` commands as written there (``gunicorn`` and ``python``
taken from this virtualenv) against an embedded Postgres, with the sandboxes in this process. A
merchant's orders go webhook → worker → Exact sandbox; then the merchant logs in and opens the
dashboard's tabs a few times over HTTP. Then, per process: RSS, PSS and USS from
/proc/<pid>/smaps_rollup and the peak RSS (VmHWM). PSS shares each page among the processes that map
it, so the sum of PSS is what a group of forked processes really costs; a sum of RSS counts every
shared page once per worker. Not a test: it measures.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import environment, free_port, start_database  # noqa: E402

TABS = ("/", "/tab/errors", "/tab/open", "/tab/report")


def procfile_command(kind: str, env: dict) -> list[str]:
    """The Procfile's ``kind`` line as argv, ${VAR:-default} expanded, the tools from this virtualenv."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith(kind + ":"))
    line = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1), m.group(2)), line.split(":", 1)[1])
    argv = shlex.split(line)
    if argv[0] == "gunicorn":
        return [sys.executable, "-m", "gunicorn", *argv[1:]]
    return [sys.executable, *argv[1:]] if argv[0] == "python" else argv


def memory_of(pid: int) -> dict:
    """RSS, PSS, USS and peak RSS of one process, in MiB."""
    rollup = {}
    for line in pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        rollup[key] = int(value.split()[0])
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
    uss = rollup["Private_Clean"] + rollup["Private_Dirty"]
    return {"rss": rollup["Rss"] / 1024, "pss": rollup["Pss"] / 1024, "uss": uss / 1024, "peak": peak / 1024}


def process_tree(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [int(child) for child in out]


def browse(port: int, email: str, password: str, rounds: int) -> int:
    """Log in and open every dashboard tab ``rounds`` times; returns the number of 200 answers."""
    import requests

    ok = 0
    for _ in range(rounds):  # a new session each round: gunicorn hands requests to either worker
        with requests.Session() as http:
            form = http.get(f"http://127.0.0.1:{port}/login", timeout=30).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
            http.post(f"http://127.0.0.1:{port}/login", timeout=30,
                      data={"csrf_token": token, "username": email, "password": password})
            for tab in TABS:
                ok += http.get(f"http://127.0.0.1:{port}{tab}", timeout=30).status_code == 200
    return ok


def report(name: str, pids: list[int]) -> dict:
    """Print one line per process and the group's total; returns the totals.

    ``alone``: the first process's RSS plus the others' USS. Other programs on this machine that map the
    same libraries (the shared virtualenv, libpython) lower everyone's PSS; on a machine of its own a group
    of processes forked from a preloaded master costs about this much (every shared page is the master's).
    """
    total = {"rss": 0.0, "pss": 0.0, "uss": 0.0, "peak": 0.0, "alone": 0.0}
    for i, pid in enumerate(pids):
        figures = memory_of(pid)
        role = "master" if (name == "web" and i == 0) else "process"
        print(f"  {name:<6} {role:<10} pid {pid:<7} RSS {figures['rss']:6.1f}  PSS {figures['pss']:6.1f}  "
              f"USS {figures['uss']:6.1f}  peak RSS {figures['peak']:6.1f} MiB")
        figures["alone"] = figures["rss"] if i == 0 else figures["uss"]
        total = {key: total[key] + figures[key] for key in total}
    print(f"  {name:<6} {'in all':<10} {'':<11} RSS {total['rss']:6.1f}  PSS {total['pss']:6.1f}  "
          f"USS {total['uss']:6.1f}  peak RSS {total['peak']:6.1f} MiB  (alone ≈ {total['alone']:.0f})")
    return total


def setup_merchant(sandboxes) -> dict:
    from worker import demo

    shop = {"shop_id": "memory-0", "api_key": "memory-key-0", "webhook_secret": "memory-secret-0"}
    tenant_id = demo.create_merchant("Memory 0", "memory0@example.test", "bench-password", shop)
    demo.connect_sandbox_shop(tenant_id)
    sandboxes.exact.add_user(username="memory0@exact.test", password="pw", division=None)
    demo.connect_sandbox_exact(tenant_id, "memory0@exact.test", "pw")
    return shop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20, help="orders through the pipeline before measuring")
    parser.add_argument("--rounds", type=int, default=6, help="logins, each opening every dashboard tab")
    args = parser.parse_args()

    database_url, handle = start_database()
    sandbox_port, web_port = free_port(), free_port()
    env = environment(database_url, sandbox_port, web_port, 4)
    os.environ.update(env)
    import logging

    import sqlalchemy as sa

    from tests.support.waiting import wait_for
    from worker import config, db, migrate
    from worker.httpserver import ServerThread
    from worker.sandboxes import SandboxSet

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the sandboxes' access log
    config.override(**vars(config.from_env(env)))
    migrate.upgrade(database_url)
    db.configure(database_url)
    sandboxes = SandboxSet(exact_options={"minute_limit": 10**6, "day_limit": 10**8})
    server = ServerThread(sandboxes, port=sandbox_port).start()
    sandboxes.sender.start()
    web_argv, worker_argv = procfile_command("web", env), procfile_command("worker", env)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    web = subprocess.Popen(web_argv, cwd=ROOT, env=env, **quiet)
    worker = subprocess.Popen(worker_argv, cwd=ROOT, env=env, **quiet)
    try:
        shop = setup_merchant(sandboxes)
        wait_for(lambda: subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{web_port}/login"]
                                        ).returncode == 0, timeout=120)
        placed = [sandboxes.kmo.create_order(shop["shop_id"], kind="b2c", status="paid")["number"]
                  for _ in range(args.orders)]

        def posted() -> int:
            with db.engine().connect() as conn:
                return conn.execute(sa.text("SELECT count(*) FROM orders WHERE state = 'posted'")).scalar_one()

        wait_for(lambda: posted() >= len(placed), timeout=600, interval=0.5, message="orders posted")
        pages = browse(web_port, "memory0@example.test", "bench-password", args.rounds)
        print(f"web:    {' '.join(web_argv[2:])}")
        print(f"worker: {' '.join(worker_argv[1:])}")
        print(f"after {posted()} orders posted and {pages} dashboard pages served (MiB):")
        web_total = report("web", process_tree(web.pid))
        worker_total = report("worker", process_tree(worker.pid))
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            process.wait(timeout=60)
        sandboxes.sender.stop()
        server.stop()
        db.engine().dispose()
    print(f"web in all: PSS {web_total['pss']:.0f} MiB, alone ≈ {web_total['alone']:.0f} MiB (goal < 150); "
          f"worker: PSS {worker_total['pss']:.0f} MiB, RSS {worker_total['rss']:.0f} MiB (goal < 120)")
    del handle


if __name__ == "__main__":
    main()
