"""Each error code in the Errors tab links to its FAQ entry when a FAQ address is configured; none without."""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from worker import db
from worker.config import override
from worker.models import Order


@pytest.fixture
def failed_order(database):
    merchant = make_merchant()
    with db.session_scope() as session:
        session.add(Order(tenant_id=merchant["tenant_id"], connection_id=merchant["source"].id, shop_order_id="77",
                          number="2026-0077", shop_status="paid", customer_name="Jansen", payload={},
                          state="failed", error_code="VAT_CODE_MISSING", error_message="No VAT code for BE 21%"))
    return merchant


def errors_tab(client, merchant) -> str:
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    page = client.get("/tab/errors").get_data(as_text=True)
    assert "VAT_CODE_MISSING" in page
    return html.unescape(page)


def test_with_a_faq_address_the_error_code_links_to_its_entry(client, failed_order):
    old = override(faq_url="https://help.koppel.example/faq")
    try:
        page = errors_tab(client, failed_order)
    finally:
        override(**old)
    assert 'href="https://help.koppel.example/faq#VAT_CODE_MISSING"' in page


def test_without_a_faq_address_there_is_no_link(client, failed_order):
    old = override(faq_url=None)
    try:
        page = errors_tab(client, failed_order)
    finally:
        override(**old)
    assert 'class="faq"' not in page and "#VAT_CODE_MISSING" not in page


def test_the_merchant_reads_the_sentence_first_and_the_code_is_small_for_webcare(client, failed_order):
    page = errors_tab(client, failed_order)
    assert "<strong>VAT_CODE_MISSING" not in page and "VAT_CODE_MISSING</strong>" not in page
    assert page.index("No VAT code for BE 21%") < page.index('class="muted error-code"')  # the group's sentence
    with db.session_scope() as session:
        order_id = session.execute(sa.select(Order.id).where(Order.number == "2026-0077")).scalar_one()
    facts = html.unescape(client.get(f"/orders/{order_id}").get_data(as_text=True))
    facts = facts[facts.index('<dl class="facts">'):facts.index("</dl>")]
    assert "<strong>VAT_CODE_MISSING" not in facts
    assert facts.index("No VAT code for BE 21%") < facts.index("VAT_CODE_MISSING")
    assert '<small class="muted error-code">' in facts
