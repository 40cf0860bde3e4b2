"""Koppel's web process: the merchant portal, webhook endpoints and OAuth callbacks."""
from __future__ import annotations

from flask import Flask

from worker import db
from worker.config import settings


def create_app(config: dict | None = None) -> Flask:
    """Build the portal; ``config`` overrides settings (tests pass a dict)."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    settings.check()
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        PAGE_SIZE=25,
        DEMO_ENABLED=not settings.is_production,
    )
    if config:
        app.config.update(config)
    db.configure(app.config["DATABASE_URL"])

    from portal import (askus, auth, config, connect, dashboard, demo, extensions, i18n, install, orders, outbox,
                        profile, signup, staff, webhooks)

    extensions.init_app(app)
    i18n.init_app(app)
    for module in (auth, dashboard, orders, webhooks, connect, demo, outbox, signup, install, config, profile, askus,
                   staff):
        app.register_blueprint(module.bp)
    return app
