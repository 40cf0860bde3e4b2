"""Discounts folded into the lines of their rate for Visma (manual 000): no negative rows, totals and VAT to the cent."""
from __future__ import annotations

import random
from decimal import Decimal

from tests.support.orders import Amount, build
from worker.connectors.kmoshops.mapping import to_canonical
from worker.connectors.visma_eaccounting import discounts, mapping

D = Decimal


def canonical(lines, discount, incl=True, shipping=None):
    data, _ = build("7001", 7001, lines, incl, "a@example.nl", shipping=shipping, discount=discount)
    return to_canonical(data)


def sent(order, incl=True):
    return mapping.sent_rows(order, incl)


def per_rate(rows, incl):
    """What Visma computes from the rows: (total, VAT) per rate."""
    out = {}
    for line, price, quantity in rows:
        total, vat = out.get(line.vat_rate, (D(0), D(0)))
        amount = price * quantity
        out[line.vat_rate] = (total + amount, vat + discounts.row_vat(amount, line.vat_rate, incl))
    return out


def shop(order, incl):
    out = {}
    for line in order.lines:
        total, vat = out.get(line.vat_rate, (D(0), D(0)))
        out[line.vat_rate] = (total + (line.total_incl if incl else line.total_excl), vat + line.vat_amount)
    return out


def test_a_discount_is_folded_into_its_rates_lines_with_totals_and_vat_to_the_cent():
    order = canonical([Amount(D("104.90"), D(21), 3), Amount(D("3.33"), D(6), 7), Amount(D("12.95"), D(21))],
                      Amount(D("10.00"), D(21)), shipping=Amount(D("4.95"), D(21)))
    rows = sent(order)
    assert all(quantity > 0 and price >= 0 for _, price, quantity in rows)
    assert not [line for line, _, _ in rows if line.kind == "discount"]
    assert per_rate(rows, True) == shop(order, True)
    six = [(price, quantity) for line, price, quantity in rows if line.vat_rate == 6]
    assert six == [(D("3.33"), D(7))]  # a rate without a discount is sent as the shop priced it


def test_a_discount_larger_than_its_rates_lines_stays_a_row_of_its_own():
    order = canonical([Amount(D("5.00"), D(21)), Amount(D("50.00"), D(9))], Amount(D("8.00"), D(21)))
    discount = [(price, quantity) for line, price, quantity in sent(order) if line.kind == "discount"]
    assert discount == [(D("8.00"), D(-1))]


def test_random_orders_fold_exactly_or_keep_the_discount_row():
    rng, folded = random.Random(9), 0
    for _ in range(150):
        incl = rng.random() < 0.7
        lines = [Amount(D(rng.randint(99, 25000)) / 100, D(rng.choice((21, 9, 6))), rng.randint(1, 7))
                 for _ in range(rng.randint(1, 4))]
        order = canonical(lines, Amount(D(rng.randint(50, 2000)) / 100, lines[0].rate), incl)
        rows = sent(order, incl)
        kept = [line for line, _, _ in rows if line.kind == "discount"]
        if not kept:
            folded += 1
            assert per_rate(rows, incl) == shop(order, incl)
            assert all(quantity > 0 and price >= 0 for _, price, quantity in rows)
        assert sum(price * quantity for _, price, quantity in rows) == sum(
            (line.total_incl if incl else line.total_excl) for line in order.lines)
    assert folded > 100  # folding is the rule, the −1 row the exception


def test_one_line_whose_vat_would_round_off_is_folded_by_pricing_its_units_apart():
    # 5 × 31.96 at 9 % less 12.78 (VAT 1.06): one price for all 5 units gives 12.14 VAT, the shop says 12.13.
    order = canonical([Amount(D("31.96"), D(9), 5)], Amount(D("12.78"), D(9)))
    rows = sent(order)
    assert [line.kind for line, _, _ in rows] == ["product", "product"]  # no discount row, no negative row
    assert all(price > 0 and quantity > 0 for _, price, quantity in rows)
    assert sum(quantity for _, _, quantity in rows) == 5
    assert per_rate(rows, True) == shop(order, True)


def test_a_line_too_cheap_to_carry_its_share_keeps_the_discount_row_rather_than_a_free_unit():
    # 50 × 0.01 less 0.01: 49 units at 0.00 would take the article's price in a Visma order.
    order = canonical([Amount(D("0.01"), D(0), 50)], Amount(D("0.01"), D(0)))
    rows = sent(order)
    assert all(price > 0 for _, price, _ in rows)
    assert [line.kind for line, _, _ in rows] == ["product", "discount"]
    assert per_rate(rows, True) == shop(order, True)
