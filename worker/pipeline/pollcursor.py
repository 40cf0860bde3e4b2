"""Where a throttled polling run stopped paging, so the next run goes on from there.

A shop that allows a few list requests an hour (one marketplace refills one request every three
minutes) can hold more changed orders than one run may page through. Starting from page one again
every run would read the same first pages forever and never reach the last, so the watermark would
never move. A reader that offers it keeps ``cursor`` (where its unfinished search goes on); a
throttled run keeps that cursor with the moment its search began, and the next run resumes it. The
watermark then moves no further than that first moment: whatever changed since is in no page of the
old search, so the run after that finds it. The cursor lives in the connection's settings (it is no
secret) and is dropped when the search ends, fails otherwise, or began longer than ``MAX_AGE`` ago
(paging tokens may last only a day).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from worker import db
from worker.models import Connection
from worker.models.base import utcnow

KEY = "poll_cursor"
MAX_AGE = dt.timedelta(hours=12)


def load(connection_id: int) -> tuple[dict | None, dt.datetime | None]:
    """The cursor of the connection's unfinished search and when that search began, or (None, None)."""
    with db.session_scope() as session:
        kept = (session.get(Connection, connection_id).settings or {}).get(KEY)
    if not kept:
        return None, None
    began = dt.datetime.fromisoformat(kept["began"])
    if utcnow() - began > MAX_AGE:  # the search's token may have run out: start a new one
        return None, None
    return kept["cursor"], began


def save(connection_id: int, cursor: dict | None, began: dt.datetime) -> None:
    """Keep where the search stopped (nothing to keep when it stopped before its second page)."""
    if cursor is None:
        return clear(connection_id)
    _write(connection_id, {"cursor": cursor, "began": began.isoformat()})


def clear(connection_id: int) -> None:
    _write(connection_id, None)


def _write(connection_id: int, value: dict | None) -> None:
    with db.session_scope() as session:  # under the row lock: a token refresh writes these settings too
        connection = session.execute(sa.select(Connection).where(Connection.id == connection_id)
                                     .with_for_update()).scalar_one_or_none()
        if connection is None or (connection.settings or {}).get(KEY) == value:
            return
        settings = {k: v for k, v in (connection.settings or {}).items() if k != KEY}
        connection.settings = {**settings, KEY: value} if value else settings
