"""Security headers on every response: CSP, HSTS in production, no caching of merchants' pages."""
from __future__ import annotations

import functools
import urllib.parse

from flask import Flask, g, request
from flask_login import current_user

from worker.config import settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'{extra}")
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"


def origin(url: str) -> str:
    """The scheme://host[:port] of ``url``."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def forms_post_to(*urls):
    """Let this view's page submit forms that end at these sites (a POST redirecting to OAuth or checkout).

    Browsers apply ``form-action`` to the redirects after a submission too, so only the pages with
    such a button name the one site it leads to; every other page allows ``'self'`` alone.
    """
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            found = [url() if callable(url) else url for url in urls]
            sites = [site for value in found for site in (value if isinstance(value, (list, tuple)) else [value])]
            g.form_action_extra = list(dict.fromkeys(origin(site) for site in sites))
            return view(*args, **kwargs)
        return wrapper
    return decorate


def _private(response) -> bool:
    return response.mimetype == "application/pdf" or (
        request.endpoint != "static" and current_user.is_authenticated)


def _security_headers(response):
    for name, value in fixed_headers(extra="".join(f" {site}" for site in g.get("form_action_extra", []))):
        response.headers.setdefault(name, value)
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
    return response


def fixed_headers(extra: str = "") -> list[tuple[str, str]]:
    """The headers every answer carries (``extra``: the sites this page's forms may post to)."""
    fixed = [("Content-Security-Policy", CSP.format(extra=extra)), *STATIC_HEADERS.items()]
    return fixed + ([("Strict-Transport-Security", HSTS)] if settings.is_production else [])


def init_app(app: Flask) -> None:
    """Add the security headers to every response of ``app``."""
    app.after_request(_security_headers)
