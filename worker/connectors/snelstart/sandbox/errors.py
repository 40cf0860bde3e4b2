"""SnelStart's three error shapes (targets.md §3.4) and APIM's, as the sandbox answers them."""
from __future__ import annotations

import json

from flask import Response


class SnelStartError(Exception):
    """An error answer: ``status`` with ``body`` exactly as SnelStart (or APIM in front of it) writes it."""

    def __init__(self, status: int, body, headers: dict | None = None):
        super().__init__(f"{status}: {body}")
        self.status, self.body, self.headers = status, body, headers or {}


def validation(*problems: tuple[str, str]) -> SnelStartError:
    """Shape 1, the usual 400 on bookings: ``[{"errorCode", "message"}, ...]``."""
    return SnelStartError(400, [{"errorCode": code, "message": message} for code, message in problems])


def model_state(fields: dict[str, list[str]]) -> SnelStartError:
    """Shape 2, ASP.NET model state: ``{"message", "modelState": {field: [messages]}}``."""
    return SnelStartError(400, {"message": "The request is invalid.", "modelState": fields})


def bare(status: int, message: str) -> SnelStartError:
    """Shape 3: ``{"Message": "..."}`` (404 "Resource not found", 401 of a bad token...)."""
    return SnelStartError(status, {"Message": message})


def apim(status: int, message: str, headers: dict | None = None) -> SnelStartError:
    """Azure API Management in front of the API: ``{"statusCode", "message"}`` (401 keys, 429 quota)."""
    return SnelStartError(status, {"statusCode": status, "message": message}, headers)


def response(exc: SnelStartError) -> Response:
    return Response(json.dumps(exc.body), status=exc.status, mimetype="application/json", headers=exc.headers)
