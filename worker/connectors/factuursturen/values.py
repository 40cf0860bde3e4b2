"""Reading Factuursturen's answers: numbers and booleans arrive as strings (targets.md §4.6)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation


def money(value) -> Decimal | None:
    """A number as Decimal ("12.10", 12.1, "12,10"); None when empty or not a number."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        return None


def flag(value) -> bool:
    """A boolean as Factuursturen writes it: "true"/"false", "1"/"0", or a real one."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes"}


def percentage(value) -> str:
    """A VAT percentage as a code: "21", "9", "5.5" (no trailing zeros)."""
    number = money(value)
    if number is None:
        return ""
    text = f"{number.normalize():f}"
    return text


def one(answer: dict, key: str) -> dict:
    """The record inside a single-record answer (``{"invoice": {...}}``), or the answer itself."""
    inner = answer.get(key) if isinstance(answer, dict) else None
    return inner if isinstance(inner, dict) else answer
