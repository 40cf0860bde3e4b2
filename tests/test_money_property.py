"""Property: whatever the order, the document Exact receives adds up to the order's total, per VAT rate too."""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.merchants import division_of, make_merchant
from tests.support.orders import Amount, build
from worker import db, demo
from worker.connectors.exact import ExactOnlineTarget
from worker.connectors.kmoshops.mapping import to_canonical
from worker.models import Connection, Order
from worker.pipeline import intake, process

RATES = [Decimal(r) for r in ("0", "6", "9", "12", "21")]
_ids = itertools.count(1)

prices = st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100)
amounts = st.builds(Amount, unit=prices, rate=st.sampled_from(RATES), quantity=st.integers(1, 1000))
charges = st.builds(Amount, unit=st.integers(1, 2_500).map(lambda c: Decimal(c) / 100), rate=st.sampled_from(RATES))


@pytest.fixture
def unthrottled(sandbox_server, database):
    """Sandboxes whose Exact limits are out of the way: this test is about money, not rate limits."""
    sandbox_server.exact_options = {"minute_limit": 10**6, "day_limit": 10**8}
    sandbox_server.reset()
    yield sandbox_server
    sandbox_server.exact_options = {}


@pytest.fixture
def merchants(unthrottled):
    """One merchant per price basis, with VAT codes of the matching kind."""
    made = {}
    for mode in ("incl", "excl"):
        merchant = make_merchant(unthrottled)
        with db.session_scope() as session:
            target = session.get(Connection, merchant["target"].id)
            reference = ExactOnlineTarget.reference_data(target)
            target.settings = {**target.settings, "price_mode": mode,
                               "vat_map": demo.default_vat_map(reference, mode)}
        made[mode] = merchant
    return made


def post(merchant: dict, payload: dict) -> Order:
    """Store the order as a webhook would and run the pipeline on it in this thread."""
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        order_id = intake.store(session, source, payload, to_canonical(payload)).id
    process.process_order(order_id)
    with db.session_scope() as session:
        return session.execute(sa.select(Order).where(Order.id == order_id)).scalar_one()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(amounts, min_size=1, max_size=6), incl=st.booleans(), b2b=st.booleans(),
       shipping=st.none() | charges, payment=st.none() | charges, discount=st.none() | charges)
def test_the_invoice_adds_up_to_the_order_total_and_its_vat_per_rate(merchants, unthrottled, lines, incl, b2b,
                                                                    shipping, payment, discount):
    n = next(_ids)
    payload, vat_by_rate = build(f"PROP-{n:05d}", 900_000 + n, lines, incl, f"klant{n}@example.test", shipping,
                                 payment, discount, company="Klant BV" if b2b else "",
                                 vat_number="BE0403170701" if b2b else "")
    merchant = merchants["incl" if incl else "excl"]
    order = post(merchant, payload)
    assert order.state == "posted", (order.error_code, order.error_message)
    [invoice] = [d for d in unthrottled.exact.documents(division_of(merchant), "SalesInvoices")
                 if d["YourRef"] == payload["number"]]
    assert Decimal(str(invoice["AmountDC"])) == Decimal(payload["totals"]["total_incl_vat"])
    received: dict[Decimal, Decimal] = {}
    for line in invoice["SalesInvoiceLines"]:
        rate = (Decimal(str(line["VATPercentage"])) * 100).quantize(Decimal("1"))
        received[rate] = received.get(rate, Decimal("0.00")) + Decimal(str(line["VATAmountDC"]))
    expected = {rate: vat for rate, vat in vat_by_rate.items() if vat or rate in received}
    assert {r: v for r, v in received.items() if v or r in expected} == expected
