"""Foreign VAT (the EU One Stop Shop, OSS) in a SnelStart sales booking: the rule an accountant expects.

SnelStart's sales bookings know Dutch VAT kinds only: ``btwSoort`` Geen, Laag, Hoog or Overig on a line
and VerkopenLaag/Hoog/Overig/Verlegd in ``btw`` (targets.md §3.5), and those feed the Dutch VAT return.
German VAT of 19 % on a German consumer's order is owed to Germany through the OSS return, so:

* The VAT table offers, next to the Dutch kinds, one OSS code per rate some other EU country charges
  (``OSS:19.00``). A foreign country's row may choose it, with the merchant's OSS revenue ledger as its
  revenue account (e.g. one per country; grootboekfunctie InstallatieTeleverkoopBinnenEUgeen, distance
  sales, is offered among the revenue ledgers).
* A line on an OSS code is booked on that revenue ledger excl. VAT with ``btwSoort`` Geen. Its VAT is a
  booking line of its own on the "ledger for foreign VAT (OSS)" chosen in Configuration (a balance
  ledger such as "Te betalen btw OSS"), one line per country and rate so the OSS return can be read from
  it. It gets no ``btw`` entry, so none of it reaches the Dutch return. The booking still balances:
  factuurbedrag = Σ lines (revenue and OSS VAT) + Σ btw (Dutch VAT only).
* Without that ledger the order goes to Errors (OSS_VAT_LEDGER_MISSING) with what to set up; nothing is sent.
* Foreign VAT is never booked as a Dutch kind: a Dutch kind takes only a line at its own Dutch rate (the
  VAT table and the pre-check compare rates, so 19 % can never be Hoog), and a line to another country
  that only the bare-rate fallback row ("21.00", tables saved before rows were per country) would map is
  refused as not mapped, because 21 % to Belgium may be Belgian VAT: only the merchant's own row for that
  country may call it Dutch (a shop below the EU threshold that charges Dutch VAT abroad says so there).
* Sales orders take no VAT of ours (SnelStart computes it from the article's revenue group, Dutch kinds
  only), so an OSS line cannot become a sales order line: it is refused with the same sentence's cause.
"""
from __future__ import annotations

from decimal import Decimal

from worker import vat_rates
from worker.canonical import Line, Order
from worker.connectors.errors import MappingError
from worker.vat_map import describe, vat_keys

PREFIX = "OSS:"
HOME = "NL"  # a SnelStart administration is Dutch: its VAT kinds are the Netherlands' rates
SYSTEM = "SnelStart"


def is_oss(code: str) -> bool:
    return code.startswith(PREFIX)


def code_rates() -> dict[str, Decimal]:
    """One OSS code per rate another EU country charges (0 % is no foreign VAT), by code."""
    rates = {rate for country in vat_rates.EU if country != HOME for rate in vat_rates.rates_of(country)}
    return {f"{PREFIX}{rate:.2f}": rate for rate in sorted(rates, reverse=True) if rate > 0}


def label(code: str) -> str:
    return f"OSS {code[len(PREFIX):]} %"


def destination(order: Order) -> str:
    return (order.shipping or order.billing).country


def check_row(order: Order, line: Line, row: dict) -> None:
    """Refuse a foreign line with VAT that only the bare-rate fallback row maps (see the rule above)."""
    if ":" not in row["key"] and row["key"] not in vat_rates.SPECIAL_ROWS and line.vat_rate != 0 \
            and destination(order) != HOME:
        raise MappingError("VAT_NOT_MAPPED", describe(vat_keys(order, line)[0]))


def vat_ledger(settings: dict, order: Order, line: Line) -> str:
    """The ledger OSS VAT is booked on; MappingError("OSS_VAT_LEDGER_MISSING") when none is chosen."""
    ledger = settings.get("oss_vat_ledger")
    if not ledger:
        raise MappingError("OSS_VAT_LEDGER_MISSING", describe(vat_keys(order, line)[0]), system=SYSTEM,
                           country=destination(order), rate=f"{line.vat_rate:.2f}")
    return ledger


def vat_text(order: Order, line: Line) -> str:
    """The OSS VAT line's description: country and rate, as the OSS return asks them."""
    return f"OSS-btw {destination(order)} {line.vat_rate:.2f}% bestelling {order.number}"[:250]


def check_sales_order_line(order: Order, line: Line, row: dict) -> None:
    """A sales order line takes its VAT from a Dutch revenue group: never a foreign (OSS) one."""
    check_row(order, line, row)
    if is_oss(row["vat_code"]):
        raise MappingError("OSS_NOT_ON_SALES_ORDERS", describe(row["key"]), system=SYSTEM,
                           country=destination(order), rate=f"{line.vat_rate:.2f}")
