"""What the web process loads before gunicorn forks its workers (``--preload``), so that they share it.

Anything a worker loads on its first requests is loaded once per worker and kept privately; loaded
here, in gunicorn's master, it is one copy shared copy-on-write by every worker.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import dates, numbers
from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import orm

from worker.i18n import LANGUAGES


def warm(app: Flask) -> None:
    """Import the job tasks, set up the ORM mappers, compile every template, read each language's data."""
    import worker.tasks  # noqa: F401  (the first deferred job imports it: the pipeline and every connector)

    orm.configure_mappers()  # the first query would, in each worker

    for name in app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html")):
        app.jinja_env.get_template(name)
    with app.test_request_context():
        for language in LANGUAGES:
            with force_locale(language):
                gettext("Log in")
            numbers.format_currency(Decimal("1.00"), "EUR", locale=language)
            dates.format_date(dt.date.today(), "long", locale=language)
