"""List answers: ``$filter`` (comparisons joined by ``and``/``or``), ``$select``, ``$page``/``$pagesize`` and the
Meta block (§2.4: Visma accepts OData ``$filter``, ``$select``, ``$orderby``, ``$skip``, ``$top``)."""
from __future__ import annotations

import datetime as dt
import math
import re

from .errors import invalid

MAX_PAGE_SIZE = 1000  # inferred; pwitab and the maesn blog only document the default of 50
_DATETIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})"
_LITERAL = rf"'(?:[^']|'')*'|{_DATETIME}|-?\d+(?:\.\d+)?|true|false|null"
_CLAUSE = re.compile(rf"\s*(\w+)\s+(eq|ge|gt|le|lt)\s+({_LITERAL})\s*(?:(and|or)\s+|$)", re.I)
_COMPARE = {"eq": lambda a, b: a == b, "ge": lambda a, b: a >= b, "gt": lambda a, b: a > b,
            "le": lambda a, b: a <= b, "lt": lambda a, b: a < b}


def _stamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _literal(text: str):
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if "T" in text:
        return _stamp(text)
    return float(text) if "." in text else int(text)


def parse_filter(text: str | None) -> list[list[tuple[str, str, object]]]:
    """The ``or``-joined groups of ``and``-joined (field, operator, value) clauses of a ``$filter``.

    OData v4 as Visma's changelog writes it: ``eq``/``ge``/``gt``/``le``/``lt``, ``and`` binding tighter
    than ``or``, strings quoted, date-times bare (``ChangedUtc ge 2026-12-01T10:00:00Z``). Anything
    else is a 2000, as an unparsable query is in Visma.
    """
    if not text:
        return []
    groups, position, text = [[]], 0, text.strip()
    while position < len(text):
        match = _CLAUSE.match(text, position)
        if not match or (match.group(4) and match.end() >= len(text)):
            raise invalid(f"$filter: The query specified in the URI is not valid: {text[position:].strip()}")
        groups[-1].append((match.group(1), match.group(2).lower(), _literal(match.group(3))))
        if (match.group(4) or "").lower() == "or":
            groups.append([])
        position = match.end()
    return groups


def _compare(field: str, operator: str, have, value) -> bool:
    if isinstance(value, dt.datetime):
        # Visma's date-time properties are Edm.DateTimeOffset; strings and numbers do not compare with them.
        try:
            have = _stamp(str(have))
        except ValueError:
            raise invalid(f"$filter: A binary operator with incompatible types was detected for '{field}'.") from None
        return _COMPARE[operator](have, value)
    if field.endswith("Utc") and isinstance(value, str):
        raise invalid(f"$filter: A binary operator with incompatible types was detected. Found operand types "
                      f"'Edm.DateTimeOffset' and 'Edm.String' for '{field}'.")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and have is not None:
        return _COMPARE[operator](float(have), float(value))
    if isinstance(value, str) and isinstance(have, str):
        # Visma's database compares text case-insensitively (inferred: e-mail look-ups in the web app do).
        return _COMPARE[operator](have.lower(), value.lower())
    return operator == "eq" and have == value


def _matches(record: dict, groups) -> bool:
    if not groups:
        return True
    for clauses in groups:
        for field, _, _ in clauses:
            if field not in record:
                raise invalid(f"$filter: Could not find a property named '{field}'.")
    return any(all(_compare(field, op, record[field], value) for field, op, value in clauses) for clauses in groups)


def _selected(rows: list[dict], text: str | None) -> list[dict]:
    """``$select``: only the named properties of each row (an unknown one is a 2000, as in OData)."""
    if not text:
        return rows
    fields = [field.strip() for field in text.split(",") if field.strip()]
    for row in rows:
        for field in fields:
            if field not in row:
                raise invalid(f"$select: Could not find a property named '{field}'.")
    return [{field: row[field] for field in fields} for row in rows]


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
    return {"Meta": meta, "Data": _selected(chosen[(number - 1) * size:number * size], args.get("$select"))}
