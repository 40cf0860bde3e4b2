"""Contract option "no revenue account on lines": the VAT table maps VAT codes only, documents name no account."""
from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.orders import Amount, build
from tests.support.pipeline import configure, post
from tests.support.staff import staff_client
from worker import db, demo, vat_rates
from worker.models import Connection, Posting, RemoteCall

HX = {"HX-Request": "true"}


def settings_of(merchant: dict) -> dict:
    with db.session_scope() as session:
        return dict(session.get(Connection, merchant["target"].id).settings)


def set_option_as_webcare(app, merchant: dict, on: bool = True):
    """An admin ticks (or unticks) the option on the merchant's contract, as /staff does it."""
    client, _ = staff_client(app, "admin")
    return client.post(f"/staff/merchants/{merchant['tenant_id']}/contract",
                       data={"no_revenue_account": "yes"} if on else {})


def merchant_client(app, merchant: dict):
    client = app.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    client.post("/language/en")
    client.post("/config/vat/remove", headers=HX)  # the demo table maps accounts; start over as a merchant does
    return client


def vat_form(code_by_key: dict[str, str], account: str = "") -> dict:
    rows = vat_rates.default_rows("BE")
    data: dict = {"key": [row["key"] for row in rows]}
    for row in rows:
        data.update({f"country-{row['key']}": row["country"], f"rate-{row['key']}": row["rate"],
                     f"code-{row['key']}": code_by_key.get(row["key"], ""), f"gl-{row['key']}": account})
    return data


def test_with_the_option_the_vat_table_asks_no_revenue_account_and_saves_codes_only(app, sandboxes):
    merchant = make_merchant(sandboxes)
    client = merchant_client(app, merchant)
    before = client.get("/config/").get_data(as_text=True)
    assert 'name="gl-BE:21.00"' in before and "<th>Revenue account</th>" in before
    refused = client.post("/config/vat", data=vat_form({"BE:21.00": "3  "}), headers=HX).get_data(as_text=True)
    assert "Choose both a VAT code and a revenue account." in refused  # without the option an account is needed

    assert set_option_as_webcare(app, merchant).status_code == 302
    page = client.get("/config/").get_data(as_text=True)
    assert 'name="gl-' not in page and "<th>Revenue account</th>" not in page
    assert "Koppel sends no revenue account" in page
    saved = client.post("/config/vat", data=vat_form({"BE:21.00": "3  "}, account="ignored"),
                        headers=HX).get_data(as_text=True)
    assert "field-error" not in saved, saved
    assert settings_of(merchant)["vat_map"] == {"BE:21.00": {"vat_code": "3  "}}
    empty = client.post("/config/vat", data=vat_form({}), headers=HX).get_data(as_text=True)
    assert "field-error" not in empty  # rows left empty are countries the merchant does not sell to


def test_sales_entries_are_not_offered_without_revenue_accounts_and_webcare_is_told_why(app, sandboxes):
    merchant = make_merchant(sandboxes)
    set_option_as_webcare(app, merchant)
    client = merchant_client(app, merchant)
    page = client.get("/config/").get_data(as_text=True)
    offered = re.findall(r'name="document_type" value="(\w+)"|<option value="(invoice|order|entry)"', page)
    assert "entry" not in {a or b for a, b in offered} and "invoice" in {a or b for a, b in offered}

    other = make_merchant(sandboxes)
    with db.session_scope() as session:
        target = session.get(Connection, other["target"].id)
        target.settings = {**target.settings, "document_type": "entry"}
    set_option_as_webcare(app, other)
    assert not settings_of(other).get("contract_no_revenue_account")  # refused: entries need an account


def an_order(number: str) -> dict:
    payload, _ = build(number, int(number[-3:]), [Amount(Decimal("12.10"), Decimal("21"), 2)], True,
                       f"{number.lower()}@example.test")
    return payload


def codes_only(reference: dict) -> dict:
    return {key: {"vat_code": row["vat_code"]} for key, row in demo.default_vat_map(reference, "incl").items()}


def test_an_order_of_a_merchant_without_revenue_accounts_is_posted_with_none(app, sandboxes):
    merchant = make_merchant(sandboxes)
    reference = configure(merchant)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "vat_map": codes_only(reference)}
    unmapped = post(merchant, an_order("NOGL-101"))
    assert unmapped.error_code == "VAT_NOT_MAPPED"  # without the option a code alone is not enough

    set_option_as_webcare(app, merchant)
    posted = post(merchant, an_order("NOGL-102"))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    with db.session_scope() as session:
        body = session.query(Posting).filter_by(order_id=posted.id).one().last_request
        item_bodies = session.execute(sa.select(RemoteCall).where(
            RemoteCall.order_id == posted.id, RemoteCall.method == "POST",
            RemoteCall.url.like("%logistics/Items%"))).scalars().all()
    assert body["SalesInvoiceLines"] and all("GLAccount" not in line for line in body["SalesInvoiceLines"])
    assert item_bodies and all("GLRevenue" not in call.request_body for call in item_bodies)  # new, no account of ours
    [invoice] = sandboxes.exact.documents(division_of(merchant), "SalesInvoices")
    assert Decimal(str(invoice["AmountDC"])) == Decimal("24.20")
    assert all(line["GLAccount"] for line in invoice["SalesInvoiceLines"])  # Exact's own default
