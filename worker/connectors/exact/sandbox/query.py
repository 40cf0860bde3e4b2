"""OData query options ($select, $expand, $orderby, $top, $skip, $skiptoken) and record shaping."""
from __future__ import annotations

import dataclasses

from .convert import date_ms
from .errors import ExactError
from .odata import matches
from .odata import parse_filter
from .spec import EntitySpec

SELECT_REQUIRED_TEXT = "Please add a $select or a $top=1 statement to the query string."


@dataclasses.dataclass
class Query:
    """The parsed query options of one GET."""

    filter: tuple | None = None
    select: list[str] | None = None
    expand: set[str] = dataclasses.field(default_factory=set)
    orderby: list[tuple[str, bool]] = dataclasses.field(default_factory=list)
    top: int | None = None
    skip: int = 0
    skiptoken: str | None = None
    inlinecount: bool = False


def parse_query(args, spec: EntitySpec) -> Query:
    """Parse the query options of a request against ``spec``; raises 400 like Exact does."""
    query = Query()
    if args.get("$filter"):
        query.filter = parse_filter(args["$filter"], spec)
    if args.get("$select"):
        query.select = [_check_path(spec, name.strip()) for name in args["$select"].split(",") if name.strip()]
    for name in filter(None, (n.strip() for n in args.get("$expand", "").split(","))):
        if not spec.lines or name != spec.lines[0]:
            raise ExactError(400, f"Could not find a property named '{name}' on type '{spec.type_name}'.")
        query.expand.add(name)
    for part in filter(None, (p.strip() for p in args.get("$orderby", "").split(","))):
        name, _, direction = part.partition(" ")
        _check_path(spec, name)
        query.orderby.append((name, direction.strip().lower() == "desc"))
    query.top = _count_option(args, "$top")
    query.skip = _count_option(args, "$skip") or 0
    query.skiptoken = args.get("$skiptoken")
    query.inlinecount = args.get("$inlinecount") == "allpages"
    return query


def require_select(args) -> None:
    """Exact's rule for the heavy list endpoints: a $select or $top=1 must be present."""
    if not args.get("$select") and args.get("$top", "").strip() != "1":
        raise ExactError(400, SELECT_REQUIRED_TEXT)


def _count_option(args, name: str) -> int | None:
    raw = args.get(name)
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise ExactError(400, f"Invalid value '{raw}' for {name} query option found. "
                              f"The {name} query option requires a non-negative integer value.")
    return int(raw)


def _check_path(spec: EntitySpec, name: str) -> str:
    head, _, tail = name.partition("/")
    if name == "*" or (spec.has(head) and (not tail or _line_has(spec, head, tail))):
        return name
    raise ExactError(400, f"No property '{name}' exists in type '{spec.type_name}'.")


def _line_has(spec: EntitySpec, head: str, tail: str) -> bool:
    return bool(spec.lines and spec.lines[0] == head and (tail == "*" or spec.lines[1].has(tail)))


def select_records(records: list[dict], query: Query, spec: EntitySpec) -> list[dict]:
    """Filter and order the records (before paging)."""
    chosen = [r for r in records if query.filter is None or matches(query.filter, r)]
    for name, descending in reversed(query.orderby):
        chosen.sort(key=lambda r, n=name: _sort_key(r.get(n), spec.types.get(n)), reverse=descending)
    return chosen


def _sort_key(value, code):
    # None sorts first, as SQL Server does for ascending order.
    if value is None:
        return (0, 0)
    if code == "date":
        return (1, date_ms(value))
    return (1, value.casefold() if isinstance(value, str) else value)


def shape(record: dict, spec: EntitySpec, uri: str, query: Query | None) -> dict:
    """One record as Exact prints it: ``__metadata``, every (or the selected) property, lines."""
    select = query.select if query else None
    out: dict = {"__metadata": {"uri": uri, "type": spec.type_name}}
    wanted = _wanted(spec, select)
    for name in spec.types:
        if wanted is None or name in wanted:
            out[name] = record.get(name)
    if spec.lines:
        nav, line_spec = spec.lines
        if wanted is None or nav in wanted or any(w.startswith(nav + "/") for w in wanted):
            out[nav] = _lines(record, spec, line_spec, uri, query, select)
    return out


def _wanted(spec: EntitySpec, select: list[str] | None) -> set[str] | None:
    if not select or "*" in select:
        return None
    return set(select)


def _lines(record: dict, spec: EntitySpec, line_spec: EntitySpec, uri: str, query, select):
    nav = spec.lines[0]
    if not query or nav not in query.expand:
        return {"__deferred": {"uri": f"{uri}/{nav}"}}
    fields = [s.split("/", 1)[1] for s in (select or []) if s.startswith(nav + "/")]
    line_query = Query(select=fields or None)
    service_uri = uri.rsplit("/", 1)[0]  # .../api/v1/{division}/{service}
    return {"results": [shape(line, line_spec, f"{service_uri}/{line_spec.model}s(guid'{line['ID']}')", line_query)
                        for line in record.get(nav) or []]}


def page(records: list[dict], query: Query, key: str, size: int) -> tuple[list[dict], dict | None]:
    """One page of at most ``size`` records; returns it and the query args of the next page."""
    start = query.skip
    if query.skiptoken:
        start = _after_token(records, query.skiptoken, key)
    remaining = len(records) - start
    if query.top is not None:
        remaining = min(remaining, query.top)
    count = max(0, min(size, remaining))
    chunk = records[start:start + count]
    if remaining <= count or not chunk:
        return chunk, None
    following = {"$skiptoken": _token(chunk[-1][key])}
    if query.top is not None:
        following["$top"] = str(query.top - count)
    return chunk, following


def _token(value) -> str:
    return f"guid'{value}'" if isinstance(value, str) else str(value)


def _after_token(records: list[dict], token: str, key: str) -> int:
    raw = token[5:-1] if token.startswith("guid'") and token.endswith("'") else token
    for index, record in enumerate(records):
        if str(record.get(key)).lower() == raw.lower():
            return index + 1
    raise ExactError(400, f"Invalid $skiptoken value '{token}'.")
