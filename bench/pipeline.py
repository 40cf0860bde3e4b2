"""Benchmark: N orders for M merchants, webhook → worker → Exact (or Visma eAccounting) sandbox. Prints figures.

    .venv/bin/python bench/pipeline.py --orders 200 --merchants 4 --workers 2
    .venv/bin/python bench/pipeline.py --orders 60 --target visma --large-lines 0

The web and worker processes run as the Procfile runs them (gunicorn, ``python -m worker.run``);
the sandboxes run in this process with the target's rate limits out of the way, so the figures are
Koppel's own. Each administration starts with debtors and items of its own, mirrored before the
orders come; remote calls per order are printed per case (bench/calls.py), with a 70 %-returning mix.
Not a test: nothing here asserts, it measures.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import calls  # noqa: E402  (bench/calls.py)

TARGETS = {"exact": "exact_online", "visma": "visma_eaccounting"}  # --target → connector key


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url: str, sandbox_port: int, web_port: int, concurrency: int) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "PORT": str(web_port),
            "KOPPEL_SANDBOX_URL": f"http://127.0.0.1:{sandbox_port}",
            "KMOSHOPS_API_URL": f"http://127.0.0.1:{sandbox_port}/kmoshops/v1",
            "EXACT_BASE_URL": f"http://127.0.0.1:{sandbox_port}/exact", "VIES_URL": f"http://127.0.0.1:{sandbox_port}/vies",
            "KOPPEL_PUBLIC_URL": f"http://127.0.0.1:{web_port}", "KOPPEL_WORKER_CONCURRENCY": str(concurrency)}


def peak_rss_mb(pids: list[int]) -> float:
    """Sum of the peak resident memory (VmHWM) of the given processes, in MiB."""
    total = 0
    for pid in pids:
        try:
            for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [int(child) for child in out]


def start_database() -> tuple[str, object]:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    import pgserver

    server = pgserver.get_server(tempfile.mkdtemp(prefix="koppel-bench-"), cleanup_mode="delete")
    return server.get_uri(), server


def place_large_order(sandboxes, merchant: dict, lines: int) -> str:
    """One order of ``lines`` new products (prices incl. VAT, 21 %) for the first merchant; returns its number."""
    from decimal import Decimal

    from tests.support.orders import Amount, build

    amounts = [Amount(Decimal("1.21") + Decimal(i) / 100, Decimal("21")) for i in range(lines)]
    payload, _ = build("LARGE", 1, amounts, True, "large@example.test")
    keep = ("lines", "totals", "discounts", "prices_include_vat", "customer")
    order = sandboxes.kmo.create_order(merchant["shop_id"], kind="b2c", status="paid",
                                       shipping={}, **{key: payload[key] for key in keep})
    return order["number"]


def target_of(tenant_id: int):
    import sqlalchemy as sa

    from worker import db
    from worker.models import Connection

    with db.session_scope() as session:
        target = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant_id,
                                                             Connection.role == "target")).scalar_one()
        session.expunge(target)
        return target


def calls_of(number: str) -> int:
    import sqlalchemy as sa

    from worker import db

    with db.engine().connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM remote_calls c JOIN orders o ON o.id = c.order_id "
                                    "WHERE o.number = :n"), {"n": number}).scalar_one()


def measure(numbers: list[tuple[str, bool]], apart: str = "") -> dict:
    """Latency, throughput and calls per order from the database."""
    import sqlalchemy as sa

    from worker import db

    with db.engine().connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT o.number, p.posted_at, min(d.received_at) AS received,
                   (SELECT count(*) FROM remote_calls c WHERE c.order_id = o.id) AS calls
            FROM orders o JOIN postings p ON p.order_id = o.id JOIN webhook_deliveries d ON d.order_id = o.id
            WHERE p.state = 'posted' GROUP BY o.id, o.number, p.posted_at""")).all()
        failed = conn.execute(sa.text("SELECT error_code, count(*) FROM orders WHERE state = 'failed' "
                                      "GROUP BY error_code")).all()
    latencies = sorted((row.posted_at - row.received).total_seconds() for row in rows)
    span = (max(r.posted_at for r in rows) - min(r.received for r in rows)).total_seconds()
    return {"posted": len(rows), "failed": ", ".join(f"{code} × {n}" for code, n in failed), "per_second": len(rows) / span if span else float("nan"),
            "p50": statistics.median(latencies), "p95": latencies[int(0.95 * (len(latencies) - 1))]}


def slow_documents(sandboxes, milliseconds: int) -> None:
    """Make the Exact sandbox take ``milliseconds`` for every document it books, as the real API does."""
    if milliseconds:
        from worker.sandbox_faults import FaultRule

        sandboxes.exact.add_fault(FaultRule("POST", "salesinvoice/SalesInvoices", mode="hold_then_commit",
                                            hang_seconds=milliseconds / 1000, count=10**9))


def connect_target(sandboxes, target: str, tenant_id: int, m: int) -> None:
    """Connect the merchant's books to a sandbox administration of its own, as the demo merchants are."""
    from worker import demo, demo_visma

    if target == "visma":
        sandboxes.visma.add_user(f"bench{m}@visma.test", "pw")
        demo_visma.connect_sandbox_visma(tenant_id, f"bench{m}@visma.test", "pw")
    else:
        sandboxes.exact.add_user(username=f"bench{m}@exact.test", password="pw", division=None)
        demo.connect_sandbox_exact(tenant_id, f"bench{m}@exact.test", "pw")


