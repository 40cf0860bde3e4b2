"""Responses: JSON when the client sent ``Accept: application/json``, otherwise Atom/XML like Exact."""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

from flask import Response
from flask import request

from .errors import ExactError
from .errors import error_body

_ATOM = "http://www.w3.org/2005/Atom"
_DATA = "http://schemas.microsoft.com/ado/2007/08/dataservices"
_META = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"


def wants_json() -> bool:
    """Exact answers JSON only to an explicit ``Accept: application/json`` (targets.md §1.4)."""
    return "application/json" in request.headers.get("Accept", "").lower()


def respond(status: int, body: dict | None, as_json: bool, headers: dict | None = None) -> Response:
    """A response with ``body`` as JSON or as Atom/XML; 204 has no body."""
    if status == 204 or body is None:
        response = Response(status=status)
    elif as_json:
        response = Response(json.dumps(body), status=status, mimetype="application/json")
    elif "error" in body:
        response = Response(_xml_error(body["error"]["message"]["value"]), status=status,
                            mimetype="application/xml")
    else:
        response = Response(_atom(body.get("d")), status=status, mimetype="application/atom+xml")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(exc: ExactError, as_json: bool, headers: dict | None = None) -> Response:
    """An ExactError as Exact's error envelope, with its own and the given headers."""
    return respond(exc.status, error_body(exc.message), as_json, {**(headers or {}), **exc.headers})


def _xml_error(message: str) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><error xmlns="{_META}"><code></code>'
            f'<message xml:lang="">{escape(message)}</message></error>')


def _atom(data) -> str:
    head = f'<?xml version="1.0" encoding="utf-8"?>'
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        entries = "".join(_entry(r) for r in data["results"])
        return f'{head}<feed xmlns="{_ATOM}" xmlns:d="{_DATA}" xmlns:m="{_META}">{entries}</feed>'
    return head + _entry(data or {}, namespaces=True)


def _entry(record: dict, namespaces: bool = False) -> str:
    attrs = f' xmlns="{_ATOM}" xmlns:d="{_DATA}" xmlns:m="{_META}"' if namespaces else ""
    meta = record.get("__metadata", {})
    props = "".join(_prop(k, v) for k, v in record.items() if k != "__metadata" and not isinstance(v, dict))
    return (f'<entry{attrs}><id>{escape(meta.get("uri", ""))}</id>'
            f'<category term="{escape(meta.get("type", ""))}" scheme="{_META}/scheme" />'
            f'<content type="application/xml"><m:properties>{props}</m:properties></content></entry>')


def _prop(name: str, value) -> str:
    if value is None:
        return f'<d:{name} m:null="true" />'
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<d:{name}>{escape(str(value))}</d:{name}>"
