"""Merchants for tests, made the way the demo seed makes them (through the sandboxes' HTTP APIs)."""
from __future__ import annotations

import itertools

import sqlalchemy as sa

from worker import db, demo
from worker.models import Connection

_numbers = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_merchant(sandboxes=None, connect_exact: bool = True) -> dict:
    """A tenant with a login and a shop; with ``sandboxes``, both connected to their sandboxes."""
    n = next(_numbers)
    shop = {"shop_id": f"shop-{n}", "api_key": f"api-key-{n}", "webhook_secret": f"whsec-{n}"}
    email = f"merchant{n}@example.test"
    tenant_id = demo.create_merchant(f"Webwinkel {n}", email, PASSWORD, shop)
    username = f"exact{n}@example.test"
    if sandboxes is not None:
        demo.connect_sandbox_shop(tenant_id)
        if connect_exact:
            sandboxes.exact.add_user(username=username, password="pw", division=None)
            demo.connect_sandbox_exact(tenant_id, username, "pw")
    with db.session_scope() as session:
        rows = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant_id)).scalars()
        by_role = {c.role: c for c in rows}
    return {"tenant_id": tenant_id, "email": email, "password": PASSWORD, "shop": shop, "exact_user": username,
            "source": by_role["source"], "target": by_role["target"]}


def division_of(merchant: dict) -> int:
    with db.session_scope() as session:
        return int(session.get(Connection, merchant["target"].id).settings["division"])
