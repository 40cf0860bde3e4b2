"""ExactError and the error body every Exact REST error carries."""
from __future__ import annotations


class ExactError(Exception):
    """An error answer: HTTP status, the human text, and optional extra response headers."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_body(message: str) -> dict:
    """Exact's error envelope; ``code`` and ``lang`` are empty in practice (targets.md §1.5)."""
    return {"error": {"code": "", "message": {"lang": "", "value": message}}}


def mandatory(field: str) -> ExactError:
    """A missing mandatory property: a 400 naming the property."""
    return ExactError(400, f"Verplicht: {field}")


def bad_reference(field: str) -> ExactError:
    """A GUID or code that points at nothing: Exact answers 500 (picqer #249)."""
    return ExactError(500, f"Ongeldige referentie: {field}")


def conversion(field: str, type_name: str) -> ExactError:
    """A value of the wrong type, e.g. a code where a GUID belongs: 500 (picqer #263, #257)."""
    return ExactError(500, f"Error in converting value for property '{field}' to type '{type_name}'")
