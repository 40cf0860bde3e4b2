"""Discounts folded into the lines of their VAT rate: manual 000 wants no negative sales rows.

A discount of one VAT rate is spread over the positive lines of that rate in proportion to their
totals (in the price basis the rows are sent in), to the cent. A line whose reduced total does not
divide by its quantity becomes two rows: the quantity less one at the lower cent price and one unit
carrying the rest, so the rows add up to the reduced total exactly. Visma computes VAT per row,
rounded half up, so cents are then moved between the lines until the rows' VAT is the shop's VAT
of that rate too. When no spread gives both totals to the cent (or no line of the rate can absorb
the discount) the discount stays a row of its own, quantity −1 at a positive price, as before.
"""
from __future__ import annotations

import itertools
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from worker.canonical import Line

CENT = Decimal("0.01")
MAX_MOVES = 40
Row = tuple[Line, Decimal, Decimal]  # the line, its unit price, its quantity


def _total(line: Line, includes_vat: bool) -> Decimal:
    return line.total_incl if includes_vat else line.total_excl


def _shares(amount: Decimal, totals: list[Decimal]) -> list[Decimal]:
    """``amount`` split in proportion to ``totals``, in cents, summing to ``amount`` exactly."""
    whole = sum(totals)
    shares = [(amount * t / whole).quantize(CENT, rounding=ROUND_DOWN) for t in totals]
    for index in sorted(range(len(totals)), key=lambda i: -totals[i])[:int((amount - sum(shares)) / CENT)]:
        shares[index] += CENT
    return shares


def split(line: Line, total: Decimal) -> list[Row]:
    """Rows of ``line`` that together come to ``total``, each at a price in cents."""
    quantity = line.quantity
    if quantity <= 1 or quantity != quantity.to_integral_value():
        return [(line, total, Decimal(1))]  # one row carrying the reduced line total
    price, rest = divmod(int(total / CENT), int(quantity))
    if rest == 0:
        return [(line, Decimal(price) * CENT, quantity)]
    return [(line, Decimal(price) * CENT, quantity - 1), (line, Decimal(price + rest) * CENT, Decimal(1))]


def row_vat(amount: Decimal, rate: Decimal, includes_vat: bool) -> Decimal:
    """The VAT Visma computes for one row of ``amount``, rounded half up."""
    fraction = rate / 100
    vat = amount * fraction / (1 + fraction) if includes_vat else amount * fraction
    return vat.quantize(CENT, rounding=ROUND_HALF_UP)


def _vat(lines: list[Line], totals: list[Decimal], includes_vat: bool) -> Decimal:
    return sum((row_vat(price * quantity, line.vat_rate, includes_vat)
                for line, total in zip(lines, totals) for line, price, quantity in split(line, total)), Decimal(0))


def _better(takers, old, new, wanted, includes_vat):
    """The move of one cent between two lines that brings the VAT closest to ``wanted`` (None: none helps)."""
    best, gap = None, abs(wanted - _vat(takers, new, includes_vat))
    for i, k in itertools.permutations(range(len(takers)), 2):
        trial = list(new)
        trial[i], trial[k] = trial[i] + CENT, trial[k] - CENT
        if trial[i] <= old[i] and trial[k] > 0 and abs(wanted - _vat(takers, trial, includes_vat)) < gap:
            best, gap = trial, abs(wanted - _vat(takers, trial, includes_vat))
    return best


def fold_rate(takers: list[Line], amount: Decimal, wanted_vat: Decimal, includes_vat: bool) -> list[Decimal] | None:
    """The takers' reduced totals: ``amount`` less in all, their rows' VAT ``wanted_vat``; None when impossible."""
    old = [_total(line, includes_vat) for line in takers]
    if amount <= 0 or not takers or sum(old) <= amount:
        return None
    new = [total - share for total, share in zip(old, _shares(amount, old))]
    for _ in range(MAX_MOVES):
        if _vat(takers, new, includes_vat) == wanted_vat:
            return new
        new = _better(takers, old, new, wanted_vat, includes_vat)
        if new is None:
            return None
    return None


def rows(lines, includes_vat: bool, plain) -> list[Row]:
    """Every row to send; ``plain(line)`` gives (price, quantity) of a line sent as it is."""
    reduced: dict[int, Decimal] = {}
    for rate in {line.vat_rate for line in lines if line.kind == "discount"}:
        of_rate = [line for line in lines if line.vat_rate == rate]
        takers = [line for line in of_rate if line.kind != "discount" and _total(line, includes_vat) > 0]
        amount = -sum((_total(line, includes_vat) for line in of_rate if line.kind == "discount"), Decimal(0))
        folded = fold_rate(takers, amount, sum((line.vat_amount for line in of_rate), Decimal(0)), includes_vat)
        if folded is not None:
            reduced.update({id(line): total for line, total in zip(takers, folded)})
            reduced.update({id(line): None for line in of_rate if line.kind == "discount"})
    out: list[Row] = []
    for line in lines:
        if id(line) not in reduced:
            out.append((line, *plain(line)))
        elif reduced[id(line)] is not None:  # a discount folded away has None
            out.extend(split(line, reduced[id(line)]))
    return out
