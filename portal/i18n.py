"""Dutch and English in the portal (Flask-Babel): the merchant's choice, else their shop's country."""
from __future__ import annotations

from flask import Blueprint, Flask, redirect, request, session
from flask_babel import Babel, get_locale, gettext
from flask_login import current_user

from worker.i18n import DEFAULT_LANGUAGE, LANGUAGES, TRANSLATIONS

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """An explicit choice first, then the tenant's language, then the browser's, then Dutch."""
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    if getattr(current_user, "is_authenticated", False):
        return current_user.language
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


@bp.route("/language/<code>", methods=["POST"])
def choose_language(code: str):
    """Switch the portal's language and go back to the page the merchant was on."""
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or "/"
    # Only go back within this site.
    return redirect(target if target.startswith(request.host_url) or target.startswith("/") else "/")


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the shared catalogue and register the language switch."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    # Text stored in English and marked N_ where it was made (a connection's status reason): translated
    # as plain text, so it is still escaped (Jinja's _() would mark it safe) and a "%" needs no doubling.
    app.jinja_env.filters["translate"] = gettext
    app.register_blueprint(bp)
