"""Manual 002 end to end: Amazon orders from the Dutch and the German marketplace, fetched by the hourly poll,
reach SnelStart as a sales booking and as a sales order to the cent, each once, however often the poll runs."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.support.amazon import DE, amazon_merchant, item, no_lag, place
from tests.support.snelstart import connect_snelstart, ledger_ids
from tests.test_mijnwebwinkel_flow import orders_of, process_queued
from worker import db
from worker.models import Connection, Posting, Tenant
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


def test_an_amazon_de_order_to_a_german_consumer_books_german_vat_on_the_oss_ledger_never_as_dutch(sandboxes):
    merchant = amazon_to_snelstart(sandboxes, "DE", "entry")
    ledgers = ledger_ids(merchant["reference"])
    with db.session_scope() as session:  # the merchant's VAT table: DE 19 % on the OSS code, its VAT on 1640
        target = session.get(Connection, merchant["target"].id)
        vat_map = {**target.settings["vat_map"], "DE:19.00": {"vat_code": "OSS:19.00", "gl_account": ledgers[8130]}}
        target.settings = {**target.settings, "vat_map": vat_map, "oss_vat_ledger": ledgers[1640]}
    no_lag()
    order = place(merchant["spid"], item("23.80", 2, vat_rate="19"), marketplaceId=DE, status="SHIPPED",
                  address={"name": "Max Muster", "addressLine1": "Hauptstr. 1", "city": "Berlin",
                           "postalCode": "10115", "countryCode": "DE"})
    poll_and_post(merchant)
    stored = orders_of(merchant)[order["orderId"]]
    assert stored.state == "posted", (stored.error_code, stored.error_message)
    [booked] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert Decimal(str(booked["factuurbedrag"])) == Decimal("47.60") == stored.total
    lines = {line["grootboek"]["id"]: Decimal(str(line["bedrag"])) for line in booked["boekingsregels"]}
    assert lines == {ledgers[8130]: Decimal("40.00"), ledgers[1640]: Decimal("7.60")}  # 47.60 / 1.19, and 19 % VAT
    assert booked["btw"] == []  # no Dutch VAT entry of any kind
