"""Amazon sellers, orders and connections for tests, made through the /amazon sandbox's HTTP control endpoints."""
from __future__ import annotations

import itertools

import requests

from worker import db
from worker.config import settings
from worker.connectors.amazon import AmazonSource
from worker.connectors.amazon.marketplaces import MARKETPLACES
from worker.models import Connection, Tenant
from tests.support.merchants import make_merchant

NL, DE = MARKETPLACES["NL"], MARKETPLACES["DE"]
_sellers = itertools.count(1)


def url(path: str) -> str:
    return f"{settings.sandbox_url}/amazon{path}"


def control(path: str, body: dict | None = None) -> dict:
    """POST to a control endpoint; the JSON answer."""
    response = requests.post(url(f"/_sandbox{path}"), json=body or {}, timeout=10)
    assert response.status_code < 300, response.text
    return response.json()


def seller(marketplaces=(NL,)) -> tuple[str, str]:
    """A new seller registered in ``marketplaces``: (selling partner id, refresh token)."""
    spid = f"A{next(_sellers):03d}SELLER"
    return spid, control("/sellers", {"selling_partner_id": spid, "marketplaces": list(marketplaces)})["refresh_token"]


def item(price: str = "19.99", quantity: int = 1, **extra) -> dict:
    return {"unit_price": price, "quantity": quantity, "title": "Koffiemok", "sku": "MOK-1", **extra}


def place(spid: str, *items: dict, **fields) -> dict:
    """Place an order (PENDING unless ``status``); returns it as the sandbox renders it."""
    return control("/orders", {"selling_partner_id": spid, "items": list(items or [item()]), **fields})


def change(order_id: str, **changes) -> dict:
    return control(f"/orders/{order_id}", changes)


def no_lag() -> None:
    """Orders show in searchOrders at once (the visibility lag is tested on its own)."""
    control("/settings", {"lag": 0})


def amazon_merchant(marketplace: str = "NL", country: str = "NL", transfer: str = "Shipped") -> dict:
    """A tenant whose source is an Amazon seller connected through the real connect code."""
    merchant = make_merchant()
    spid, refresh = seller([NL, DE])
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        session.get(Tenant, source.tenant_id).country = country
        source.system, source.settings = "amazon", {"transfer_statuses": transfer}
        AmazonSource.connect(source, {"marketplace": marketplace, "selling_partner_id": spid, "refresh_token": refresh})
    return {**merchant, "spid": spid, "refresh_token": refresh}


def connection(merchant: dict) -> Connection:
    with db.session_scope() as session:
        found = session.get(Connection, merchant["source"].id)
        session.expunge(found)
        return found
