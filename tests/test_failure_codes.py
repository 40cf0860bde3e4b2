"""No error path of the pipeline ends in INTERNAL_ERROR: each known failure lands in Errors with its own code."""
from __future__ import annotations

import copy
import itertools
from decimal import Decimal

import pytest

from tests.support.merchants import make_merchant
from tests.support.orders import Amount, build
from tests.support.pipeline import configure, post, reload, store
from worker import db
from worker.connectors.exact.sandbox import FaultRule
from worker.models import Connection, Order
from worker.pipeline import process

_ids = itertools.count(1)


def payload(lines=None, incl=True, **options) -> dict:
    n = next(_ids)
    body, _ = build(f"FC-{n:04d}", 800_000 + n, lines or [Amount(Decimal("12.10"), Decimal("21"))], incl,
                    f"klant{n}@example.test", **options)
    return body


def with_total_off(body):
    body["totals"]["total_incl_vat"] = str(Decimal(body["totals"]["total_incl_vat"]) + 1)


def exported(body):
    body["vat_regime"] = "export"


def in_pounds(body):
    body["currency"] = "GBP"


def at_five_percent(body):
    body["lines"][0].update(vat_rate="5.00", vat_amount="0.58", unit_price_excl_vat="11.52",
                            total_excl_vat="11.52")


def without_email(body):
    body["customer"]["email"] = ""


def without_sku(body):
    body["lines"][0]["sku"] = ""


def to_france(body):
    body["billing_address"]["country_code"] = "FR"
    body["lines"][0].update(vat_rate="20.00", vat_amount="2.02", unit_price_excl_vat="10.08",
                            total_excl_vat="10.08")


def icp_with_a_bad_number(body):
    body["vat_regime"] = "intra_eu_reverse_charge"
    body["customer"].update(company_name="Klant BV", vat_number="NL123")
    body["billing_address"]["country_code"] = "NL"
    body["lines"][0].update(vat_rate="0.00", vat_amount="0.00", unit_price_excl_vat="12.10",
                            total_excl_vat="12.10")
    body["totals"]["vat_total"] = "0.00"


def _map_france_to_21(merchant, reference):
    gl = next(row["ID"] for row in reference["gl_accounts"] if row["Code"].strip() == "8000")
    configure(merchant, vat_map={"FR:20.00": {"vat_code": "3  ", "gl_account": gl}})


def _unknown_code(merchant, reference):
    configure(merchant, vat_map={"21.00": {"vat_code": "ZZ9", "gl_account": reference["gl_accounts"][0]["ID"]}})


def _memorial_journal(merchant, reference):
    configure(merchant, sales_journal="90")


def _disconnected(merchant, reference):
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {k: v for k, v in target.settings.items() if k != "division"}


CASES = [
    ("TOTAL_MISMATCH", with_total_off, None, None),
    ("EXPORT_WITH_VAT", exported, None, None),
    ("CURRENCY_NOT_EUR", in_pounds, None, None),
    ("VAT_NOT_MAPPED", at_five_percent, None, None),
    ("VAT_CODE_RATE_MISMATCH", to_france, _map_france_to_21, None),
    ("VAT_CODE_UNKNOWN", None, _unknown_code, None),
    ("VAT_NUMBER_INVALID", icp_with_a_bad_number, None, None),
    ("CUSTOMER_WITHOUT_EMAIL", without_email, None, None),
    ("PRODUCT_WITHOUT_SKU", without_sku, None, None),
    ("NOT_CONNECTED", None, _disconnected, None),
    ("TARGET_REJECTED", None, _memorial_journal, None),
    ("REAUTH_REQUIRED", None, None, FaultRule(method="POST", path="salesinvoice/SalesInvoices", status=401)),
]


@pytest.mark.parametrize("code, change_order, change_settings, fault", CASES, ids=[c[0] for c in CASES])
def test_each_known_failure_lands_in_errors_with_its_own_code(sandboxes, code, change_order, change_settings,
                                                              fault):
    merchant = make_merchant(sandboxes)
    reference = configure(merchant)
    if change_settings:
        change_settings(merchant, reference)
    if fault:
        sandboxes.exact.add_fault(fault)
    body = payload()
    if change_order:
        change_order(body)
    failed = post(merchant, body)
    assert (failed.state, failed.error_code) == ("failed", code), failed.error_message
    assert failed.error_message and failed.error_help


@pytest.mark.parametrize("damage", [
    lambda body: body["lines"][0].update(quantity="abc"),
    lambda body: body["lines"][0].update(total_incl_vat=["12.10"]),
    lambda body: body.update(created_at="yesterday"),
    lambda body: body.pop("lines"),
    lambda body: body["customer"].update(email=42),
], ids=["quantity-abc", "list-for-amount", "bad-date", "no-lines", "number-for-email"])
def test_an_order_damaged_after_it_was_stored_is_unreadable_not_an_internal_error(sandboxes, damage):
    merchant = make_merchant(sandboxes)
    configure(merchant)
    order_id = store(merchant, payload())
    with db.session_scope() as session:
        order = session.get(Order, order_id)
        body = copy.deepcopy(order.payload)
        damage(body)
        order.payload = body
    process.process_order(order_id)
    failed = reload(order_id)
    assert (failed.state, failed.error_code) == ("failed", "ORDER_UNREADABLE"), failed.error_message
