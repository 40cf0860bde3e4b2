"""Visma's error answer: ``{ErrorCode, DeveloperErrorMessage, ErrorId}`` (targets.md §2.5)."""
from __future__ import annotations

import json
import uuid

from flask import Response

# ErrorCode -> HTTP status. 401 for 4005 and 429 for 4010 are documented; the others are inferred.
STATUS = {2000: 400, 3000: 404, 3001: 400, 3002: 400, 4000: 409, 4002: 400, 4003: 400,
          4005: 401, 4006: 403, 4010: 429, 5000: 500}
UNAUTHORIZED = "AuthorizationException - Authorization has been denied for this request."


class VismaError(Exception):
    """A refusal in Visma's shape; ``status`` defaults from the error code."""

    def __init__(self, code: int, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS.get(code, 400)


def invalid(message: str) -> VismaError:
    """A DataModelValidationError (2000)."""
    return VismaError(2000, message)


def not_found(what: str, key: object, status: int = 400) -> VismaError:
    """A ResourceNotFound (3000) for a referenced id; 404 when it is the URL's own id."""
    return VismaError(3000, f"{what} with id {key} was not found.", status)


def body(code: int, message: str) -> dict:
    """The JSON body of an error answer."""
    return {"ErrorCode": code, "DeveloperErrorMessage": message, "ErrorId": uuid.uuid4().hex}


def response(exc: VismaError) -> Response:
    """The HTTP answer for a refusal."""
    return Response(json.dumps(body(exc.code, exc.message)), status=exc.status, mimetype="application/json")
