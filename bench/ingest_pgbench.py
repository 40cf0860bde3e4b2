"""The floor for bench/ingest.py: pgbench running a webhook-shaped two-insert transaction."""
from __future__ import annotations

import json
import pathlib
import re
import statistics
import subprocess
import tempfile

TABLES = """
DROP TABLE IF EXISTS bench_orders, bench_deliveries;
CREATE TABLE bench_deliveries (id bigserial PRIMARY KEY, connection_id int NOT NULL, delivery_id text NOT NULL,
    topic text NOT NULL, body text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, delivery_id));
CREATE TABLE bench_orders (id bigserial PRIMARY KEY, connection_id int NOT NULL, shop_order_id text NOT NULL,
    number text NOT NULL, payload jsonb NOT NULL, state text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, shop_order_id));
"""


def pgbench_binary() -> str:
    """pgbench from the Postgres that pgserver ships."""
    import pgserver

    return str(pathlib.Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench")


def script(order: dict) -> str:
    """One delivery stored raw, then its order: the two inserts of an intake, in one transaction."""
    body = json.dumps(order).replace("'", "''")
    return (f"\\set n random(1, 1000000000000)\nBEGIN;\n"
            f"INSERT INTO bench_deliveries (connection_id, delivery_id, topic, body) "
            f"VALUES (:client_id, md5(random()::text), 'orders/created', '{body}');\n"
            f"INSERT INTO bench_orders (connection_id, shop_order_id, number, payload, state) "
            f"VALUES (:client_id, :n, 'KMO-' || :n, '{body}'::jsonb, 'queued') ON CONFLICT DO NOTHING;\n"
            f"COMMIT;\n")


def run(url: str, order: dict, clients: int, seconds: int) -> dict:
    """Transactions per second and latency percentiles (ms) of pgbench against ``url``."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TABLES)
    with tempfile.TemporaryDirectory(prefix="koppel-pgbench-") as folder:
        path = pathlib.Path(folder) / "intake.sql"
        path.write_text(script(order))
        done = subprocess.run([pgbench_binary(), "-n", "-c", str(clients), "-j", "2", "-T", str(seconds),
                               "-f", str(path), "-l", "--log-prefix", f"{folder}/log", url],
                              capture_output=True, text=True, cwd=folder)
        latencies = sorted(int(line.split()[2]) / 1000 for log in pathlib.Path(folder).glob("log*")
                           for line in log.read_text().splitlines())
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    return {"rate": float(tps.group(1)) if tps else float("nan"), "count": len(latencies),
            "p50": statistics.median(latencies) if latencies else float("nan"),
            "p99": latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan"),
            "error": "" if done.returncode == 0 else done.stderr[-500:]}
