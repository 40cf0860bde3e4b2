"""Discounts folded into the lines of their VAT rate: manual 000 wants no negative sales rows.

A discount of one VAT rate is spread over the positive lines of that rate in proportion to their
totals (in the price basis the rows are sent in), to the cent. A line whose reduced total does not
divide by its quantity becomes two rows: the quantity less one at the lower cent price and one unit
carrying the rest, so the rows add up to the reduced total exactly. Visma computes VAT per row,
rounded half up, so cents are then moved between the lines until the rows' VAT is the shop's VAT
of that rate too, and failing that one line's units are priced a few cents apart (the same total,
rounded differently). When no spread gives both totals to the cent (or no line of the rate can absorb
the discount) the discount stays a row of its own, quantity −1 at a positive price, as before.
"""
from __future__ import annotations

import itertools
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from worker.canonical import Line

CENT = Decimal("0.01")
MAX_MOVES = 40
MAX_SHIFT = 60  # cents either way; each try is a few Decimal roundings
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


def split(line: Line, total: Decimal, shift: int = 0) -> list[Row]:
    """Rows of ``line`` that together come to ``total``, each at a price in cents.

    ``shift`` lowers the price of the first row by that many cents (the last unit carries the
    rest): the same total split otherwise, which rounds the rows' VAT differently.
    """
    quantity = line.quantity
    if quantity <= 1 or quantity != quantity.to_integral_value():
        return [(line, total, Decimal(1))]  # one row carrying the reduced line total
    price, rest = divmod(int(total / CENT), int(quantity))
    if rest == 0 and shift == 0:
        return [(line, Decimal(price) * CENT, quantity)]
    price -= shift
    last = int(total / CENT) - price * (int(quantity) - 1)
    return [(line, Decimal(price) * CENT, quantity - 1), (line, Decimal(last) * CENT, Decimal(1))]


def shifts(line: Line, total: Decimal) -> list[int]:
    """The shifts ``split`` can take, nearest first: none for a single unit; every row at a cent or more."""
    quantity = line.quantity
    if quantity <= 1 or quantity != quantity.to_integral_value():
        return [0]
    cents_, others = int(total / CENT), int(quantity) - 1
    price = cents_ // int(quantity)
    valid = [k for step in range(1, MAX_SHIFT + 1) for k in (step, -step)
             if price - k >= 1 and cents_ - others * (price - k) >= 1]
    return [0, *valid]


def row_vat(amount: Decimal, rate: Decimal, includes_vat: bool) -> Decimal:
    """The VAT Visma computes for one row of ``amount``, rounded half up."""
    fraction = rate / 100
    vat = amount * fraction / (1 + fraction) if includes_vat else amount * fraction
    return vat.quantize(CENT, rounding=ROUND_HALF_UP)


def _vat(lines: list[Line], totals: list[Decimal], includes_vat: bool, moved: tuple[int, ...] = ()) -> Decimal:
    moved = moved or (0,) * len(lines)
    return sum((row_vat(price * quantity, line.vat_rate, includes_vat)
                for line, total, shift in zip(lines, totals, moved)
                for line, price, quantity in split(line, total, shift)), Decimal(0))


def _better(takers, old, new, wanted, includes_vat):
    """The move of one cent between two lines that brings the VAT closest to ``wanted`` (None: none helps)."""
    best, gap = None, abs(wanted - _vat(takers, new, includes_vat))
    for i, k in itertools.permutations(range(len(takers)), 2):
        trial = list(new)
        trial[i], trial[k] = trial[i] + CENT, trial[k] - CENT
        if trial[i] <= old[i] and trial[k] > 0 and abs(wanted - _vat(takers, trial, includes_vat)) < gap:
            best, gap = trial, abs(wanted - _vat(takers, trial, includes_vat))
    return best


def fold_rate(takers: list[Line], amount: Decimal, wanted_vat: Decimal,
              includes_vat: bool) -> list[tuple[Decimal, int]] | None:
    """Each taker's reduced total and split shift: ``amount`` less in all, their rows' VAT ``wanted_vat``;
    None when impossible."""
    old = [_total(line, includes_vat) for line in takers]
    if amount <= 0 or not takers or sum(old) <= amount:
        return None
    new = [total - share for total, share in zip(old, _shares(amount, old))]
    for _ in range(MAX_MOVES):
        if _vat(takers, new, includes_vat) == wanted_vat:
            return _priced(takers, [(total, 0) for total in new])
        moved = _better(takers, old, new, wanted_vat, includes_vat)
        if moved is None:
            break
        new = moved
    return _priced(takers, _shifted(takers, new, wanted_vat, includes_vat))


def _priced(takers: list[Line], chosen: list[tuple[Decimal, int]] | None) -> list[tuple[Decimal, int]] | None:
    """``chosen`` when every row it makes has a price; a row at 0.00 would take the article's price in Visma
    (orders cannot say ReplaceUnitPriceWhenZero), so a line too cheap to carry its share cannot fold."""
    if chosen is None:
        return None
    rows = [row for line, (total, shift) in zip(takers, chosen) for row in split(line, total, shift)]
    return chosen if all(price > 0 for _, price, _ in rows) else None


def _shifted(takers: list[Line], totals: list[Decimal], wanted_vat: Decimal,
             includes_vat: bool) -> list[tuple[Decimal, int]] | None:
    """The same totals with the takers' units priced apart, taker by taker, until the VAT is the wanted one."""
    moved = [0] * len(takers)
    for _ in range(3):  # a few rounds: each taker takes the shift that brings the VAT closest
        for index, (line, total) in enumerate(zip(takers, totals)):
            def gap(shift: int, index=index) -> Decimal:
                trial = tuple(shift if i == index else m for i, m in enumerate(moved))
                return abs(wanted_vat - _vat(takers, totals, includes_vat, trial))
            moved[index] = min(shifts(line, total), key=gap)
            if gap(moved[index]) == 0:
                return list(zip(totals, moved))
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
            reduced.update({id(line): chosen for line, chosen in zip(takers, folded)})
            reduced.update({id(line): None for line in of_rate if line.kind == "discount"})
    out: list[Row] = []
    for line in lines:
        if id(line) not in reduced:
            out.append((line, *plain(line)))
        elif reduced[id(line)] is not None:  # a discount folded away has None
            out.extend(split(line, *reduced[id(line)]))
    return out
