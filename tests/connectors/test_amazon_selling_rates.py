"""The rate a merchant sells at per country, read from the VAT table (worker.selling_rates), and Amazon's
orders without stated VAT split at it."""
from __future__ import annotations

from decimal import Decimal

from tests.connectors.test_amazon_mapping import DE_ADDRESS, amazon_order
from worker.canonical import Note
from worker.connectors.amazon.amounts import RULES
from worker.connectors.amazon.mapping import build
from worker.selling_rates import NONE, from_settings

CODE = {"vat_code": "X", "gl_account": "8000"}


def test_the_standard_row_as_the_merchant_changed_it_decides():
    settings = {"vat_table": [{"key": "DE:19.00", "country": "DE", "rate": "16.00"},
                              {"key": "DE:7.00", "country": "DE", "rate": "7.00"}],
                "vat_map": {"DE:16.00": CODE, "DE:7.00": CODE}}
    assert from_settings(settings).of("DE") == Decimal("16.00")


def test_without_the_standard_row_the_highest_mapped_rate_above_zero_decides():
    assert from_settings({"vat_map": {"DE:7.00": CODE, "DE:0.00": CODE}}).of("DE") == Decimal("7.00")
    assert from_settings({"vat_map": {"NL:21.00": CODE, "NL:9.00": CODE}}).of("NL") == Decimal("21.00")


def test_a_zero_row_or_a_row_without_vat_code_gives_no_rate():
    assert from_settings({"vat_map": {"DE:0.00": CODE}}).of("DE") is None
    unmapped = {"vat_table": [{"key": "DE:19.00", "country": "DE", "rate": "16.00"}], "vat_map": {"DE:16.00": {}}}
    assert from_settings(unmapped).of("DE") is None and from_settings(None).of("DE") is None


def test_an_order_without_stated_vat_is_split_at_the_merchants_rate_and_says_so():
    data = amazon_order({"unit_price": "11.60", "vat_rate": "19"}, marketplaceId="A1PA6795UKMFR9",
                        address=DE_ADDRESS, tax_populated=False)
    order, rules = build(data, from_settings({"vat_map": {"DE:16.00": CODE}}))
    line = order.lines[0]
    # 11.60 × 16 / 116 = 1.60 exactly; net = gross − VAT.
    assert (line.vat_rate, line.vat_amount, line.total_excl) == (Decimal("16.00"), Decimal("1.60"), Decimal("10.00"))
    assert rules == {"merchant_rate"}
    assert order.vat_notes == (Note(RULES["merchant_rate"], (("country", "DE"), ("rate", "16"))),)
    fallback, rules = build(data, NONE)
    assert fallback.lines[0].vat_rate == Decimal("19.00") and rules == {"country_rate"}
    assert RULES["country_rate"] % dict(fallback.vat_notes[0].values) == (
        "Amazon stated no VAT (0.00) and your VAT settings give no rate for DE: its standard rate, 19 %, was "
        "taken out of the price incl. VAT. Set the rate you sell at in Configuration if it differs.")


def test_amazon_collected_vat_stays_at_zero_whatever_rate_the_merchant_sells_at():
    data = amazon_order({"unit_price": "11.90", "vat_rate": "19", "collected": True}, address=DE_ADDRESS)
    order, rules = build(data, from_settings({"vat_map": {"DE:19.00": CODE}}))
    assert rules == {"amazon_collected"} and order.lines[0].vat_rate == 0
    assert order.lines[0].total_incl == Decimal("10.00")  # the 1.90 Amazon remits is not the seller's
