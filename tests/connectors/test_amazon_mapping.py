"""Amazon orders (v2026-01-01, as the sandbox renders them) become canonical orders to the cent."""
from __future__ import annotations

from decimal import Decimal

import pytest

from worker.connectors.amazon import AmazonSource, privacy
from worker.connectors.amazon.amounts import RULES
from worker.connectors.amazon.mapping import AmazonDataError, build, identity, to_canonical
from worker.connectors.amazon.sandbox.render import order as render

ALL = {"BUYER", "RECIPIENT", "PROCEEDS", "PROMOTION", "TAX", "FULFILLMENT", "PAYMENT"}
NL_ADDRESS = {"name": "Jan Jansen", "addressLine1": "Kerkstraat 1", "city": "Utrecht", "postalCode": "3511 AB",
              "countryCode": "NL", "phone": "+31 6 12345678"}
DE_ADDRESS = {"name": "Eva Berg", "addressLine1": "Hauptstr. 5", "city": "Köln", "postalCode": "50667", "countryCode": "DE"}


def amazon_order(*items, status="SHIPPED", seller_country="NL", **fields) -> dict:
    """An order as the reader hands it over: rendered by the sandbox, cut by ``privacy``, seller's country added."""
    record = {"orderId": "402-1234567-7654321", "seller": "S", "marketplaceId": "A1805IZSGTT6HS", "status": status,
              "created": 1_790_000_000.0, "updated": 1_790_000_100.0, "currency": "EUR",
              "buyer": {"buyerName": "Jan Jansen", "buyerEmail": "Q7x9@marketplace.amazon.nl"},
              "address": NL_ADDRESS, "tax_populated": True,
              "items": [{"orderItemId": f"{n:014d}", "quantity": 1, "vat_rate": "21", "title": "Koffiemok", "sku": "MOK-1", **i}
                        for n, i in enumerate(items or [{"unit_price": "19.99"}], 1)], **fields}
    return {**privacy.keep(render(record, ALL, pii=True)), "_seller_country": seller_country}


def test_a_dutch_order_with_amazon_stated_vat_keeps_amazons_amounts():
    order, rules = build(amazon_order({"unit_price": "19.99", "quantity": 2, "shipping": "4.95"}))
    product, shipping = order.lines
    assert (product.quantity, product.unit_price_incl, product.total_incl) == (2, Decimal("19.99"), Decimal("39.98"))
    assert (product.vat_rate, product.vat_amount, product.total_excl) == (Decimal("21.00"), Decimal("6.94"), Decimal("33.04"))
    assert (shipping.kind, shipping.total_incl, shipping.vat_amount) == ("shipping", Decimal("4.95"), Decimal("0.86"))
    assert order.total_incl == Decimal("44.93") and order.vat_total == Decimal("7.80")
    assert order.currency == "EUR" and order.vat_regime == "standard" and order.status == "Shipped"
    assert rules == {"amazon_tax"}


def test_amazon_stating_no_vat_takes_the_destination_countrys_rate_out_of_the_gross_price():
    order, rules = build(amazon_order({"unit_price": "10.00", "quantity": 3}, tax_populated=False))
    line = order.lines[0]
    # 30.00 × 21 / 121 = 5.2066… → 5.21 half up; net = gross − VAT, so the gross stays Amazon's 30.00.
    assert (line.total_incl, line.vat_amount, line.total_excl, line.vat_rate) == (
        Decimal("30.00"), Decimal("5.21"), Decimal("24.79"), Decimal("21.00"))
    assert rules == {"country_rate"} and AmazonSource.vat_rules(amazon_order(tax_populated=False)) == [RULES["country_rate"]]


def test_a_german_delivery_from_a_dutch_seller_is_an_oss_sale_at_the_german_rate():
    data = amazon_order({"unit_price": "11.90", "vat_rate": "19"}, marketplaceId="A1PA6795UKMFR9", address=DE_ADDRESS)
    order = to_canonical(data)
    assert order.vat_regime == "oss" and order.billing.country == "DE"
    assert (order.lines[0].vat_rate, order.lines[0].vat_amount) == (Decimal("19.00"), Decimal("1.90"))


def test_a_business_buyer_abroad_with_a_vat_number_and_no_vat_is_an_icp_sale():
    data = amazon_order({"unit_price": "100.00"}, business=True, vat_number="DE 123456789", tax_populated=False,
                        address=DE_ADDRESS)
    order, rules = build(data)
    assert order.vat_regime == "intra_eu_reverse_charge" and order.customer.vat_number == "DE123456789"
    assert (order.lines[0].vat_rate, order.lines[0].vat_amount, order.total_incl) == (Decimal("0.00"), Decimal("0.00"), Decimal("100.00"))
    assert rules == {"icp"}


def test_a_business_buyer_at_home_pays_dutch_vat():
    order = to_canonical(amazon_order({"unit_price": "121.00"}, business=True, vat_number="NL859520393B01"))
    assert order.vat_regime == "standard" and order.customer.vat_number == "NL859520393B01"
    assert order.lines[0].vat_amount == Decimal("21.00")


