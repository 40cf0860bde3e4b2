"""Reading one field of a KMO Shops order: its kind and size checked, or a sentence saying what is wrong.

Sizes follow our columns (orders.number and shop_order_id hold 100 characters, amounts are
Numeric(14,2)), so nothing a shop sends can fail at the database instead of landing in Errors.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from worker.i18n import N_
from worker.unreadable import Unreadable, shown

MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)
MAX_QUANTITY = Decimal("1000000000")
CENT = Decimal("0.01")


class OrderDataError(Unreadable):
    """The shop's order JSON lacks a field or holds a value we cannot read."""


def required(data: dict, key: str, path: str):
    """``data[key]``, which must be there and not null."""
    if data.get(key) is None:
        raise OrderDataError(N_("the field {field} is missing"), field=path)
    return data[key]


def text(data: dict, key: str, path: str, default: str = "", numbers: bool = False, limit: int | None = None) -> str:
    """A text field (numbers allowed where shops send them, like a house number); absent or null is ``default``."""
    value = data.get(key)
    if value is None:
        return default
    if numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise OrderDataError(N_("the field {field} holds {value} where text belongs"), field=path, value=shown(value))
    if limit is not None and len(value) > limit:
        raise OrderDataError(N_("the field {field} is {length} characters long; at most {limit} are allowed"),
                             field=path, length=len(value), limit=limit)
    return value


def group(data: dict, key: str, path: str) -> dict:
    """A nested object; absent or null is an empty one."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OrderDataError(N_("the field {field} holds {value} where a group of fields belongs"),
                             field=path, value=shown(value))
    return value


def items(data: dict, key: str, path: str, needed: bool = False) -> list[dict]:
    """A list of objects (order lines, discounts)."""
    value = required(data, key, path) if needed else (data.get(key) or [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise OrderDataError(N_("the field {field} holds {value} where a list belongs"), field=path, value=shown(value))
    return value


def _number(value, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidOperation
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise InvalidOperation
    return number


def money(value, path: str = "amount") -> Decimal:
    """An amount with two decimals that fits our Numeric(14,2) columns."""
    try:
        amount = _number(value, path)
    except (InvalidOperation, ValueError):
        raise OrderDataError(N_("the amount {field} is {value}, which is not an amount of money"),
                             field=path, value=shown(value)) from None
    if abs(amount) > MAX_AMOUNT:
        raise OrderDataError(N_("the amount {field} is {value}, more than we can book (at most 999,999,999,999.99)"),
                             field=path, value=shown(value))
    return amount.quantize(CENT)


def quantity(value, line: int) -> Decimal:
    """A line's quantity: a number, not absurdly large."""
    try:
        number = _number(value, "quantity")
    except (InvalidOperation, ValueError):
        raise OrderDataError(N_("the quantity on line {line} is {value}, which is not a number"),
                             line=line, value=shown(value)) from None
    if abs(number) > MAX_QUANTITY:
        raise OrderDataError(N_("the quantity on line {line} is {value}, which is more than we can book"),
                             line=line, value=shown(value))
    return number


def currency(data: dict) -> str:
    """A three-letter currency code such as EUR."""
    value = data.get("currency")
    if value is None:
        return "EUR"
    if not (isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha()):
        raise OrderDataError(N_("the currency is {value}, which is not a three-letter currency code such as EUR"),
                             value=shown(value))
    return value.upper()


def moment(data: dict, key: str) -> dt.datetime | None:
    """A date and time; one without a time zone is read as UTC."""
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        parsed = dt.datetime.fromisoformat(text(data, key, key).replace("Z", "+00:00"))
    except ValueError:
        raise OrderDataError(N_("the date {field} is {value}, which is not a date"),
                             field=key, value=shown(value)) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
