"""Webhook endpoints of the shops (no login, no CSRF: the signature is the authentication)."""
from __future__ import annotations

from flask import Blueprint, abort, request

from portal.extensions import csrf
from worker import billing, inbox
from worker.connectors.errors import RemoteError

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.route("/<system>/<token>", methods=["POST"])
@csrf.exempt
def receive(system: str, token: str):
    """Receive one shop delivery: verify, store and queue, then answer."""
    if (request.content_length or 0) > inbox.MAX_BODY:
        abort(413)
    request.max_content_length = inbox.MAX_BODY  # also caps bodies sent without a length
    # Read the raw bytes before anything parses them: the signature is over exactly these.
    body = request.get_data(cache=False)
    status, text = inbox.receive(system, token, request.headers, body)
    return {"status": text}, status


@bp.route("/mollie", methods=["POST"])
@csrf.exempt
def receive_mollie():
    """Mollie says a payment changed; its webhook has no signature, so we ask Mollie for the payment."""
    payment_id = request.form.get("id", "")
    if not payment_id.startswith("tr_") or len(payment_id) > 40:
        return {"status": "unknown payment"}, 400
    try:
        billing.payment_changed(payment_id)
    except RemoteError:
        return {"status": "try again"}, 503  # Mollie retries the webhook later
    return {"status": "ok"}, 200
