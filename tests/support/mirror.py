"""Helpers shared by the mirror tests of each target (tests/test_mirror.py, tests/test_visma_mirror.py)."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa

from tests.support.orders import Amount, build
from tests.support.waiting import wait_for
from worker import db
from worker.mirror import store, sync
from worker.models import RemoteCall

PRICE = Amount(Decimal("12.10"), Decimal("21"))


def orders(prefix: str, first_shop_id: int) -> Callable[..., dict]:
    """A maker of numbered orders ``<prefix>-0001``…; each test module its own prefix so numbers never clash."""
    ids = itertools.count(1)

    def order(email: str, lines: int = 1) -> dict:
        """An order of ``email`` for products SKU-21-1 … SKU-21-<lines>, without shipping costs."""
        n = next(ids)
        payload, _ = build(f"{prefix}-{n:04d}", first_shop_id + n, [PRICE] * lines, True, email)
        return payload

    return order


def filled(connection_id: int, kind: str) -> bool:
    """Whether the mirror of ``kind`` has been read whole."""
    return bool(store.state(connection_id, kind).get("complete_at"))


def delta_synced(target_id: int, worker, email: str) -> None:
    """Queue what the periodic sync_mirrors queues, wait until the job mirrored ``email``, stop the worker."""
    with db.session_scope() as session:
        assert sync.defer(session, target_id)
    wait_for(lambda: store.known(target_id, "debtor", [email])[0], message="the delta sync")
    worker.stop()  # what the test does next runs in its own thread


def sync_reads(target_id: int, path: str) -> list[dict]:
    """The query of every GET on ``path`` the mirror made (no order's), oldest first."""
    with db.session_scope() as session:
        return list(session.execute(sa.select(RemoteCall.request_body).where(
            RemoteCall.connection_id == target_id, RemoteCall.order_id.is_(None), RemoteCall.method == "GET",
            RemoteCall.url.contains(path)).order_by(RemoteCall.id)).scalars())
