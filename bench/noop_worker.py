"""procrastinate's no-op job on a bare procrastinate worker: the floor bench/workercost.py compares Koppel's worker with.

    python -m bench.noop_worker <concurrency>   (DATABASE_URL in the environment)

Nothing of Koppel is imported: the same procrastinate, psycopg and Postgres, a task that does nothing.
"""
from __future__ import annotations

import asyncio
import os
import sys

import procrastinate

QUEUE = "bench_noop"
app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=os.environ.get("DATABASE_URL", "")))


@app.task(queue=QUEUE, name=QUEUE)
def noop() -> None:
    """Does nothing: what is left is procrastinate's own cost per job."""


async def work(concurrency: int) -> None:
    async with app.open_async():
        # As Koppel's worker runs (worker/jobs.py): poll every 0.5 s, heartbeat every 10 s, delete finished jobs.
        await app.run_worker_async(queues=[QUEUE], concurrency=concurrency, delete_jobs="successful",
                                   fetch_job_polling_interval=0.5, update_heartbeat_interval=10)


if __name__ == "__main__":
    asyncio.run(work(int(sys.argv[1]) if len(sys.argv) > 1 else 4))
