"""Filling and refreshing one connection's mirror: a whole read once, then deltas on the target's timestamps.

A fill reads every page and keeps where the next page starts, so a fill cut short (rate limit,
restart) goes on where it stopped. Once complete, a delta reads what changed at or after the
newest timestamp seen, minus ``OVERLAP``: records committed out of order, or stamped by a clock
a little behind, are read again rather than missed (an upsert by remote id makes that harmless).
The watermark is the target's own timestamp, never our clock.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from worker import connectors, db, jobs
from worker.mirror import store
from worker.models import Connection
from worker.models.base import utcnow

OVERLAP = dt.timedelta(minutes=10)


@dataclasses.dataclass
class Outcome:
    """What one run read: records per kind, and whether it was the first whole read."""

    read: dict[str, int] = dataclasses.field(default_factory=dict)
    filled: list[str] = dataclasses.field(default_factory=list)


def lock_of(connection_id: int) -> str:
    return f"mirror:{connection_id}"


def mirrored_ids() -> list[int]:
    """Target connections whose target mirrors something and whose administration is known."""
    with db.session_scope() as session:
        targets = session.execute(sa.select(Connection).where(Connection.role == "target")).scalars().all()
        return [t.id for t in targets if connectors.get(t.system).mirrored and connectors.get(t.system).is_ready(t)]


def defer(session, connection_id: int) -> bool:
    """Queue a run for the connection in ``session``'s transaction; False when one already waits."""
    return jobs.defer_once(session, "sync_mirror", lock_of(connection_id), connection_id=connection_id)


def defer_all() -> int:
    """One run per mirrored connection (the periodic delta sync); returns how many were queued."""
    queued = 0
    for connection_id in mirrored_ids():
        with db.session_scope() as session:
            queued += defer(session, connection_id)
    return queued


def run(connection_id: int) -> Outcome:
    """Fill (or go on filling) each mirrored kind, or read its changes once it is complete."""
    with db.session_scope() as session:
        connection = session.get(Connection, connection_id)
        cls = connectors.get(connection.system) if connection else None
        if cls is None or not cls.mirrored or not cls.is_ready(connection):
            return Outcome()
        reader, kinds = cls.mirror_reader(connection), cls.mirrored
        administration = cls.administration_key(connection)
    outcome = Outcome()
    for kind in kinds:
        outcome.read[kind] = _sync_kind(connection_id, administration, reader, kind, outcome)
    return outcome


def _sync_kind(connection_id: int, administration: str, reader, kind: str, outcome: Outcome) -> int:
    filling = not store.complete(connection_id, kind, administration)
    current = store.state(connection_id, kind)
    mark = current.get("watermark")
    since = None if filling or mark is None else mark - OVERLAP
    read = 0
    for rows, following in reader.pages(kind, since, current.get("resume") if filling else None):
        store.remember(connection_id, kind, rows)
        mark, read = store.newest(rows, mark), read + len(rows)
        store.save_state(connection_id, kind, resume=following if filling else None, watermark=mark)
    done = {"synced_at": utcnow(), "resume": None}
    if filling:
        done["complete_at"] = utcnow()
        outcome.filled.append(kind)
    store.save_state(connection_id, kind, **done)
    return read
