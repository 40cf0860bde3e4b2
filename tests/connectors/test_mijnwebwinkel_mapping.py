"""Mijnwebwinkel orders map to the canonical order to the cent: several rates, spread discounts, B2B, credits."""
from __future__ import annotations

from decimal import Decimal

from worker.connectors.mijnwebwinkel import MijnwebwinkelSource
from worker.connectors.mijnwebwinkel.sandbox.orders import build_order
from worker.pipeline import prechecks

D = Decimal


def order(**spec) -> dict:
    return build_order(1001, spec, "2026-12-01", "14:30:00")


def by_kind(canonical, kind: str) -> dict[Decimal, Decimal]:
    return {line.vat_rate: line.total_incl for line in canonical.lines if line.kind == kind}


def test_several_rates_with_a_discount_spread_over_them_add_up_to_the_cent():
    data = order(lines=[{"description": "Theepot", "unit_price": "30.00", "rate": "21"},
                        {"description": "Thee", "unit_price": "3.33", "rate": "9", "quantity": 3}],
                 discount="5.00", shipping="4.95", payment_costs="0.29")
    canonical = MijnwebwinkelSource.to_canonical(data)
    assert by_kind(canonical, "product") == {D("21.00"): D("30.00"), D("9.00"): D("9.99")}
    discount = by_kind(canonical, "discount")
    assert set(discount) == {D("9.00"), D("21.00")} and sum(discount.values()) == D("-5.00")
    assert discount[D("21.00")] == D("-3.75")  # 30.00 of 39.99 gross is at 21 %
    assert sum(by_kind(canonical, "shipping").values()) == D("4.95")
    assert sum(by_kind(canonical, "payment").values()) == D("0.29")
    assert canonical.total_incl == D("40.23") and prechecks.check_total(canonical) is None
    thee = next(line for line in canonical.lines if line.description == "Thee")
    assert (thee.quantity, thee.unit_price_incl, thee.vat_amount) == (D(3), D("3.33"), D("0.82"))


def test_every_line_is_booked_as_the_target_computes_it_from_the_gross_price():
    data = order(lines=[{"unit_price": "19.99", "rate": "21", "quantity": 2}, {"unit_price": "7.45", "rate": "9"}],
                 discount="1.11")
    canonical = MijnwebwinkelSource.to_canonical(data)
    assert prechecks.check_price_basis(canonical, {"price_mode": "incl"}, "Boekhouding") is None
    assert abs(sum(line.vat_amount for line in canonical.lines) - canonical.vat_total) <= D("0.02")
    assert all(line.total_incl - line.vat_amount == line.total_excl for line in canonical.lines)


def test_a_b2b_order_with_a_vat_number_is_reverse_charged():
    data = order(b2b={"company": "Voorbeeldig BV", "taxnumber": "BE 0123456749", "country": "BE"},
                 tax_strategy="reverse_charged_vat", lines=[{"unit_price": "100.00", "rate": "21"}])
    canonical = MijnwebwinkelSource.to_canonical(data)
    assert canonical.vat_regime == "intra_eu_reverse_charge"
    assert canonical.customer.company == "Voorbeeldig BV" and canonical.customer.vat_number == "BE0123456749"
    assert [(line.vat_rate, line.total_incl, line.vat_amount) for line in canonical.lines] == [(D("0.00"), D("100.00"), D("0.00"))]
    assert canonical.billing.country == "BE"


def test_tax_as_one_object_or_a_list_and_shipping_country_as_an_empty_list_are_read():
    data = order(lines=[{"unit_price": "12.10", "rate": "21"}])
    data["shipping"] = [{"country": []}]
    assert isinstance(data["price"]["tax"], dict)
    canonical = MijnwebwinkelSource.to_canonical(data)
    assert canonical.vat_total == D("2.10") and canonical.number == "1001" and canonical.status == "1"


def test_credit_orders_and_refunds_are_skipped_with_their_reason():
    credit = {**order(), "credited_order_number": 1000}
    assert "credit order" in MijnwebwinkelSource.skip_reason(credit)
    assert "refunded" in MijnwebwinkelSource.skip_reason(order(payment_status="refunded"))
    assert MijnwebwinkelSource.skip_reason(order()) is None


def test_an_order_without_lines_is_unreadable_with_the_field_named():
    data = order()
    del data["orderlines"]
    try:
        MijnwebwinkelSource.to_canonical(data)
    except ValueError as exc:
        assert "orderlines" in str(exc)
    else:
        raise AssertionError("an order without lines was read")
    assert MijnwebwinkelSource.identity(data) == {"shop_order_id": "1001", "number": "1001", "shop_status": "1"}
