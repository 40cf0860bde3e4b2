"""The mirror's jobs (registered on the procrastinate app by worker.tasks)."""
from __future__ import annotations

import logging

from worker.connectors.errors import RemoteError, Throttled
from worker.jobs import RemoteRetryStrategy, app
from worker.mirror import sync

log = logging.getLogger(__name__)


@app.task(name="sync_mirror", queue="maintenance", retry=RemoteRetryStrategy())
def sync_mirror(connection_id: int) -> None:
    """Fill or refresh one connection's mirror (lock and queueing_lock mirror:<id>); throttled: at the reset."""
    try:
        outcome = sync.run(connection_id)
    except Throttled:
        raise  # the retry strategy resumes it when the window resets; the fill goes on where it stopped
    except RemoteError as exc:
        log.warning("mirror of connection %s not refreshed: %s", connection_id, exc)
        return
    log.info("mirror of connection %s: read %s (filled: %s)", connection_id, outcome.read, outcome.filled or "none")


# Every 15 minutes: two list calls per administration (debtors, items), under 200 of Exact's 5,000 a day.
@app.periodic(cron="*/15 * * * *", periodic_id="sync-mirrors")
@app.task(name="sync_mirrors", queue="maintenance", queueing_lock="sync-mirrors")
def sync_mirrors(timestamp: int) -> None:
    """Every 15 minutes: queue a delta sync (or the unfinished fill) of every mirrored administration."""
    sync.defer_all()
