"""Running procrastinate workers in tests: in a thread of the test process, or as a real subprocess."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading

import procrastinate

from worker import jobs

QUEUES = ["orders", "maintenance"]


class WorkerThread:
    """A real worker (real Postgres, LISTEN/NOTIFY) in a background thread of the test process."""

    def __init__(self, database_url: str, concurrency: int = 4):
        self.app = jobs.app.with_connector(procrastinate.PsycopgConnector(conninfo=database_url))
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
        async with self.app.open_async():
            await self.app.run_worker_async(queues=QUEUES, concurrency=self.concurrency, wait=True,
                                            install_signal_handlers=False, fetch_job_polling_interval=0.2)

    def start(self) -> WorkerThread:
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.task is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(timeout=30)


def start_subprocess(database_url: str, env: dict | None = None) -> subprocess.Popen:
    """``python -m worker.run`` as its own process (what the Procfile runs), killable with SIGKILL."""
    full_env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "worker.run"], env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
