"""A merchant whose shop is a Mijnwebwinkel sandbox store, connected through the source's own connect()."""
from __future__ import annotations

from tests.support.merchants import make_merchant
from worker import db
from worker.config import settings
from worker.connectors.mijnwebwinkel import MijnwebwinkelSource
from worker.models import Connection


def make_store_merchant(sandboxes, merchant: dict | None = None) -> dict:
    """``merchant`` (default: one with an Exact sandbox administration) with a Mijnwebwinkel store made for Koppel."""
    merchant = merchant or make_merchant(sandboxes)
    token = f"store-token-{merchant['tenant_id']}"
    sandboxes.mijnwebwinkel.add_store(token, settings.mijnwebwinkel_partner_token, name="Theewinkel")
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        source.system, source.settings = "mijnwebwinkel", {}
        MijnwebwinkelSource.connect(source, {"api_key": token})
    return {**merchant, "store_token": token}
