"""Running procrastinate workers in tests: in a thread of the test process, or as a real subprocess."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading

import psycopg_pool

from worker import jobs

QUEUES = ["orders", "maintenance"]


class WorkerThread:
    """A real worker (real Postgres, LISTEN/NOTIFY) in a background thread of the test process."""

    def __init__(self, database_url: str, concurrency: int = 4):
        # The worker runs the real app (its tasks defer through it), on a pool for this test's database.
        self.app = jobs.app
        self.database_url = database_url
        self.concurrency = concurrency
        self.loop = asyncio.new_event_loop()
        self.task = None
        self.thread = threading.Thread(target=self._run, daemon=True, name="test-worker")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.task = self.loop.create_task(self._work())
        try:
            self.loop.run_until_complete(self.task)
        except asyncio.CancelledError:
            pass

    async def _work(self) -> None:
        pool = psycopg_pool.AsyncConnectionPool(self.database_url, open=False,
                                                check=psycopg_pool.AsyncConnectionPool.check_connection)
        await pool.open(wait=True)
        async with self.app.open_async(pool):
            await self.app.run_worker_async(queues=QUEUES, concurrency=self.concurrency, wait=True,
                                            install_signal_handlers=False, fetch_job_polling_interval=0.2)

    def start(self) -> WorkerThread:
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.task is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(timeout=30)
        self.loop.run_until_complete(self._close()) if not self.loop.is_closed() else None

    async def _close(self) -> None:
        # open_async(pool) leaves an external pool open and set on the shared app: undo both.
        pool = self.app.connector._async_pool
        self.app.connector._async_pool = None
        self.app.connector._pool_externally_set = False
        if pool is not None:
            await pool.close()


def start_subprocess(database_url: str, env: dict | None = None) -> subprocess.Popen:
    """``python -m worker.run`` as its own process (what the Procfile runs), killable with SIGKILL."""
    full_env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "worker.run"], env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
