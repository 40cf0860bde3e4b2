"""Manual 002 through the pipeline: Amazon's gross prices with no VAT stated are split at the rate the merchant
sells at in the destination country (the Configuration tab's VAT table), the order's page says which rule
decided, and VAT Amazon collected itself is never booked as the merchant's own."""
from __future__ import annotations

import html
from decimal import Decimal

from tests.support.amazon import DE, amazon_merchant, item, no_lag, place
from tests.support.language import says
from tests.support.snelstart import connect_snelstart, ledger_ids
from tests.test_mijnwebwinkel_flow import orders_of, process_queued
from worker import db
from worker.connectors.amazon.amounts import RULES
from worker.models import Tenant
from worker.models.base import utcnow
from worker.pipeline import polling

HX = {"HX-Request": "true"}
DE_ADDRESS = {"name": "Eva Berg", "addressLine1": "Hauptstr. 5", "city": "Köln", "postalCode": "50667",
              "countryCode": "DE"}


def log_in(client, merchant: dict) -> None:
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})


def save_vat_table(client, reference: dict, rows: tuple) -> None:
    """The VAT section as the merchant fills it in: (row key, country, rate typed, VAT kind, ledger number)."""
    ledgers = ledger_ids(reference)
    form: dict = {"key": [row[0] for row in rows]}
    for key, country, rate, kind, ledger in rows:
        form.update({f"country-{key}": country, f"rate-{key}": rate, f"code-{key}": kind, f"gl-{key}": ledgers[ledger]})
        if key == f"{country}:0.00":
            form[f"custom-{key}"] = "1"  # a row the merchant added: Germany has no 0 % rate in the EU's list
    saved = client.post("/config/vat", data=form, headers=HX).get_data(as_text=True)
    assert "field-error" not in saved, saved


def german_seller(sandboxes, client, rows: tuple, overig: float | None = None) -> dict:
    """A Dutch merchant on Amazon.de booking sales bookings in SnelStart, VAT table saved in Configuration.

    ``overig``: the percentage the administration gives SnelStart's Overig VAT kind (OSS sales at another
    country's rate), read again through the Configuration tab's reload."""
    merchant = amazon_merchant(marketplace="DE", transfer="Shipped")
    books = connect_snelstart(merchant, sandboxes, document_type="entry")
    log_in(client, merchant)
    if overig is not None:
        sandboxes.snelstart.set_vat_rate(books["administration"], "Overig", overig)
        client.post("/config/reload")
    save_vat_table(client, books["reference"], rows)
    with db.session_scope() as session:
        session.get(Tenant, merchant["tenant_id"]).configured_at = utcnow()
    no_lag()
    return {**merchant, **books}


NL_ROWS = (("NL:21.00", "NL", "21", "Hoog", 8000), ("NL:9.00", "NL", "9", "Laag", 8010),
           ("INTERNATIONAL", "INTERNATIONAL", "0", "Geen", 8120))


def poll_and_post(merchant: dict) -> None:
    polling.run(merchant["source"].id)
    process_queued(merchant)


def german_order_without_vat(merchant: dict) -> dict:
    """2 × 24.95 with 4.99 shipping to Köln; Amazon states the item tax as 0.00 (common for EU orders)."""
    return place(merchant["spid"], item("24.95", 2, vat_rate="19", shipping="4.99"), marketplaceId=DE,
                 address=DE_ADDRESS, tax_populated=False, status="SHIPPED")


def booked(sandboxes, merchant: dict) -> dict:
    [booking] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 1
    return booking


def amounts_of(booking: dict) -> tuple:
    """(invoice amount, net per VAT kind, VAT entries) as Decimals."""
    return (Decimal(str(booking["factuurbedrag"])),
            {r["btwSoort"]: Decimal(str(r["bedrag"])) for r in booking["boekingsregels"]},
            {e["btwSoort"]: Decimal(str(e["btwBedrag"])) for e in booking["btw"]})


