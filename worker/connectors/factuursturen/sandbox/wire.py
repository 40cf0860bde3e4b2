"""How the sandbox answers: numbers and booleans as strings, XML unless JSON is asked for (targets.md §4.7.7-8).

Errors have no envelope at Factuursturen (§4.5): the body is a human message, as a JSON string
when JSON was asked for, else as text.
"""
from __future__ import annotations

import json
from decimal import Decimal
from xml.sax.saxutils import escape

from flask import Response, request


class FsError(Exception):
    """An error answer: ``status`` with a human message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def wants_json() -> bool:
    return "application/json" in request.headers.get("Accept", "")


def as_strings(value):
    """A record as Factuursturen serialises it: every number and boolean as a string."""
    if isinstance(value, dict):
        return {key: as_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_strings(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, int, float)):
        return str(value)
    return value


def _xml(value, tag: str) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml(item, key) for key, item in value.items())
    elif isinstance(value, list):
        inner = "".join(_xml(item, "item") for item in value)
    else:
        inner = escape("" if value is None else str(value))
    return f"<{tag}>{inner}</{tag}>"


def answer(value, status: int = 200, headers: dict | None = None) -> Response:
    """A data answer in the negotiated format."""
    data = as_strings(value)
    if wants_json():
        return Response(json.dumps(data), status=status, mimetype="application/json", headers=headers)
    body = '<?xml version="1.0" encoding="UTF-8"?>' + _xml(data, "response")
    return Response(body, status=status, mimetype="application/xml", headers=headers)


def created(number: str, headers: dict | None = None) -> Response:
    """201 with the new number as plain text (clients, invoices)."""
    return Response(str(number), status=201, mimetype="text/plain", headers=headers)


def failed(error: FsError, headers: dict | None = None) -> Response:
    """An error answer: the message as a JSON string or as text."""
    if wants_json():
        return Response(json.dumps(error.message), status=error.status, mimetype="application/json", headers=headers)
    return Response(error.message, status=error.status, mimetype="text/plain", headers=headers)
