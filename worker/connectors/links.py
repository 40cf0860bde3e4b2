"""Remote records we found or created, cached per connection (debtors by e-mail, items by code).

A returning customer's order then costs no lookup call, and the unique key on
``remote_links`` makes a second creation of the same debtor fail loudly instead of silently
doubling it.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from worker import db
from worker.models import RemoteLink


def cached(connection_id: int, kind: str, key: str) -> str | None:
    with db.session_scope() as session:
        return session.execute(sa.select(RemoteLink.remote_id).where(
            RemoteLink.connection_id == connection_id, RemoteLink.kind == kind, RemoteLink.key == key)).scalar()


def cached_many(connection_id: int, kind: str, keys: list[str]) -> dict[str, str]:
    """The cached remote ids of those ``keys`` that have one, in one query."""
    with db.session_scope() as session:
        rows = session.execute(sa.select(RemoteLink.key, RemoteLink.remote_id).where(
            RemoteLink.connection_id == connection_id, RemoteLink.kind == kind, RemoteLink.key.in_(keys)))
        return dict(rows.all())


def remember(connection_id: int, kind: str, key: str, remote_id: str, created: bool) -> None:
    with db.session_scope() as session:
        session.execute(insert(RemoteLink).values(
            connection_id=connection_id, kind=kind, key=key, remote_id=remote_id, created=created
        ).on_conflict_do_nothing())


def forget(connection_id: int, kind: str, key: str) -> None:
    """Drop a cached link (the remote record turned out to be gone)."""
    with db.session_scope() as session:
        session.execute(sa.delete(RemoteLink).where(
            RemoteLink.connection_id == connection_id, RemoteLink.kind == kind, RemoteLink.key == key))


def find_or_create(connection_id: int, kind: str, key: str,
                   lookup: Callable[[], str | None], create: Callable[[], str]) -> str:
    """The remote id for ``key``: from the cache, else looked up remotely, else created.

    Callers run under the target connection's job lock, so two creations never race; a creation
    whose answer was lost is found by the lookup on the next attempt.
    """
    remote_id = cached(connection_id, kind, key)
    if remote_id:
        return remote_id
    remote_id, created = lookup(), False
    if remote_id is None:
        remote_id, created = create(), True
    remember(connection_id, kind, key, remote_id, created)
    return remote_id