def test_a_german_order_without_stated_vat_is_booked_at_the_merchants_19_percent_and_says_why(sandboxes, client):
    merchant = german_seller(sandboxes, client, NL_ROWS + (("DE:19.00", "DE", "19", "Overig", 8020),), overig=19)
    order = german_order_without_vat(merchant)
    poll_and_post(merchant)
    poll_and_post(merchant)  # the next hour's run: nothing is booked twice
    stored = orders_of(merchant)[order["orderId"]]
    assert stored.state == "posted", (stored.error_code, stored.error_message)
    # VAT per amount, half up, once: 49.90 × 19/119 = 7.967… → 7.97; 4.99 × 19/119 = 0.796… → 0.80.
    assert amounts_of(booked(sandboxes, merchant)) == (
        Decimal("54.89"), {"Overig": Decimal("46.12")}, {"VerkopenOverig": Decimal("8.77")})
    page = html.unescape(client.get(f"/orders/{stored.id}").get_data(as_text=True))
    assert says(page, RULES["merchant_rate"], country="DE", rate="19"), page


def test_the_rate_the_merchant_changed_in_the_left_column_is_the_rate_booked(sandboxes, client):
    """Manual 002: the merchant may change the percentage they sell at per country (here Germany at 16 %)."""
    merchant = german_seller(sandboxes, client, NL_ROWS + (("DE:19.00", "DE", "16", "Overig", 8020),), overig=16)
    order = german_order_without_vat(merchant)
    poll_and_post(merchant)
    stored = orders_of(merchant)[order["orderId"]]
    assert stored.state == "posted", (stored.error_code, stored.error_message)
    # 49.90 × 16/116 = 6.882… → 6.88; 4.99 × 16/116 = 0.688… → 0.69; net = gross − VAT.
    assert amounts_of(booked(sandboxes, merchant)) == (
        Decimal("54.89"), {"Overig": Decimal("47.32")}, {"VerkopenOverig": Decimal("7.57")})
    page = html.unescape(client.get(f"/orders/{stored.id}").get_data(as_text=True))
    assert says(page, RULES["merchant_rate"], country="DE", rate="16")


def test_without_a_german_rate_in_the_settings_the_standard_rate_is_named_and_nothing_is_booked(sandboxes, client):
    merchant = german_seller(sandboxes, client, NL_ROWS)
    order = german_order_without_vat(merchant)
    poll_and_post(merchant)
    stored = orders_of(merchant)[order["orderId"]]
    assert (stored.state, stored.error_code) == ("failed", "VAT_NOT_MAPPED") and "DE 19.00 %" in stored.error_message
    info = html.unescape(client.get(f"/orders/{stored.id}/info", headers=HX).get_data(as_text=True))
    assert says(info, RULES["country_rate"], country="DE", rate="19"), info
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 0


def test_vat_amazon_collected_waits_for_the_merchants_0_percent_row_and_is_never_booked_as_their_own(sandboxes, client):
    merchant = german_seller(sandboxes, client, NL_ROWS + (("DE:19.00", "DE", "19", "Overig", 8020),), overig=19)
    order = place(merchant["spid"], item("11.90", 1, vat_rate="19", collected=True), marketplaceId=DE,
                  address=DE_ADDRESS, status="SHIPPED")
    poll_and_post(merchant)
    stored = orders_of(merchant)[order["orderId"]]
    assert (stored.state, stored.error_code) == ("failed", "VAT_NOT_MAPPED") and "DE 0.00 %" in stored.error_message
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 0
    info = html.unescape(client.get(f"/orders/{stored.id}/info", headers=HX).get_data(as_text=True))
    assert says(info, RULES["amazon_collected"], country="DE")

    save_vat_table(client, merchant["reference"], NL_ROWS + (("DE:19.00", "DE", "19", "Overig", 8020),
                                                             ("DE:0.00", "DE", "0", "Geen", 8100)))
    client.post(f"/orders/{stored.id}/process?tab=errors", headers=HX)
    process_queued(merchant)
    assert orders_of(merchant)[order["orderId"]].state == "posted"
    # The 1.90 Amazon withheld and remits is not the seller's: 10.00 at 0 %, no VAT entry of the merchant's.
    assert amounts_of(booked(sandboxes, merchant)) == (Decimal("10.00"), {"Geen": Decimal("10.00")}, {})
