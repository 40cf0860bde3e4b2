"""Whatever Amazon's amounts, the canonical order keeps their gross total to the cent, splits each line exactly
and a target recomputing every line from its unit price gets the same VAT."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.connectors.amazon.mapping import to_canonical
from worker.pipeline import prechecks
from tests.connectors.test_amazon_mapping import DE_ADDRESS, amazon_order

cents = st.integers(min_value=0, max_value=50_000).map(lambda n: Decimal(n) / 100)
items = st.fixed_dictionaries({
    "unit_price": cents.filter(lambda d: d > 0).map(str), "quantity": st.integers(1, 7),
    "vat_rate": st.sampled_from(["21", "9", "19", "7", "0"]), "shipping": cents.map(str),
    "gift_wrap": st.sampled_from(["0", "1.50"]), "discount": st.sampled_from(["0", "1.00", "2.49"]),
    "discount_shipping": st.sampled_from(["0", "0.99"]), "collected": st.booleans()})


@settings(max_examples=150, deadline=None)
@given(st.lists(items, min_size=1, max_size=4), st.booleans(), st.booleans())
def test_totals_and_splits_hold_to_the_cent(order_items, stated, german):
    data = amazon_order(*order_items, tax_populated=stated, **({"address": DE_ADDRESS} if german else {}))
    order = to_canonical(data)
    gross = Decimal("0.00")
    for item in data["orderItems"]:
        gross += sum(Decimal(b["subtotal"]["amount"]) for b in item["proceeds"]["breakdowns"] if b["type"] != "TAX")
        if any(c.get("model") == "MARKETPLACE_FACILITATOR" for c in (item.get("tax") or {}).get("taxCollections", [])):
            gross -= Decimal(next(b for b in item["proceeds"]["breakdowns"] if b["type"] == "TAX")["subtotal"]["amount"])
    assert order.total_incl == gross == sum(line.total_incl for line in order.lines)
    assert order.vat_total == sum(line.vat_amount for line in order.lines)
    # A target rebuilding each line from quantity × unit price incl. VAT finds the same totals and VAT.
    assert prechecks.check_price_basis(order, {"price_mode": "incl"}, "the target") is None
    for line in order.lines:
        assert line.total_incl - line.total_excl == line.vat_amount
        assert all(v == v.quantize(Decimal("0.01")) for v in (line.total_incl, line.total_excl, line.vat_amount))
        if line.vat_rate:
            assert abs(line.vat_amount - line.total_incl * line.vat_rate / (100 + line.vat_rate)) <= Decimal("0.01")
