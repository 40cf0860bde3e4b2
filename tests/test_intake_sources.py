"""Intake keeps a merchant's shop, account and administration between batches, and never decides on stale ones.

Each delivery goes over the real socket to the web server; between deliveries the merchant's rows
are changed with plain SQL (as any writer could: the portal, staff, billing), and the next order must
follow the change at once.
"""
from __future__ import annotations

import requests
import sqlalchemy as sa

from tests.conftest import WEB_PORT
from tests.support.merchants import make_merchant
from tests.support.webhooks import an_order, delivery
from worker import db
from worker.inbox.batch import LEADER as KEPT_LEADER

KEPT = KEPT_LEADER.sources


def deliver(merchant: dict, seed: int) -> str:
    """Deliver a new paid order; the state intake gave it."""
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(seed, status="paid"))
    answer = requests.post(f"http://127.0.0.1:{WEB_PORT}/webhooks/kmoshops/{merchant['source'].webhook_token}",
                           data=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    with db.engine().connect() as conn:
        return conn.execute(sa.text("SELECT state FROM orders WHERE connection_id = :c AND shop_order_id = :o"),
                            {"c": merchant["source"].id, "o": str(an_order(seed)["id"])}).scalar_one()


def change(sql: str, **params) -> None:
    with db.engine().begin() as conn:
        conn.execute(sa.text(sql), params)


def test_unchanged_rows_are_not_loaded_again(sandboxes, web):
    merchant = make_merchant(sandboxes)
    assert deliver(merchant, 1) == "queued"
    loads = KEPT.loads

    assert [deliver(merchant, seed) for seed in (2, 3)] == ["queued", "queued"]
    assert KEPT.loads == loads  # the same rows: the kept objects decided

    change("UPDATE tenants SET name = 'Renamed' WHERE id = :t", t=merchant["tenant_id"])
    assert deliver(merchant, 4) == "queued"
    assert KEPT.loads == loads + 1  # loaded again once, after the change


def test_every_change_to_the_merchants_rows_counts_from_the_next_order(sandboxes, web):
    merchant = make_merchant(sandboxes)
    assert deliver(merchant, 10) == "queued"

    change("UPDATE tenants SET stopped_at = now() WHERE id = :t", t=merchant["tenant_id"])
    assert deliver(merchant, 11) == "held"  # subscription stopped: held, not sent
    change("UPDATE tenants SET stopped_at = NULL WHERE id = :t", t=merchant["tenant_id"])
    assert deliver(merchant, 12) == "queued"

    change("UPDATE connections SET settings = settings || '{\"transfer_statuses\": \"shipped\"}' WHERE id = :c",
           c=merchant["source"].id)
    assert deliver(merchant, 13) == "open"  # paid is no longer a status the merchant transfers

    change("UPDATE connections SET settings = settings || '{\"transfer_statuses\": \"paid\"}' WHERE id = :c",
           c=merchant["source"].id)
    change("UPDATE connections SET status = 'error', status_reason = 'login expired' WHERE id = :c",
           c=merchant["target"].id)
    assert deliver(merchant, 14) == "failed"  # the administration's login is gone: Errors, not a lost order


def test_a_number_beyond_64_bits_in_an_order_is_kept_exactly(sandboxes, web):
    merchant = make_merchant(sandboxes)
    order = {**an_order(20, status="paid"), "loyalty_card": 123456789012345678901234567890}
    body, headers = delivery(merchant["shop"]["webhook_secret"], order)
    answer = requests.post(f"http://127.0.0.1:{WEB_PORT}/webhooks/kmoshops/{merchant['source'].webhook_token}",
                           data=body, headers=headers, timeout=30)
    assert answer.status_code == 200
    with db.engine().connect() as conn:
        kept = conn.execute(sa.text("SELECT payload->>'loyalty_card' FROM orders WHERE connection_id = :c"),
                            {"c": merchant["source"].id}).scalar_one()
    assert kept == "123456789012345678901234567890"


def test_a_batch_whose_kept_connection_was_dropped_is_stored_on_a_fresh_one(sandboxes, web):
    merchant = make_merchant(sandboxes)
    assert deliver(merchant, 30) == "queued"  # the leader now keeps a connection
    kept = KEPT_LEADER._connection
    assert kept is not None, "the leader keeps its connection between batches"
    backend = kept.connection.driver_connection.info.backend_pid
    change("SELECT pg_terminate_backend(:pid)", pid=backend)  # as a Postgres restart or a proxy's idle timeout would

    assert deliver(merchant, 31) == "queued"  # answered 200 and stored, not a 500 for the shop to retry
