"""The canonical order: what every source is mapped to and every target is mapped from.

Money is ``Decimal`` with two decimals, exactly as the shop stated it; nothing here rounds.
Each line carries its VAT rate and both its incl. and excl. VAT totals, so a target can take
whichever its document expects.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

CENT = Decimal("0.01")
# The kinds of line; every kind but "product" becomes a dummy product or ledger line at the target.
LINE_KINDS = ("product", "shipping", "payment", "discount")


@dataclasses.dataclass(frozen=True)
class Address:
    """A postal address."""

    street: str = ""
    house_number: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""

    def line1(self) -> str:
        return f"{self.street} {self.house_number}".strip()


@dataclasses.dataclass(frozen=True)
class Customer:
    """The buyer as the shop knows them."""

    email: str
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    vat_number: str = ""
    phone: str = ""

    @property
    def name(self) -> str:
        person = f"{self.first_name} {self.last_name}".strip()
        return self.company or person or self.email


@dataclasses.dataclass(frozen=True)
class Line:
    """One order line; for discounts the amounts are negative."""

    kind: str
    description: str
    quantity: Decimal
    unit_price_incl: Decimal
    unit_price_excl: Decimal
    vat_rate: Decimal
    total_incl: Decimal
    total_excl: Decimal
    vat_amount: Decimal
    sku: str = ""


@dataclasses.dataclass(frozen=True)
class Note:
    """A sentence for the merchant: an English template marked ``N_`` with %-style ``values``
    (a literal percent sign written %%), translated and filled where it is shown."""

    text: str
    values: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Order:
    """A shop order in Koppel's own terms."""

    source_id: str
    number: str
    date: dt.date
    status: str
    currency: str
    prices_include_vat: bool
    customer: Customer
    billing: Address
    shipping: Address | None  # None when it is the billing address
    lines: tuple[Line, ...]
    total_incl: Decimal
    vat_total: Decimal
    vat_regime: str  # standard | intra_eu_reverse_charge | export | oss
    payment_method: str = ""
    updated_at: dt.datetime | None = None
    # Which rule decided the VAT of the lines, where the source had to decide it (a gross price with
    # no VAT stated): shown under the order's lines and in More info.
    vat_notes: tuple[Note, ...] = ()
    # A debtor of the target's (its own id) this order is booked on whoever the customer is: set by
    # the pipeline from Configuration for an order without an e-mail address (worker.pipeline.debtors),
    # never by a source.
    debtor: str = ""
    # Whether the shop already holds the customer's money (the source says so from its own payment
    # status); a target that books payments books one only for a paid order.
    paid: bool = False

    def lines_total_incl(self) -> Decimal:
        return sum((line.total_incl for line in self.lines), Decimal("0.00"))

    def vat_rates(self) -> set[Decimal]:
        return {line.vat_rate for line in self.lines}
