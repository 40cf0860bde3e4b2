"""A German consumer's order (OSS: German VAT of 19 %) into SnelStart, whose VAT kinds are Dutch: the VAT table
maps it to an OSS code, the booking puts the German VAT on the OSS VAT ledger, never on a Dutch kind."""
from __future__ import annotations

from decimal import Decimal

from tests.support.language import says
from tests.support.orders import Amount, build
from tests.support.pipeline import post
from tests.support.snelstart import ledger_ids, snelstart_merchant, target
from tests.test_snelstart_config import HX, login
from worker import db
from worker.connectors.snelstart import booking
from worker.models import Connection
from worker.pipeline.messages import problem


def german_order(number: str, country: str = "DE", rate: str = "19") -> dict:
    """A consumer in ``country`` buying at that country's rate (the shop charges OSS VAT), shipping included."""
    payload, _ = build(number, int(number.rsplit("-", 1)[1]), [Amount(Decimal("23.80"), Decimal(rate), 2),
                                                               Amount(Decimal("9.99"), Decimal(rate), 1)],
                       incl=True, email=f"kunde{number[-3:]}@example.de", shipping=Amount(Decimal("5.95"), Decimal(rate)),
                       regime="oss")
    payload["billing_address"].update(country_code=country, city="Berlin", postal_code="10115")
    return payload


def with_settings(merchant: dict, rows: dict | None = None, **settings) -> None:
    with db.session_scope() as session:
        connection = session.get(Connection, merchant["target"].id)
        vat_map = {**connection.settings["vat_map"], **(rows or {})}
        connection.settings = {**connection.settings, "vat_map": vat_map, **settings}


def oss_row(merchant: dict) -> dict:
    return {"DE:19.00": {"vat_code": "OSS:19.00", "gl_account": ledger_ids(merchant["reference"])[8130]}}


def test_the_vat_table_offers_an_oss_code_for_german_19_percent_and_refuses_the_dutch_high_rate(client, sandboxes):
    merchant = snelstart_merchant(sandboxes)
    login(client, merchant)
    page = client.get("/config/").get_data(as_text=True)
    assert '<option value="OSS:19.00"' in page and "8130 Omzet OSS afstandsverkopen EU" in page
    assert "1640 Te betalen btw OSS" in page  # offered as the ledger for foreign VAT
    ledger = ledger_ids(merchant["reference"])[8130]
    form = {"key": ["NL:21.00", "DE:19.00"], "country-NL:21.00": "NL", "rate-NL:21.00": "21",
            "code-NL:21.00": "Hoog", "gl-NL:21.00": ledger_ids(merchant["reference"])[8000],
            "country-DE:19.00": "DE", "rate-DE:19.00": "19", "code-DE:19.00": "Hoog", "gl-DE:19.00": ledger}
    refused = client.post("/config/vat", data=form, headers=HX).get_data(as_text=True)
    assert says(refused, "This VAT code charges %(code_rate)s %%, the row is %(row_rate)s %%.",
                code_rate="21", row_rate="19")
    saved = client.post("/config/vat", data={**form, "code-DE:19.00": "OSS:19.00"}, headers=HX)
    assert "field-error" not in saved.get_data(as_text=True)
    assert target(merchant).settings["vat_map"]["DE:19.00"] == {"vat_code": "OSS:19.00", "gl_account": ledger}


def test_a_german_consumer_order_books_its_german_vat_on_the_oss_ledger_to_the_cent(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    ledgers = ledger_ids(merchant["reference"])
    with_settings(merchant, oss_row(merchant), oss_vat_ledger=ledgers[1640])
    payload = german_order("KMO-2026-00301")
    order = post(merchant, payload)
    assert order.state == "posted", (order.error_code, order.error_message)
    [stored] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert Decimal(str(stored["factuurbedrag"])) == Decimal(payload["totals"]["total_incl_vat"]) == Decimal("63.54")
    assert stored["btw"] == []  # nothing of it reaches the Dutch VAT return
    by_ledger = {line["grootboek"]["id"]: line for line in stored["boekingsregels"]}
    assert set(by_ledger) == {ledgers[8130], ledgers[1640]}
    assert by_ledger[ledgers[8130]]["btwSoort"] == "Geen"
    assert "btwSoort" not in by_ledger[ledgers[1640]] and "DE 19.00%" in by_ledger[ledgers[1640]]["omschrijving"]
    assert Decimal(str(by_ledger[ledgers[1640]]["bedrag"])) == Decimal(payload["totals"]["vat_total"])
    assert booking.balance(stored) == 0
    assert not any(line.get("btwSoort") in ("Hoog", "Laag", "Overig") for line in stored["boekingsregels"])


def test_without_an_oss_ledger_the_order_waits_in_errors_saying_what_to_set_up(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    with_settings(merchant, oss_row(merchant))
    order = post(merchant, german_order("KMO-2026-00302"))
    assert order.state == "failed" and order.error_code == "OSS_VAT_LEDGER_MISSING"
    values = {"detail": "DE 19.00 %", "country": "DE", "rate": "19.00", "system": "SnelStart"}
    told = {problem("OSS_VAT_LEDGER_MISSING", language=language, **values) for language in ("en", "nl")}
    assert (order.error_message, order.error_help) in {(found.message, found.help) for found in told}
    assert "19.00 %" in order.error_message and "OSS" in order.error_help
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 0
    assert sandboxes.snelstart.post_count(merchant["administration"], "relaties") == 0  # nothing was sent


def test_a_german_order_without_an_oss_row_is_never_booked_as_dutch_vat(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    order = post(merchant, german_order("KMO-2026-00303"))
    assert order.state == "failed" and order.error_code == "VAT_NOT_MAPPED"
    assert "DE 19.00 %" in order.error_message
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 0


def test_foreign_21_percent_is_not_taken_for_dutch_vat_by_the_bare_rate_row(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    ledgers = ledger_ids(merchant["reference"])
    with_settings(merchant, {"21.00": {"vat_code": "Hoog", "gl_account": ledgers[8000]}})  # a table of before
    order = post(merchant, german_order("KMO-2026-00304", country="BE", rate="21"))
    assert order.state == "failed" and order.error_code == "VAT_NOT_MAPPED" and "BE 21.00 %" in order.error_message
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 0


def test_a_sales_order_cannot_carry_german_vat_and_says_so(sandboxes, database):
    merchant = snelstart_merchant(sandboxes, document_type="order", price_mode="incl")
    with_settings(merchant, oss_row(merchant), oss_vat_ledger=ledger_ids(merchant["reference"])[1640])
    order = post(merchant, german_order("KMO-2026-00305"))
    assert order.state == "failed" and order.error_code == "OSS_NOT_ON_SALES_ORDERS"
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkooporders") == 0
    assert sandboxes.snelstart.post_count(merchant["administration"], "artikelen") == 0
