"""Rendering a full page or only its swappable part, depending on who asks."""
from __future__ import annotations

from flask import render_template, request


def is_partial_request() -> bool:
    """An htmx request for a fragment (boosted navigation wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render_partial(full: str, partial: str, **context) -> str:
    """The partial template for htmx requests, else the full page that includes it."""
    return render_template(partial if is_partial_request() else full, **context)
