"""Model validation as Visma's API does it: every broken rule is a 2000 DataModelValidationError."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from .errors import invalid


def require(body: dict, *fields: str) -> None:
    """Each field must be present and not null."""
    for field in fields:
        if body.get(field) is None or body.get(field) == "":
            raise invalid(f"{field}: The {field} field is required.")


def booleans(body: dict, *fields: str) -> None:
    """Each field, when present, must be a JSON boolean."""
    for field in fields:
        if field in body and body[field] is not None and not isinstance(body[field], bool):
            raise invalid(f"{field}: Error converting value {body[field]!r} to type 'System.Boolean'.")


def lengths(body: dict, limits: dict[str, int]) -> None:
    """Strings must not be longer than their field allows."""
    for field, limit in limits.items():
        value = body.get(field)
        if value is not None and len(str(value)) > limit:
            raise invalid(f"{field}: Max length is {limit} characters.")


def number(body: dict, field: str, places: int, low: Decimal | None = None, high: Decimal | None = None,
           default: Decimal | None = None) -> Decimal | None:
    """A number with at most ``places`` decimals inside [low, high]; ``default`` when absent."""
    value = body.get(field)
    if value is None:
        return default
    if isinstance(value, bool):
        raise invalid(f"{field}: Not a number.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise invalid(f"{field}: Not a number.") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise invalid(f"{field}: Max {places} decimals allowed.")
    if (low is not None and amount < low) or (high is not None and amount > high):
        raise invalid(f"{field}: The value must be between {low} and {high}.")
    return amount


def integer(body: dict, field: str, low: int, high: int) -> int | None:
    """An integer within [low, high], or None when absent."""
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or int(value) != value:
        raise invalid(f"{field}: Not an integer.")
    if not low <= int(value) <= high:
        raise invalid(f"{field}: The value must be between {low} and {high}.")
    return int(value)


def guid(body: dict, field: str) -> str | None:
    """A GUID string (lower-cased), or None when absent."""
    value = body.get(field)
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise invalid(f"{field}: Error converting value {value!r} to type 'System.Guid'.") from None


def date(body: dict, field: str) -> dt.date | None:
    """A date as ``YYYY-MM-DD`` or an ISO datetime, or None when absent."""
    value = body.get(field)
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")[:19]).date() if "T" in str(value) \
            else dt.date.fromisoformat(str(value))
    except ValueError:
        raise invalid(f"{field}: Could not convert string to DateTime: {value}.") from None
