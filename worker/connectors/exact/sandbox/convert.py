"""Converting posted JSON values to stored values, and the .NET date format Exact answers with."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from decimal import InvalidOperation

from .errors import conversion
from .spec import EDM_NAMES

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NET_DATE = re.compile(r"^/Date\((-?\d+)\)/$")


def new_guid() -> str:
    """A fresh lower-case GUID string, as Exact prints them."""
    return str(uuid.uuid4())


def net_date(ms: int) -> str:
    """Milliseconds since the epoch in Exact's .NET JSON form ``/Date(ms)/``."""
    return f"/Date({int(ms)})/"


def date_ms(stored: str | None) -> int | None:
    """The milliseconds inside a stored ``/Date(ms)/`` value."""
    if stored is None:
        return None
    match = _NET_DATE.match(stored)
    return int(match.group(1)) if match else None


def parse_iso_ms(text: str) -> int:
    """ISO 8601 (date, or date-time with optional zone) to epoch ms; naive means UTC. ValueError."""
    match = _NET_DATE.match(text)
    if match:
        return int(match.group(1))
    stamp = dt.datetime.fromisoformat(text.strip())
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return int(stamp.timestamp() * 1000)


def ms_to_date(ms: int) -> dt.date:
    """The UTC calendar date of an epoch-ms value."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).date()


def to_decimal(value) -> Decimal:
    """A stored or posted number as Decimal (via str, so 0.1 stays 0.1)."""
    return Decimal(str(value))


def money(value: Decimal) -> float:
    """A Decimal amount as the JSON number Exact answers with."""
    return float(value)


def convert(field: str, code: str, value):
    """Turn one posted value into its stored form, or raise Exact's type-conversion error (500)."""
    if value is None:
        return None
    try:
        return _CONVERTERS[code](value)
    except (ValueError, TypeError, InvalidOperation):
        raise conversion(field, EDM_NAMES[code]) from None


def _guid(value) -> str:
    if not isinstance(value, str) or not GUID_RE.match(value.strip("{}")):
        raise ValueError(value)
    return value.strip("{}").lower()


def _int(value) -> int:
    # JSON.NET accepts integral numbers and numeric strings, not fractions or booleans.
    if isinstance(value, bool):
        raise TypeError(value)
    number = Decimal(str(value).strip())
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _dec(value) -> float:
    if isinstance(value, bool):
        raise TypeError(value)
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError(value)
    return float(number)


def _date(value) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return net_date(parse_iso_ms(value))


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(value)


def _str(value) -> str:
    if isinstance(value, (dict, list, bool)):
        raise TypeError(value)
    return str(value)


_CONVERTERS = {"guid": _guid, "int": _int, "dec": _dec, "date": _date, "bool": _bool, "str": _str}
