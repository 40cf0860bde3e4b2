"""Webcare's More info on an order shows the lines, VAT and totals the merchant sees on their own order page,
as booked for a posted order and as Koppel would book it now for one that is not, read-only and audited."""
from __future__ import annotations

import html
import re
from decimal import Decimal

import sqlalchemy as sa
from babel.dates import format_date

from tests.support.language import says
from tests.support.merchants import make_merchant
from tests.support.orders import Amount, build
from tests.support.pipeline import configure, post, store
from tests.support.staff import staff_client
from worker import db
from worker.models import AuditEntry, Posting

ENGLISH = {"HX-Request": "true", "Accept-Language": "en"}  # a webcare agent with an English browser
BOOKED = "As it was booked on %(date)s."
WOULD_BOOK = "As Koppel would book it now, with your VAT settings of today."


def posted_order() -> dict:
    """Two products at 21 % and 6 %, shipping, payment costs and a discount: 59.03 with 6.53 VAT."""
    payload, _ = build("INFO-101", 101, [Amount(Decimal("12.10"), Decimal("21"), 2),
                                         Amount(Decimal("10.60"), Decimal("6"), 3)], True, "info101@example.test",
                       shipping=Amount(Decimal("4.95"), Decimal("21")), payment=Amount(Decimal("0.50"), Decimal("21")),
                       discount=Amount(Decimal("2.42"), Decimal("21")))
    return payload


def more_info(client, merchant: dict, order_id: int) -> str:
    response = client.get(f"/staff/merchants/{merchant['tenant_id']}/orders/{order_id}", headers=ENGLISH)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def lines_table(page: str) -> str:
    """The lines table with its totals, as a page shows it (whitespace aside)."""
    found = re.search(r'<table class="orders lines">.*?</table>', page, re.S)
    assert found, page
    return " ".join(found.group(0).split())


def merchant_order_page(app, merchant: dict, order_id: int) -> str:
    client = app.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    client.post("/language/en")
    return html.unescape(client.get(f"/orders/{order_id}").get_data(as_text=True))


def viewed_orders(tenant_id: int) -> list[str]:
    with db.session_scope() as session:
        return [entry.detail["order"] for entry in session.execute(sa.select(AuditEntry).where(
            AuditEntry.tenant_id == tenant_id, AuditEntry.action == "view_order")).scalars()]


def test_webcare_sees_the_lines_and_totals_a_posted_order_was_booked_with(app, sandboxes):
    merchant = make_merchant(sandboxes)
    configure(merchant)
    order = post(merchant, posted_order())
    assert order.state == "posted", (order.error_code, order.error_message)
    with db.session_scope() as session:
        posted_at = session.execute(sa.select(Posting.posted_at).where(Posting.order_id == order.id)).scalar_one()
    client, _ = staff_client(app)

    page = more_info(client, merchant, order.id)
    assert says(page, BOOKED, date=format_date(posted_at, locale="en")), page
    assert not says(page, WOULD_BOOK)
    table = lines_table(page)
    for shown in ("Artikel 1 <code>SKU-21-1</code>", "€12.10", "21 %", "€24.20",  # description, SKU, price, line
                  "Artikel 2 <code>SKU-6-2</code>", "€10.60", "6 %", "€31.80",
                  "Verzendkosten", "€4.95", "Betaalkosten", "€0.50", "Korting KORTING", "-€2.42",
                  "VAT €6.53", "€59.03"):  # the VAT and the total of the order
        assert shown in table, (shown, table)
    assert re.search(r">3</td>", table)  # three of the 6 % article
    assert table == lines_table(merchant_order_page(app, merchant, order.id))  # what the merchant sees
    assert "hx-post" not in page and "<form" not in page  # looking, not acting
    assert viewed_orders(merchant["tenant_id"]) == ["INFO-101"]


def test_webcare_sees_what_koppel_would_book_now_for_a_failed_and_an_open_order(app, sandboxes):
    merchant = make_merchant(sandboxes)
    configure(merchant)
    at_five, _ = build("INFO-102", 102, [Amount(Decimal("10.50"), Decimal("5"), 1)], True, "info102@example.test")
    failed = post(merchant, at_five)  # no VAT code for 5 % in the table
    assert (failed.state, failed.error_code) == ("failed", "VAT_NOT_MAPPED")
    waiting, _ = build("INFO-103", 103, [Amount(Decimal("7.26"), Decimal("21"), 4)], True, "info103@example.test")
    open_id = store(merchant, {**waiting, "status": "pending_payment"})
    client, _ = staff_client(app)

    failed_page = more_info(client, merchant, failed.id)
    assert says(failed_page, WOULD_BOOK) and "As it was booked on" not in failed_page
    failed_table = lines_table(failed_page)
    assert all(shown in failed_table for shown in ("SKU-5-1", "€10.50", "5 %", "VAT €0.50")), failed_table
    open_page = more_info(client, merchant, open_id)
    assert says(open_page, WOULD_BOOK), open_page
    open_table = lines_table(open_page)
    assert all(shown in open_table for shown in ("SKU-21-1", "€7.26", "21 %", "VAT €5.04", "€29.04")), open_table
    assert open_table == lines_table(merchant_order_page(app, merchant, open_id))
    assert sorted(viewed_orders(merchant["tenant_id"])) == ["INFO-102", "INFO-103"]
