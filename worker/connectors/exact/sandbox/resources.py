"""What each REST call does once it is authorised and counted: read, create, update, delete."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import request

from .convert import GUID_RE
from .entities import Endpoint
from .errors import ExactError
from .fields_ref import ME
from .payload import Ctx
from .payload import read_body
from .query import Query
from .query import page
from .query import parse_query
from .query import require_select
from .query import select_records
from .query import shape

_TARGET = re.compile(r"^(?P<entity>[A-Za-z]+)(?:\((?P<key>[^)]*)\))?(?:/(?P<nav>[A-Za-z]+))?$")
_QUERY_SAFE = "$'(),/:"


def split_target(rest: str) -> tuple[str, str | None, str | None]:
    """``SalesInvoices(guid'..')/SalesInvoiceLines`` -> (entity, key literal, navigation)."""
    match = _TARGET.match(rest)
    if not match or (match.group("nav") and match.group("key") is None):
        raise ExactError(404, f"Resource not found for the segment '{rest}'.")
    return match.group("entity"), match.group("key"), match.group("nav")


def _key_value(endpoint: Endpoint, literal: str) -> str:
    if endpoint.spec.types.get(endpoint.spec.key) != "guid":
        return literal.strip("'")
    body = literal[5:-1] if literal.startswith("guid'") and literal.endswith("'") else None
    if body is None or not GUID_RE.match(body):
        raise ExactError(400, f"Unrecognized 'Edm.Guid' literal '{literal}' in '0'.")
    return body.lower()


def _root() -> str:
    return request.url_root.rstrip("/")


def entity_uri(endpoint: Endpoint, division: int, key) -> str:
    """The absolute URI of one record, as in ``__metadata.uri``."""
    literal = f"guid'{key}'" if isinstance(key, str) else str(key)
    return f"{_root()}/api/v1/{division}/{endpoint.path}({literal})"


def _records(ctx: Ctx, endpoint: Endpoint) -> list[dict]:
    docs = list(ctx.docs(endpoint.collection).values())
    if endpoint.lines_of:
        return [line for doc in docs for line in doc.get(endpoint.lines_of) or []]
    return docs


def _find(ctx: Ctx, endpoint: Endpoint, literal: str) -> dict:
    key = _key_value(endpoint, literal)
    for record in _records(ctx, endpoint):
        if str(record.get(endpoint.spec.key)).lower() == key.lower():
            return record
    raise ExactError(404, "Resource not found.")


def get(ctx: Ctx, endpoint: Endpoint, key: str | None, nav: str | None):
    """GET a collection, one record, or one record's lines."""
    if key is None:
        return _collection(ctx, endpoint)
    record = _find(ctx, endpoint, key)
    uri = entity_uri(endpoint, ctx.division, record[endpoint.spec.key])
    if nav is None:
        return 200, {"d": shape(record, endpoint.spec, uri, parse_query(request.args, endpoint.spec))}
    if not endpoint.spec.lines or endpoint.spec.lines[0] != nav:
        raise ExactError(404, f"Resource not found for the segment '{nav}'.")
    line_spec = endpoint.spec.lines[1]
    query = parse_query(request.args, line_spec)
    base = f"{_root()}/api/v1/{ctx.division}/{endpoint.path.split('/')[0]}/{nav}"
    lines = select_records(record.get(nav) or [], query, line_spec)
    return 200, {"d": {"results": [shape(r, line_spec, f"{base}(guid'{r['ID']}')", query) for r in lines]}}


def _collection(ctx: Ctx, endpoint: Endpoint):
    if endpoint.select_required and ctx.state.select_required:
        require_select(request.args)
    query = parse_query(request.args, endpoint.spec)
    chosen = select_records(_records(ctx, endpoint), query, endpoint.spec)
    rows, following = page(chosen, query, endpoint.spec.key, ctx.state.page_size)
    results = [shape(r, endpoint.spec, entity_uri(endpoint, ctx.division, r[endpoint.spec.key]), query)
               for r in rows]
    data: dict = {"results": results}
    if query.inlinecount:
        data["__count"] = str(len(chosen))
    if following:
        data["__next"] = _next_url(following)
    return 200, {"d": data}


def _next_url(following: dict) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("$skip", "$skiptoken", "$top")}
    args.update(following)
    return f"{_root()}{request.path}?{urlencode(args, safe=_QUERY_SAFE)}"


def post(ctx: Ctx, endpoint: Endpoint, body):
    """Create a record; 201 with the stored record (lines included)."""
    data = read_body(body, endpoint.spec, ctx.state.strict_properties)
    record = endpoint.create(ctx, data)
    key = record[endpoint.spec.key]
    ctx.state.insert(ctx.division, endpoint.collection, key, record)
    nav = {endpoint.spec.lines[0]} if endpoint.spec.lines else set()
    return 201, {"d": shape(record, endpoint.spec, entity_uri(endpoint, ctx.division, key), Query(expand=nav))}


def put(ctx: Ctx, endpoint: Endpoint, key: str, body):
    """Update a record; 204 without a body."""
    record = _find(ctx, endpoint, key)
    data = read_body(body, endpoint.spec, ctx.state.strict_properties)
    endpoint.update(ctx, record, data)
    ctx.state.changed()
    return 204, None


def delete(ctx: Ctx, endpoint: Endpoint, key: str):
    """Delete a document; processed ones (Status 50) cannot be deleted."""
    record = _find(ctx, endpoint, key)
    if record.get("Status") == 50:
        raise ExactError(500, "Verwerkte documenten kunnen niet worden verwijderd")
    ctx.state.delete_document(ctx.division, endpoint.collection, record[endpoint.spec.key])
    return 204, None


def me(ctx: Ctx):
    """current/Me: the caller, with CurrentDivision; always ``d.results[0]``."""
    user = ctx.user
    record = {"UserID": user["user_id"], "UserName": user["username"], "FullName": user["full_name"],
              "FirstName": user["full_name"].split(" ")[0], "Email": user["username"],
              "CurrentDivision": user["current"], "Language": "NL", "LanguageCode": "nl-NL",
              # Legislation is an Int32 in Exact's model; 1 is the Dutch legislation.
              "Legislation": 1, "ServerUtcOffset": 0.0}
    uri = f"{_root()}/api/v1/current/Me(guid'{user['user_id']}')"
    shaped = shape(record, ME, uri, parse_query(request.args, ME))
    shaped["__metadata"]["type"] = "Exact.Web.Api.System.Me"
    return 200, {"d": {"results": [shaped]}}
