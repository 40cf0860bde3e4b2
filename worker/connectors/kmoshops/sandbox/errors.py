"""The contract's error envelope, ``{"error": {"code", "message", "details"}}``, for every failure."""
from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException


def error(status: int, code: str, message: str, details: dict | None = None, headers: dict | None = None):
    """A Flask response carrying the error envelope."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def http_error(exc: HTTPException):
    """Werkzeug's own errors (unknown path, wrong method, bad JSON) in the same envelope."""
    code = (exc.name or "error").lower().replace(" ", "_")
    allow = exc.response.headers.get("Allow") if exc.response is not None else None
    headers = {"Allow": allow} if allow else {}
    return error(exc.code or 500, code, exc.description or exc.name, headers=headers)
