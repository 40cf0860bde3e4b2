"""Input the database cannot hold (numbers out of range, NUL bytes) is the client's error: 400, not 500."""
from __future__ import annotations

from flask import Flask, g
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest


def _bad_input(exc: Exception):
    session = g.get("db")
    if session is not None:
        session.rollback()
    return BadRequest().get_response()


def init_app(app: Flask) -> None:
    """Answer 400 to values Postgres refuses (DataError) and to integers too large to handle."""
    app.register_error_handler(DataError, _bad_input)
    app.register_error_handler(OverflowError, _bad_input)
