"""Starting polling runs: the scheduler's due connections and the dashboard's "Fetch now".

Each run is a ``poll_source`` job with ``lock`` and ``queueing_lock`` ``poll:<connection id>``: two
runs of one connection never overlap, and at most one waits.
"""
from __future__ import annotations


from worker import db, jobs
from worker.models import Connection
from worker.models.base import utcnow
from worker.pipeline import polling


def lock_of(connection_id: int) -> str:
    return f"poll:{connection_id}"


def defer_run(session, connection_id: int) -> bool:
    """Queue a run of the connection in ``session``'s transaction; False when one already waits."""
    return jobs.defer_once(session, "poll_source", lock_of(connection_id), connection_id=connection_id)


def defer_due() -> int:
    """Queue a run for every connection whose time has come; its next time moves on at once, so the
    scheduler never queues it again while it runs. Returns how many were queued."""
    queued = 0
    for connection_id in polling.due_ids():
        with db.session_scope() as session:
            connection = session.get(Connection, connection_id)
            state = polling.state_of(session, connection)
            state.next_run_at = polling.next_run_for(connection, utcnow())
            queued += defer_run(session, connection_id)
    return queued


def fetch_now(session, connection: Connection) -> bool:
    """The merchant asked for a run now; False when one is already waiting to start."""
    polling.state_of(session, connection)
    return defer_run(session, connection.id)
