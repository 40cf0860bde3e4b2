"""Manual 002 end to end: Amazon orders from the Dutch and the German marketplace, fetched by the hourly poll,
reach SnelStart as a sales booking and as a sales order to the cent, each once, however often the poll runs."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.support.amazon import DE, amazon_merchant, item, no_lag, place
from tests.support.snelstart import connect_snelstart
from tests.test_mijnwebwinkel_flow import orders_of, process_queued
from worker import db
from worker.models import Posting, Tenant
from worker.models.base import utcnow
from worker.pipeline import polling


def amazon_to_snelstart(sandboxes, marketplace: str, document_type: str) -> dict:
    merchant = amazon_merchant(marketplace=marketplace, transfer="Shipped")
    books = connect_snelstart(merchant, sandboxes, document_type=document_type)
    with db.session_scope() as session:  # the merchant saved the Configuration tab
        session.get(Tenant, merchant["tenant_id"]).configured_at = utcnow()
    return {**merchant, **books}


def poll_and_post(merchant: dict) -> None:
    polling.run(merchant["source"].id)
    process_queued(merchant)


def test_an_amazon_nl_order_becomes_one_sales_booking_to_the_cent(sandboxes):
    merchant = amazon_to_snelstart(sandboxes, "NL", "entry")
    no_lag()
    order = place(merchant["spid"], item("24.95", 2, vat_rate="21"), item("3.49", 3, vat_rate="9", sku="THEE-2"),
                  status="SHIPPED")
    poll_and_post(merchant)
    poll_and_post(merchant)  # the next hour's run finds it again: nothing is booked twice
    stored = orders_of(merchant)[order["orderId"]]
    assert stored.state == "posted", (stored.error_code, stored.error_message)
    [booking] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert Decimal(str(booking["factuurbedrag"])) == Decimal("60.37") == stored.total  # 2 × 24.95 + 3 × 3.49
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 1


def test_an_amazon_de_order_shipped_to_the_netherlands_becomes_one_sales_order(sandboxes):
    merchant = amazon_to_snelstart(sandboxes, "DE", "order")
    no_lag()
    order = place(merchant["spid"], item("19.99", 1, vat_rate="21"), marketplaceId=DE, status="SHIPPED")
    poll_and_post(merchant)
    poll_and_post(merchant)
    stored = orders_of(merchant)[order["orderId"]]
    assert stored.state == "posted", (stored.error_code, stored.error_message)
    [sales_order] = sandboxes.snelstart.records(merchant["administration"], "verkooporders")
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkooporders") == 1
    assert stored.total == Decimal("19.99")
    with db.session_scope() as session:
        remote_id = session.execute(sa.select(Posting.remote_id).where(Posting.order_id == stored.id)).scalar_one()
    assert remote_id == str(sales_order["id"])
