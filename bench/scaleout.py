"""Benchmark: orders per second as worker processes are added, more merchants than workers. Prints a table.

    .venv/bin/python bench/scaleout.py --orders 160 --merchants 8 --concurrency 1 --remote-ms 500 --workers 1 2 4

Runs bench/pipeline.py once per worker count, each on a fresh embedded Postgres with the same orders,
and prints its throughput, latency and worker cost side by side. One merchant's orders are worked one
at a time (a procrastinate lock per merchant), so more workers help as long as there are merchants
with work waiting. On one machine the workers share its cores with gunicorn, Postgres and the
sandboxes; on several machines against one Postgres each worker brings its own.
"""
from __future__ import annotations

import argparse
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIGURES = {"per_second": r"end to end:\s+([\d.]+) orders/s", "p50": r"p50 (\d+) ms", "p95": r"p95 (\d+) ms",
           "cpu": r"worker cost per posted order: ([\d.]+) ms CPU", "sql": r"CPU, ([\d.]+) SQL statements \(",
           "posted": r"orders posted:\s+(\d+) of"}


def run(workers: int, args: argparse.Namespace) -> dict:
    """One bench/pipeline.py run with ``workers`` worker processes; the figures it printed."""
    command = [sys.executable, str(ROOT / "bench" / "pipeline.py"), "--orders", str(args.orders), "--merchants",
               str(args.merchants), "--workers", str(workers), "--concurrency", str(args.concurrency),
               "--large-lines", "0", "--remote-ms", str(args.remote_ms)]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600).stdout
    found = {key: re.search(pattern, out) for key, pattern in FIGURES.items()}
    if not all(found.values()):
        raise SystemExit(f"bench/pipeline.py printed no figures for {workers} workers:\n{out[-2000:]}")
    return {key: float(match.group(1)) for key, match in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=160)
    parser.add_argument("--merchants", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4, help="jobs per worker process")
    parser.add_argument("--remote-ms", type=int, default=0, help="Exact's time to book a document")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    print(f"{args.orders} orders, {args.merchants} merchants, {args.concurrency} jobs per worker process, "
          f"Exact books a document in {args.remote_ms} ms")
    print("workers  posted  orders/s  p50 ms  p95 ms  CPU ms/order  SQL/order")
    for workers in args.workers:
        f = run(workers, args)
        print(f"{workers:>7}  {f['posted']:>6.0f}  {f['per_second']:>8.1f}  {f['p50']:>6.0f}  {f['p95']:>6.0f}  "
              f"{f['cpu']:>12.1f}  {f['sql']:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
