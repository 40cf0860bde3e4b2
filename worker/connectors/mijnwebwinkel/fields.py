"""Reading one field of a MyOnlineStore order: its kind and size checked, or a sentence saying what is wrong.

The sentences are the same catalogue entries every source uses for the same fault.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from worker.i18n import N_
from worker.unreadable import Unreadable, shown

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the API's dates and times carry no zone (sources.md §2.7)
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)
CENT = Decimal("0.01")


class OrderDataError(Unreadable):
    """The store's order JSON lacks a field or holds a value we cannot read."""


def required(data: dict, key: str, path: str):
    if data.get(key) is None:
        raise OrderDataError(N_("the field {field} is missing"), field=path)
    return data[key]


def text(data: dict, key: str, path: str, default: str = "") -> str:
    """A text field; numbers are read as text (house numbers, order numbers); absent or null is ``default``."""
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise OrderDataError(N_("the field {field} holds {value} where text belongs"), field=path, value=shown(value))
    return value


def group(data: dict, key: str, path: str) -> dict:
    """A nested object; absent, null or the empty list the API sometimes sends is an empty one."""
    value = data.get(key)
    if value is None or value == []:
        return {}
    if not isinstance(value, dict):
        raise OrderDataError(N_("the field {field} holds {value} where a group of fields belongs"),
                             field=path, value=shown(value))
    return value


def items(data: dict, key: str, path: str) -> list[dict]:
    value = required(data, key, path)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise OrderDataError(N_("the field {field} holds {value} where a list belongs"), field=path, value=shown(value))
    return value


def decimal(value, path: str) -> Decimal:
    """A number as the API writes it (a string, sometimes a JSON number)."""
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidOperation
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise OrderDataError(N_("the amount {field} is {value}, which is not an amount of money"),
                             field=path, value=shown(value)) from None
    if abs(number) > MAX_AMOUNT:
        raise OrderDataError(N_("the amount {field} is {value}, more than we can book (at most 999,999,999,999.99)"),
                             field=path, value=shown(value))
    return number


def money(value, path: str) -> Decimal:
    """An amount with two decimals (``amount_including_tax`` and totals have exactly two)."""
    return decimal(value, path).quantize(CENT)


def moment(date, time, path: str) -> dt.datetime | None:
    """The store's date and time (Amsterdam, no zone) as an aware UTC moment; None when absent."""
    if not date:
        return None
    try:
        local = dt.datetime.strptime(f"{date} {time or '00:00:00'}", "%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        raise OrderDataError(N_("the date {field} is {value}, which is not a date"),
                             field=path, value=shown(f"{date} {time}")) from None
    return local.replace(tzinfo=AMSTERDAM).astimezone(dt.timezone.utc)
