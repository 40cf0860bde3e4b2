"""Koppel's web process: the merchant portal, webhook endpoints and OAuth callbacks."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

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
    app.config["DEMO_ENABLED"] = app.config["DEMO_ENABLED"] and not settings.is_production
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    db.configure(app.config["DATABASE_URL"])
    _register(app)
    return app


def _register(app: Flask) -> None:
    from portal import (askus, auth, config, connect, dashboard, deliveries, demo, errors, export, extensions,
                        headers, hints, i18n, inbound_mail, install, journals, mfa, orderlines, orders, outbox,
                        passwords, payment_webhook, payroll, polling, profile, signup, staff, webhooks)

    extensions.init_app(app)
    headers.init_app(app)
    webhooks.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    orderlines.init_app(app)
    for module in (auth, mfa, dashboard, export, orders, deliveries, connect, demo, signup, install, config,
                   profile, passwords, hints, askus, staff, inbound_mail, polling, payroll, payment_webhook, journals):
        app.register_blueprint(module.bp)
    # The outbox shows every tenant's e-mail without a login: it does not exist in production.
    if app.config["DEMO_ENABLED"]:
        app.register_blueprint(outbox.bp)
