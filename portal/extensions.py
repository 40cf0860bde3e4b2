"""Flask extensions, created once without an app; ``init_app`` binds them."""
from __future__ import annotations

from flask import Flask, g
from flask_babel import gettext
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from worker import db
from worker.i18n import N_

csrf = CSRFProtect()
login_manager = LoginManager()
htmx = Htmx()



def get_session():
    """The request's database session, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = db.new_session()
    return g.db


def _close_session(exc):
    session = g.pop("db", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    """Bind CSRF, login, htmx and the request session to ``app``."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login's own flash, translated when it is shown.
    login_manager.login_message = N_("Please log in to access this page.")
    login_manager.localize_callback = gettext
    htmx.init_app(app)
    app.teardown_appcontext(_close_session)
