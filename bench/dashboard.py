"""Benchmark: the dashboard of a merchant with 100,000 orders among 1,000,000. Prints figures.

    .venv/bin/python bench/dashboard.py --orders 100000      # while iterating
    .venv/bin/python bench/dashboard.py                      # 1,000,000 orders, 1,000 merchants

Loads the data with COPY, then times requests through the real Flask app (test client, real
Postgres) logged in as the big merchant, and prints EXPLAIN ANALYZE summaries of the queries each
request runs. Not a test: nothing here asserts, it measures.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dashboard_data  # noqa: E402
from bench.pipeline import start_database  # noqa: E402

HX = {"HX-Request": "true"}
DEEP_PAGE = 2000


def load(url: str, orders: int, merchants: int, big: int) -> int:
    """Migrate and fill the database; returns the big merchant's tenant id."""
    import psycopg

    from worker import demo

    shop = {"shop_id": "bench-big", "api_key": "bench-key", "webhook_secret": "bench-secret"}
    tenant_id = demo.create_merchant("Big", "big@example.test", "bench-password", shop)
    started = time.monotonic()
    with psycopg.connect(url) as conn:
        dashboard_data.add_merchants(conn, merchants - 1)
        dashboard_data.copy_orders(conn, dashboard_data.connections_by_tenant(conn), big, orders)
    copied = time.monotonic() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load: statistics, visibility map
    print(f"loaded:   {orders:,} orders for {merchants:,} merchants ({big:,} for the big one) "
          f"in {copied:.1f} s (COPY), VACUUM ANALYZE {time.monotonic() - started - copied:.1f} s")
    return tenant_id


def cases(url: str, tenant_id: int, page_size: int) -> list[tuple[str, str]]:
    """(name, URL) of each request timed; the deep page is the one an Older link on page 1,999 opens."""
    import psycopg
    import psycopg.rows

    with psycopg.connect(url, row_factory=psycopg.rows.namedtuple_row) as conn:
        last = conn.execute("""SELECT id, number, order_date FROM orders WHERE tenant_id = %s AND state IN ('posted', 'skipped')
                               ORDER BY created_at DESC, id DESC OFFSET %s LIMIT 1""",
                            (tenant_id, (DEEP_PAGE - 1) * page_size - 1)).fetchone()
        month = conn.execute("SELECT date_trunc('month', max(order_date) - 365)::date FROM orders "
                             "WHERE tenant_id = %s", (tenant_id,)).fetchone()[0]
    month_end = (month.replace(day=28)).isoformat()
    return [("Report, page 1", "/tab/report"), ("Errors, page 1", "/tab/errors"), ("Open, page 1", "/tab/open"),
            (f"Report, page {DEEP_PAGE:,}", f"/tab/report?page={DEEP_PAGE}&after={last.id if last else 0}"),
            (f"Report, page {DEEP_PAGE:,} (no cursor)", f"/tab/report?page={DEEP_PAGE}"),
            ("search by number", f"/tab/report?q={last.number[-5:] if last else '00001'}"),
            ("search by period", f"/tab/report?since={month.isoformat()}&until={month_end}")]


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:
    """p50 and p95 in ms over ``repeat`` requests (after two to warm up), and the last status."""
    for _ in range(2):
        client.get(url, headers=HX)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        status = client.get(url, headers=HX).status_code
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(0.95 * len(times)) - 1)], status


def statements_of(client, url: str) -> list[tuple[str, object]]:
    """The SQL statements on orders one request runs, with their parameters."""
    import sqlalchemy as sa

    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM orders" in statement:
            seen.append((statement, parameters))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        client.get(url, headers=HX)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    return seen


def plan_nodes(node: dict) -> list[str]:
    """The scans and sorts of one plan, as short phrases."""
    found = []
    kind = node["Node Type"]
    if "Scan" in kind and "Relation Name" in node or kind == "Sort":
        found.append(kind + (f" using {node['Index Name']}" if "Index Name" in node else "")
                     + (f" on {node['Relation Name']}" if "Relation Name" in node and "Index Name" not in node else "")
                     + (f" ({node.get('Actual Rows', 0) * node.get('Actual Loops', 1):,.0f} rows)"))
    for child in node.get("Plans", []):
        found += plan_nodes(child)
    return found


def explain(statements: list[tuple[str, object]]) -> list[str]:
    """One line per statement: its execution time and what it scanned."""
    from worker import db

    lines = []
    with db.engine().connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()[0]
            what = "; ".join(plan_nodes(plan["Plan"]))
            lines.append(f"    {plan['Execution Time']:7.1f} ms  {what}")
    return lines


def profile(client, url: str) -> None:
    """Where one request's time goes (cProfile, 20 requests, the 25 costliest functions by own+callees time)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.get(url, headers=HX)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders in all")
    parser.add_argument("--merchants", type=int, default=1000)
    parser.add_argument("--big", type=int, help="orders of the big merchant (default a tenth)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case")
    parser.add_argument("--profile", action="store_true", help="also profile the Report tab's first page")
    args = parser.parse_args()

    url, handle = start_database()
    os.environ["DATABASE_URL"] = url
    from portal import create_app
    from worker import db, migrate

    migrate.upgrade(url)
    db.configure(url)
    tenant_id = load(url, args.orders, args.merchants, args.big or args.orders // 10)
    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": "big@example.test", "password": "bench-password"})
    print(f"{'request':<34} {'p50':>8} {'p95':>8}")
    for name, path in cases(url, tenant_id, app.config["PAGE_SIZE"]):
        p50, p95, status = timed(client, path, args.repeat)
        print(f"{name:<34} {p50:6.1f} ms {p95:6.1f} ms  (HTTP {status}) {path}")
        print("\n".join(explain(statements_of(client, path))))
    if args.profile:
        profile(client, "/tab/report")
    db.engine().dispose()
    del handle


if __name__ == "__main__":
    main()
