"""SP-API error bodies (``{"errors": [{code, message, details}]}``) and LWA's (``{error, error_description}``)."""
from __future__ import annotations

import uuid

from flask import jsonify


def sp_error(status: int, code: str, message: str, details: str = "", headers: dict | None = None):
    """An SP-API error response with its request id."""
    response = jsonify({"errors": [{"code": code, "message": message, "details": details}]})
    response.status_code = status
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    response.headers.update(headers or {})
    return response


def lwa_error(status: int, error: str, description: str):
    """A Login with Amazon error response."""
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    return response


def throttled(rate: float):
    """429 QuotaExceeded with the operation's rate in ``x-amzn-RateLimit-Limit``."""
    return sp_error(429, "QuotaExceeded", "You exceeded your quota for the requested resource.",
                    headers={"x-amzn-RateLimit-Limit": str(rate)})
