"""A Mollie stand-in over real HTTP: Payments API v2 under /v2 and a test-mode checkout page under /checkout.

Paths are relative and every link is built from ``request.host_url`` + ``request.script_root``, so the app
works mounted at /mollie by the dev launcher. Behaviour not in Mollie's docs is marked inferred.
"""
from __future__ import annotations

import json

from flask import Flask, Response, redirect, request
from markupsafe import escape

from worker.connectors.mollie.api_rules import ApiProblem, validate_create
from worker.connectors.mollie.sandbox_state import OUTCOMES, MollieState, PaymentNotOpen

HAL = "application/hal+json"
UNAUTHORIZED = ApiProblem(401, "Unauthorized Request", "Missing authentication, or failed to authenticate")


def create_sandbox(state: MollieState | None = None) -> Flask:
    """The Flask app answering like Mollie; ``state`` is shared with tests and the dev launcher."""
    app = Flask(__name__)
    app.config["MOLLIE_STATE"] = state = state if state is not None else MollieState()

    @app.post("/v2/payments")
    def create_payment():
        return _answer(lambda mode: _create(state, mode), state)

    @app.get("/v2/payments/<payment_id>")
    def get_payment(payment_id):
        return _answer(lambda mode: (_found(state, payment_id), 200), state)

    @app.get("/checkout/<payment_id>")
    def checkout(payment_id):
        return _checkout_page(state.get(payment_id))

    @app.post("/checkout/<payment_id>")
    def checkout_submit(payment_id):
        return _checkout_submit(state, payment_id, request.form.get("status"))

    @app.errorhandler(404)
    @app.errorhandler(405)
    def not_routed(error):
        # The API answers unknown paths and methods in its own error shape, not with HTML.
        return _json(ApiProblem(error.code, error.name, error.description).body(), error.code)

    return app


def _answer(handler, state: MollieState) -> Response:
    mode = state.mode_for(request.headers.get("Authorization"))
    try:
        if mode is None:
            raise UNAUTHORIZED  # verified: 401 with this title and detail for a missing or wrong key
        body, status = handler(mode)
    except ApiProblem as problem:
        return _json(problem.body(), problem.status)
    return _json(body, status)


def _create(state: MollieState, mode: str) -> tuple[dict, int]:
    if not request.is_json:
        # Inferred from the docs' status table: 415 "Please always use JSON" (the live API also takes forms).
        raise ApiProblem(415, "Unsupported Media Type", "The request body must be JSON")
    body = request.get_json(silent=True)
    if body is None:
        raise ApiProblem(400, "Bad Request", "The request body is not valid JSON")
    fields = validate_create(body, local_webhooks=state.local_webhooks)
    root = request.host_url.rstrip("/") + request.script_root
    key = request.headers.get("Idempotency-Key")
    return state.create(fields, mode, root, f"{mode}:{key}" if key else None), 201


def _found(state: MollieState, payment_id: str) -> dict:
    payment = state.get(payment_id)
    if payment is None:
        # Verified wording of the live API's 404 for an unknown payment.
        raise ApiProblem(404, "Not Found", f"No payment exists with token {payment_id}.")
    return payment


def _json(body: dict, status: int) -> Response:
    return Response(json.dumps(body), status=status, mimetype=HAL)


def _checkout_submit(state: MollieState, payment_id: str, outcome: str | None) -> Response:
    if state.get(payment_id) is None:
        return _page("Payment not found", "<p>There is no payment with this id.</p>", 404)
    if outcome not in OUTCOMES:
        return _page("Choose a status", "<p>Pick one of the statuses and press Continue.</p>", 400)
    try:
        payment = state.pay(payment_id, outcome)
    except PaymentNotOpen:
        return _processed(409)
    return redirect(payment["redirectUrl"], code=302)


def _checkout_page(payment: dict | None) -> Response:
    if payment is None:
        return _page("Payment not found", "<p>There is no payment with this id.</p>", 404)
    if payment["status"] != "open":
        return _processed(200)
    amount = payment["amount"]
    options = "\n".join(
        f'<p><label><input type="radio" name="status" value="{o}"{" checked" if o == "paid" else ""}> '
        f"{o.capitalize()}</label></p>" for o in OUTCOMES)
    body = (f"<p>Test mode: choose the payment's status.</p>"
            f'<p class="amount">{escape(amount["currency"])} {escape(amount["value"])}</p>'
            f'<p class="description">{escape(payment["description"])}</p>'
            f'<form method="post">{options}<p><button type="submit">Continue</button></p></form>')
    return _page("Mollie test mode", body, 200)


def _processed(status: int) -> Response:
    return _page("Payment processed", "<p>This payment has already been processed.</p>", status)


def _page(title: str, body: str, status: int) -> Response:
    html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"</head><body><h1>{escape(title)}</h1>{body}</body></html>")
    return Response(html, status=status, mimetype="text/html")
