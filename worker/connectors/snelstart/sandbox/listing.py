"""Lists as SnelStart serves them (§3.3): plain arrays, ``$top``/``$skip``, ``$filter`` on a whitelist only."""
from __future__ import annotations

import re

from .errors import bare

CAPS = {"artikelen": 25}
DEFAULT_CAP = 500
# The properties SnelStart's OData model lets us filter on; anything else is a 400 (§3.3, §3.8.5).
# Which ones are filterable beyond naam (no) and nonactief (no) is inferred.
FILTERABLE = {"relaties": {"relatiecode", "modifiedOn"}, "grootboeken": {"nummer", "modifiedOn"},
              "artikelen": {"artikelcode", "modifiedOn"}, "verkoopfacturen": {"factuurnummer", "modifiedOn"},
              "verkooporders": {"nummer", "betalingskenmerk", "modifiedOn"},
              "grootboekmutaties": {"boekstuk", "factuurNummer", "modifiedOn"}}
_CLAUSE = re.compile(r"^\s*(\w+)\s+eq\s+(?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?))\s*$")


def _conditions(collection: str, text: str) -> list[tuple[str, str]]:
    conditions = []
    for clause in re.split(r"\s+and\s+", text.strip()):
        match = _CLAUSE.match(clause)
        if not match:
            raise bare(400, f"The query specified in the URI is not valid. Syntax error at '{clause[:40]}'.")
        name = match.group(1)
        if name not in FILTERABLE.get(collection, set()):
            raise bare(400, f"Could not find a property named '{name}' on type "
                            f"'SnelStart.B2B.Api.V2.Models.{collection}'.")
        literal = match.group(2).replace("''", "'") if match.group(2) is not None else match.group(3)
        conditions.append((name, literal))
    return conditions


def _int(args, name: str, default: int) -> int:
    try:
        return int(args.get(name, default))
    except ValueError:
        raise bare(400, f"The query parameter '{name}' is not valid.") from None


def page(collection: str, rows: list[dict], args) -> list[dict]:
    """The rows matching ``$filter``, then ``$skip``, then at most ``$top`` (over the cap: 400)."""
    cap = CAPS.get(collection, DEFAULT_CAP)
    top, skip = _int(args, "$top", cap), _int(args, "$skip", 0)
    if top < 1 or top > cap:
        raise bare(400, f"The limit of '{cap}' for Top query has been exceeded. The value from the incoming "
                        f"request is '{top}'.")
    if args.get("$filter"):
        for name, literal in _conditions(collection, args["$filter"]):
            rows = [row for row in rows if str(row.get(name)) == literal]
    return rows[max(skip, 0):max(skip, 0) + top]
