"""Run a worker: ``python -m worker.run`` (the Procfile's worker process), through Postgres restarts.

procrastinate's worker stops when it loses the database: a side task (heartbeat, LISTEN) fails
("Side task listener failed ... stopping worker") or fetching a job raises. A Postgres restart or
a few seconds without it must not end order processing, so this process supervises the worker:
it starts it again on a fresh connection pool, backing off while the database stays away, until
SIGTERM or SIGINT asks it to stop (running jobs finish first; a second signal stops at once).
Jobs that were running when the database went away come back through the stalled-job sweep,
and a posting that was in flight is looked up by our reference before anything is sent again.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import procrastinate

from worker import db
from worker.config import settings
from worker.jobs import app
from worker.tasks import requeue_stalled_jobs

log = logging.getLogger("worker.run")
QUEUES = ["orders", "maintenance"]
SIGNALS = (signal.SIGTERM, signal.SIGINT)
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0
HEALTHY_AFTER = 60.0  # a worker that ran this long before it stopped starts the back-off over


def main() -> None:
    """Work every queue until SIGTERM (finish running jobs) or SIGKILL (the sweeper recovers them)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings.check()
    db.configure(settings.database_url, pre_ping=False)  # fewer round trips per job; see db.configure
    asyncio.run(supervise(settings.database_url or ""))


async def supervise(conninfo: str) -> None:
    """Run the worker, and run it again whenever it stops without being asked to."""
    loop, stop = asyncio.get_running_loop(), _stop_on_signals()
    failures = 0
    while not stop.is_set():
        started = loop.time()
        reason = await run_once(conninfo, stop)
        if stop.is_set():
            break
        failures = 1 if loop.time() - started > HEALTHY_AFTER else failures + 1
        db.engine().dispose()  # connections of a server that went away are not handed to the next jobs
        pause = min(FIRST_PAUSE * 2 ** (failures - 1), LONGEST_PAUSE)
        log.warning("worker stopped (%s); starting it again in %.0f s", reason, pause)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=pause)
    log.info("worker stopped on request")


async def run_once(conninfo: str, stop: asyncio.Event) -> str:
    """One life of the worker, on its own pool; returns why it ended. Other errors than the database's propagate."""
    # A fresh connector each time: a pool that failed to open, or whose connections died with the
    # server, is not reused (procrastinate's pools also check a connection before handing it out).
    connector = procrastinate.PsycopgConnector(conninfo=conninfo)
    try:
        with app.replace_connector(connector):
            async with app.open_async():
                await _sweep_once()
                return await _work_until(stop)
    except Exception as exc:
        if not db.unavailable(exc):
            raise
        return f"database unavailable: {exc}"


async def _sweep_once() -> None:
    # Jobs of a worker that lost the database stay "doing" until swept; on a restart do it now
    # instead of at the next minute's periodic sweep.
    count = await requeue_stalled_jobs(app.job_manager, settings.stalled_worker_seconds)
    if count:
        log.warning("requeued %s stalled job(s) at start", count)


async def _work_until(stop: asyncio.Event) -> str:
    worker = asyncio.create_task(app.run_worker_async(queues=QUEUES, install_signal_handlers=False))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if worker.done():
        stopping.cancel()
        worker.result()  # raises whatever ended it
        return "a side task lost the database"
    worker.cancel()  # procrastinate stops fetching and lets running jobs finish (shutdown_graceful_timeout)
    with contextlib.suppress(asyncio.CancelledError):
        await worker
    return "asked to stop"


def _stop_on_signals() -> asyncio.Event:
    """An event set by the first SIGTERM/SIGINT; the handlers go, so a second signal acts at once."""
    loop, stop = asyncio.get_running_loop(), asyncio.Event()

    def first(signum: int) -> None:
        log.info("received %s: finishing running jobs, then stopping", signal.Signals(signum).name)
        stop.set()
        for sig in SIGNALS:
            loop.remove_signal_handler(sig)

    for sig in SIGNALS:
        loop.add_signal_handler(sig, first, sig)
    return stop


if __name__ == "__main__":
    main()