def unthrottled(target: str) -> dict:
    """Sandbox options that keep the target's rate limits out of the way."""
    return {"exact_options": {"minute_limit": 10**6, "day_limit": 10**8}} if target == "exact" else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200, help="orders in all")
    parser.add_argument("--merchants", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=4, help="jobs per worker process")
    parser.add_argument("--remote-ms", type=int, default=0, help="Exact takes this long to book each document")
    parser.add_argument("--large-lines", type=int, default=250, help="lines of the one large order (0: none)")
    parser.add_argument("--target", choices=TARGETS, default="exact", help="the accounting system the orders go to")
    args = parser.parse_args()
    if args.remote_ms and args.target != "exact":
        parser.error("--remote-ms slows the Exact sandbox only")

    database_url, handle = start_database()
    from bench import workercost  # CPU and SQL statements per order (bench/workercost.py)

    logfile = workercost.server_log(handle, database_url)
    sandbox_port, web_port = free_port(), free_port()
    env = environment(database_url, sandbox_port, web_port, args.concurrency)
    os.environ.update(env)
    from worker import config, db, demo, migrate
    from worker.httpserver import ServerThread
    from worker.sandboxes import SandboxSet
    from tests.support.waiting import wait_for

    config.override(**vars(config.from_env(env)))
    migrate.upgrade(database_url)
    db.configure(database_url)
    sandboxes = SandboxSet(**unthrottled(args.target))
    sandboxes.visma.limiter.limit = 10**6  # Visma's 600 calls a minute per endpoint, out of the way too
    server = ServerThread(sandboxes, port=sandbox_port).start()
    sandboxes.sender.start()
    slow_documents(sandboxes, args.remote_ms)
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{web_port}", "--workers", "2",
                            "--threads", "8", "wsgi:app"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    workers = [subprocess.Popen([sys.executable, "-m", "worker.run"], cwd=ROOT, env=workercost.worker_env(env),
                                stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL) for _ in range(args.workers)]
    try:
        merchants, targets = [], []
        for m in range(args.merchants):
            shop = {"shop_id": f"bench-{m}", "api_key": f"bench-key-{m}", "webhook_secret": f"bench-secret-{m}"}
            tenant_id = demo.create_merchant(f"Bench {m}", f"bench{m}@example.test", "bench-password", shop,
                                             **({"country": "NL", "target": TARGETS[args.target]}
                                                if args.target == "visma" else {}))
            demo.connect_sandbox_shop(tenant_id)
            connect_target(sandboxes, args.target, tenant_id, m)
            targets.append(target_of(tenant_id))
            calls.seed_administration(targets[-1], m)
            merchants.append(shop)
        calls.wait_mirrored([target.id for target in targets])
        wait_for(lambda: subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{web_port}/login"]).returncode == 0)
        started, meter = time.monotonic(), workercost.Meter(logfile, workercost.WORKER_APP, [w.pid for w in workers]).start()
        cases = calls.place(sandboxes, [shop["shop_id"] for shop in merchants], args.orders // args.merchants)
        numbers = [(number, case.startswith("returning")) for number, case in cases.items()]
        if args.large_lines:
            numbers.append((place_large_order(sandboxes, merchants[0], args.large_lines), False))

        def finished() -> int:
            import sqlalchemy as sa
            with db.engine().connect() as conn:
                return conn.execute(sa.text("SELECT count(*) FROM orders WHERE state IN ('posted', 'failed')")
                                    ).scalar_one()

        wait_for(lambda: finished() >= len(numbers), timeout=1800, interval=0.5)
        wall, cost = time.monotonic() - started, meter.stop()
        figures = measure(numbers, apart=numbers[-1][0] if args.large_lines else "")
        large_calls = calls_of(numbers[-1][0]) if args.large_lines else 0
        web_mb = peak_rss_mb(children(web.pid))
        worker_mb = [peak_rss_mb(children(w.pid)) for w in workers]
    finally:
        for process in [web, *workers]:
            process.terminate()
        for process in [web, *workers]:
            process.wait(timeout=60)
        sandboxes.sender.stop()
        server.stop()
        db.engine().dispose()
    noop = workercost.noop_jobs(database_url, logfile, len(numbers), args.concurrency)
    print(f"orders posted:               {figures['posted']} of {len(numbers)} ({args.merchants} merchants, "
          f"{args.workers} workers × {args.concurrency}); failed: {figures['failed'] or 'none'}")
    print(f"end to end:                  {figures['per_second']:.1f} orders/s (wall {wall:.1f} s incl. placing)")
    print(f"latency webhook → posted:    p50 {figures['p50'] * 1000:.0f} ms, p95 {figures['p95'] * 1000:.0f} ms")
    print(f"target:                      {args.target}")
    calls.report(cases, TARGETS[args.target])
    if args.large_lines:
        print(f"large order:                 {args.large_lines} lines of new products, {large_calls} remote calls "
              f"({args.large_lines} item creates, debtor, document; look-ups only while the mirror fills)")
    print(f"peak memory:                 web {web_mb:.0f} MiB (gunicorn master + workers), "
          f"worker {max(worker_mb):.0f} MiB per process")
    workercost.report(cost, figures["posted"], noop)
    del handle


if __name__ == "__main__":
    main()
