"""Property: whatever the order, it is either booked to the cent (total and VAT per rate) or stopped with
the Error that explains why; never booked wrong. Orders come in both price bases for merchants of both
bases, in other currencies, cancelled, as intra-EU B2B at 0 %, and for a merchant whose VAT code for
21 % is really a 9 % code."""
from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from tests.support.merchants import division_of, make_merchant
from tests.support.orders import Amount, build
from tests.support.pipeline import configure, post

RATES = [Decimal(r) for r in ("0", "6", "9", "12", "21")]
CENT = Decimal("0.01")
_ids = itertools.count(1)

prices = st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100)
amounts = st.builds(Amount, unit=prices, rate=st.sampled_from(RATES), quantity=st.integers(1, 1000))
zero_rated = st.builds(Amount, unit=prices, rate=st.just(Decimal(0)), quantity=st.integers(1, 1000))
charges = st.builds(Amount, unit=st.integers(1, 2_500).map(lambda c: Decimal(c) / 100), rate=st.sampled_from(RATES))



@pytest.fixture
def merchants(unthrottled):
    """Merchants sending prices incl. and excl. VAT, and one whose 21 % row maps to a 9 % code."""
    made = {}
    for key in ("incl", "excl", "wrong"):
        merchant = make_merchant(unthrottled)
        reference = configure(merchant, "excl" if key == "excl" else "incl")
        if key == "wrong":
            nine = next(c["Code"] for c in reference["vat_codes"] if c["Type"] == "I" and float(c["Percentage"]) == 0.09)
            gl = reference["gl_accounts"][0]["ID"]
            configure(merchant, "incl", vat_map={**_vat_map(merchant), "21.00": {"vat_code": nine, "gl_account": gl}})
        made[key] = merchant
    return made


def _vat_map(merchant) -> dict:
    from worker import db
    from worker.models import Connection

    with db.session_scope() as session:
        return dict(session.get(Connection, merchant["target"].id).settings["vat_map"])


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _priced(payload: dict) -> list[tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]]:
    """(quantity, unit incl., unit excl., rate, total incl., VAT) of every line the target prices."""
    rows = [(Decimal(str(l["quantity"])), Decimal(l["unit_price_incl_vat"]), Decimal(l["unit_price_excl_vat"]),
             Decimal(l["vat_rate"]), Decimal(l["total_incl_vat"]), Decimal(l["vat_amount"])) for l in payload["lines"]]
    for charge in (payload["shipping"], payload["payment_costs"]):
        if charge:
            incl, excl = Decimal(charge["price_incl_vat"]), Decimal(charge["price_excl_vat"])
            rows.append((Decimal(1), incl, excl, Decimal(charge["vat_rate"]), incl, incl - excl))
    for discount in payload["discounts"]:
        incl, excl = -Decimal(discount["amount_incl_vat"]), -Decimal(discount["amount_excl_vat"])
        rows.append((Decimal(1), incl, excl, Decimal(discount["vat_rate"]), incl, incl - excl))
    return rows


def _a_cent_moves(payload: dict, incl: bool) -> bool:
    """Our own oracle: does a target, recomputing each line from quantity × unit price, get another amount?"""
    for quantity, unit_incl, unit_excl, rate, total, vat in _priced(payload):
        if incl:
            again = _half_up(quantity * unit_incl)
            again_vat = _half_up(again * rate / (100 + rate))
        else:
            net = _half_up(quantity * unit_excl)
            again_vat = _half_up(net * rate / 100)
            again = net + again_vat
        if (again, again_vat) != (total, vat):
            return True
    return False


def expected_stop(payload: dict, merchant_key: str) -> str | None:
    """The Error the order must end in, in the order the pre-checks look; None when it must be booked."""
    if payload["status"] == "cancelled":
        return "skipped"
    if payload["currency"] != "EUR":
        return "CURRENCY_NOT_EUR"
    merchant_incl = merchant_key != "excl"
    if payload["prices_include_vat"] != merchant_incl and _a_cent_moves(payload, merchant_incl):
        return "PRICE_BASIS_MISMATCH"
    if merchant_key == "wrong" and any(row[3] == 21 for row in _priced(payload)):
        return "VAT_CODE_RATE_MISMATCH"
    return None


orders = st.fixed_dictionaries({
    "lines": st.lists(amounts, min_size=1, max_size=6), "incl": st.booleans(),
    "shipping": st.none() | charges, "payment": st.none() | charges, "discount": st.none() | charges,
    "currency": st.sampled_from(["EUR", "EUR", "EUR", "USD"]), "status": st.sampled_from(["paid"] * 5 + ["cancelled"]),
    "icp": st.sampled_from([False, False, False, True]), "merchant": st.sampled_from(["incl", "excl", "wrong"]),
})


def build_order(drawn: dict, n: int) -> dict:
    extras = {k: drawn[k] for k in ("shipping", "payment", "discount")}
    options = {"company": "Klant BV", "vat_number": "NL004495445B01", "regime": "intra_eu_reverse_charge"}
    if drawn["icp"]:  # intra-EU B2B: every line and charge at 0 %
        drawn_lines = [Amount(a.unit, Decimal(0), a.quantity) for a in drawn["lines"]]
        extras = {k: v and Amount(v.unit, Decimal(0)) for k, v in extras.items()}
    else:
        drawn_lines, options = drawn["lines"], {}
    payload, _ = build(f"PROP-{n:05d}", 900_000 + n, drawn_lines, drawn["incl"], f"klant{n}@example.test",
                       **extras, **options)
    return {**payload, "currency": drawn["currency"], "status": drawn["status"]}


def vat_per_rate(payload: dict) -> dict[Decimal, Decimal]:
    found: dict[Decimal, Decimal] = {}
    for row in _priced(payload):
        found[row[3]] = found.get(row[3], Decimal("0.00")) + row[5]
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=orders)
def test_an_order_is_booked_to_the_cent_or_stopped_with_the_right_error(merchants, unthrottled, drawn):
    n = next(_ids)
    payload = build_order(drawn, n)
    merchant = merchants[drawn["merchant"]]
    order = post(merchant, payload)
    booked = [d for d in unthrottled.exact.documents(division_of(merchant), "SalesInvoices")
              if d["YourRef"] == payload["number"]]
    stop = expected_stop(payload, drawn["merchant"])
    event(f"{stop or 'booked'}{' across bases' if drawn['incl'] != (drawn['merchant'] != 'excl') else ''}")
    if stop == "skipped":
        assert order.state == "skipped" and not booked
        return
    if stop:
        assert (order.state, order.error_code) == ("failed", stop), order.error_message
        assert not booked
        return
    assert order.state == "posted", (order.error_code, order.error_message)
    [invoice] = booked
    assert Decimal(str(invoice["AmountDC"])) == Decimal(payload["totals"]["total_incl_vat"])
    received: dict[Decimal, Decimal] = {}
    for line in invoice["SalesInvoiceLines"]:
        rate = (Decimal(str(line["VATPercentage"])) * 100).quantize(Decimal("0.01"))
        received[rate] = received.get(rate, Decimal("0.00")) + Decimal(str(line["VATAmountDC"]))
    expected = vat_per_rate(payload)
    assert {r: v for r, v in received.items() if v} == {r: v for r, v in expected.items() if v}
