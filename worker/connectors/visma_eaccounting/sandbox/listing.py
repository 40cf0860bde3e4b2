"""List answers: ``$filter`` with ``eq`` (joined by ``and``), ``$page``/``$pagesize`` and the Meta block (§2.4)."""
from __future__ import annotations

import datetime as dt
import math
import re

from .errors import invalid

MAX_PAGE_SIZE = 1000  # inferred; pwitab and the maesn blog only document the default of 50
_CLAUSE = re.compile(r"^\s*(\w+)\s+eq\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null)\s*$", re.I)


def _literal(text: str):
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    return float(text) if "." in text else int(text)


def parse_filter(text: str | None) -> list[tuple[str, object]]:
    """The (field, value) pairs of a ``$filter``; anything beyond ``eq`` and ``and`` is a 2000."""
    if not text:
        return []
    clauses = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.I):
        match = _CLAUSE.match(part)
        if not match:
            raise invalid(f"$filter: The query specified in the URI is not valid: {part.strip()}")
        clauses.append((match.group(1), _literal(match.group(2))))
    return clauses


def _matches(record: dict, clauses) -> bool:
    for field, value in clauses:
        if field not in record:
            raise invalid(f"$filter: Could not find a property named '{field}'.")
        have = record[field]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and have is not None:
            if float(have) != float(value):
                return False
        elif have != value:
            return False
    return True


def _positive(args, name: str, default: int) -> int:
    try:
        value = int(args.get(name, default))
    except ValueError:
        raise invalid(f"{name}: Not an integer.") from None
    if value < 1:
        raise invalid(f"{name}: Must be 1 or more.")
    return value


def page(records: list[dict], args, default_size: int, now: float) -> dict:
    """The paginated answer for ``records`` under the request's query arguments."""
    chosen = [r for r in records if _matches(r, parse_filter(args.get("$filter")))]
    size = min(_positive(args, "$pagesize", default_size), MAX_PAGE_SIZE)
    number = _positive(args, "$page", 1)
    meta = {"CurrentPage": number, "PageSize": size, "TotalNumberOfPages": max(1, math.ceil(len(chosen) / size)),
            "TotalNumberOfResults": len(chosen),
            "ServerTimeUtc": dt.datetime.fromtimestamp(now, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return {"Meta": meta, "Data": chosen[(number - 1) * size:number * size]}
