"""Webhook endpoints of the shops (no login, no CSRF: the signature is the authentication).

A shop's delivery (``POST /webhooks/<source>/<token>``) is answered by a small WSGI handler in front
of Flask (``init_app``): it needs nothing Flask does for a merchant's page (session cookie, login,
locale, CSRF, templates), and at intake rates that machinery was a seventh of the web process's time
per delivery (issue 15, README "Intake"). Every other request goes on to Flask.
"""
from __future__ import annotations

import http
import json
import logging
import re

import psycopg
import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_input_stream

from portal import headers
from worker import inbox

log = logging.getLogger(__name__)
_PATH = re.compile(r"/webhooks/([a-z_]+)/([^/]+)")
# Values the database cannot hold (a number out of range) are the sender's error, as on every page.
_BAD_INPUT = (sa.exc.DataError, psycopg.DataError, OverflowError)


class Intake:
    """The WSGI handler of ``POST /webhooks/<source>/<token>``; every other request goes on to Flask."""

    def __init__(self, app) -> None:
        self.app = app
        self.headers = [("Content-Type", "application/json"), *headers.fixed_headers()]  # no page, no login: nothing private to mark

    def __call__(self, environ, start_response):
        found = _PATH.fullmatch(environ.get("PATH_INFO", ""))
        if environ.get("REQUEST_METHOD") != "POST" or found is None:
            return self.app(environ, start_response)
        status, text = _answer(environ, found[1], found[2])
        body = json.dumps({"status": text}).encode()
        start_response(f"{status} {http.HTTPStatus(status).phrase}",
                       [*self.headers, ("Content-Length", str(len(body)))])
        return [body]


def _answer(environ, system: str, token: str) -> tuple[int, str]:
    try:
        # The raw bytes, capped also when sent without a length: the signature is over exactly these.
        body = get_input_stream(environ, max_content_length=inbox.MAX_BODY).read()
        return inbox.receive(system, token, EnvironHeaders(environ), body)
    except RequestEntityTooLarge:
        return 413, "body too large"
    except _BAD_INPUT:
        return 400, "bad request"
    except Exception:  # the database is gone, or a bug: the shop delivers again later
        log.exception("webhook delivery for %s not stored", system)
        return 500, "not stored, please deliver again"


def init_app(app: Flask) -> None:
    """Put the webhook handler in front of ``app``."""
    app.wsgi_app = Intake(app.wsgi_app)  # type: ignore[method-assign]