def test_promotions_on_item_and_shipping_become_negative_lines_and_gift_wrap_is_charged():
    data = amazon_order({"unit_price": "30.00", "shipping": "5.00", "discount": "6.00", "discount_shipping": "5.00",
                         "gift_wrap": "2.42", "promotion_ids": ["PROMO-1"]})
    order = to_canonical(data)
    by_kind = {(line.kind, line.description): line for line in order.lines}
    discounts = [line for line in order.lines if line.kind == "discount"]
    assert sum(line.total_incl for line in discounts) == Decimal("-11.00")
    assert all(line.total_incl < 0 and line.vat_amount <= 0 for line in discounts)
    assert by_kind[("shipping", "Cadeauverpakking")].total_incl == Decimal("2.42")
    assert order.total_incl == Decimal("30.00") + Decimal("5.00") + Decimal("2.42") - Decimal("11.00")
    assert order.total_incl == sum(line.total_incl for line in order.lines)
    assert all(line.total_incl - line.total_excl == line.vat_amount for line in order.lines)


def test_vat_amazon_collected_is_never_booked_as_the_sellers_own():
    data = amazon_order({"unit_price": "12.00", "collected": True}, address={**NL_ADDRESS, "countryCode": "CH"})
    order, rules = build(data)
    assert rules == {"amazon_collected"} and order.vat_regime == "export"
    assert order.lines[0].vat_rate == 0 and order.lines[0].vat_amount == 0
    assert order.lines[0].total_incl == Decimal("12.00") - Decimal("2.08")  # the VAT Amazon remits is not the seller's


def test_pending_orders_without_prices_wait_instead_of_failing():
    pending = to_canonical(amazon_order({"unit_price": "19.99"}, status="PENDING"))
    assert pending.status == "AwaitingPrices" and pending.lines == () and pending.total_incl == 0
    cancelled = to_canonical(amazon_order(status="CANCELLED"))
    assert cancelled.status == "Canceled" and cancelled.status in AmazonSource.cancelled_statuses
    assert "AwaitingPrices" not in AmazonSource.transferable_statuses()


def test_fulfilled_by_amazon_orders_carry_no_email_and_the_date_is_dutch_time():
    data = amazon_order(fulfilledBy="AMAZON", created=1_798_759_800.0)  # 2026-12-31 23:30 UTC
    order = to_canonical(data)
    assert order.customer.email == "" and str(order.date) == "2027-01-01"


def test_only_email_postal_code_city_and_country_are_kept():
    data = amazon_order({"unit_price": "5.00", "gift_message": "Voor oma, van Jan"}, business=True, vat_number="DE123456789",
                        buyer={"buyerName": "Jan Jansen", "buyerEmail": "q7@marketplace.amazon.nl", "buyerCompanyName": "Jansen BV"})
    text = repr(data)
    for personal in ("Jan Jansen", "Kerkstraat", "+31 6", "Jansen BV", "Voor oma"):
        assert personal not in text
    order = to_canonical(data)
    assert order.customer.email == "q7@marketplace.amazon.nl"
    assert (order.billing.postal_code, order.billing.city, order.billing.country) == ("3511 AB", "Utrecht", "NL")


@pytest.mark.parametrize("broken", [None, {}, {"orderId": ""}, {"orderId": "1", "orderItems": "x"}])
def test_broken_orders_are_unreadable_with_a_reason(broken):
    with pytest.raises(AmazonDataError):
        to_canonical(broken)


def test_an_order_with_an_id_can_still_be_stored_as_unreadable():
    data = {**amazon_order(), "createdTime": "gisteren"}
    with pytest.raises(AmazonDataError, match="createdTime"):
        to_canonical(data)
    assert identity(data) == {"shop_order_id": "402-1234567-7654321", "number": "402-1234567-7654321",
                              "shop_status": "Shipped"}


def test_a_chosen_status_lets_every_later_one_through_once():
    class Connection:
        settings = {"transfer_statuses": "Pending"}

    chosen = AmazonSource.transfer_statuses(Connection)
    assert {"Pending", "Unshipped", "PartiallyShipped", "Shipped"} <= chosen
    assert not chosen & {"Canceled", "Unfulfillable", "AwaitingPrices", "PendingAvailability"}
    Connection.settings = {"transfer_statuses": "Shipped"}
    assert AmazonSource.transfer_statuses(Connection) == {"Shipped"}


def test_an_item_cancelled_within_a_shipped_order_adds_nothing():
    data = amazon_order({"unit_price": "8.00"}, {"unit_price": "5.00"})
    second = data["orderItems"][1]
    second["quantityOrdered"] = 0
    for breakdown in second["proceeds"]["breakdowns"]:
        breakdown["subtotal"]["amount"] = "0.00"
    order = to_canonical(data)
    assert [line.total_incl for line in order.lines] == [Decimal("8.00")] and order.total_incl == Decimal("8.00")
    second["quantityOrdered"] = "veel"
    with pytest.raises(AmazonDataError, match="quantity on line 2"):
        to_canonical(data)


def test_replacements_are_not_sales_and_the_status_choice_takes_a_connection():
    data = amazon_order()
    assert AmazonSource.skip_reason(data) is None
    data["associatedOrders"] = [{"orderId": "402-0000000-0000001", "associationType": "REPLACEMENT_ORIGINAL_ID"}]
    assert "replacement" in AmazonSource.skip_reason(data)
    assert AmazonSource.transferable_statuses(object()) == AmazonSource.transferable_statuses()


@pytest.mark.parametrize("status, paid", [("SHIPPED", True), ("PARTIALLY_SHIPPED", True), ("UNSHIPPED", False)])
def test_an_order_counts_as_paid_once_amazon_charged_the_buyer_at_shipment(status, paid):
    assert to_canonical(amazon_order(status=status)).paid is paid
