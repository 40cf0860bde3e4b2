"""The payment provider's webhook for Koppel's own subscription invoices (not a shop: no signature)."""
from __future__ import annotations

from flask import Blueprint, request

from portal.extensions import csrf
from worker import billing
from worker.connectors.errors import RemoteError

bp = Blueprint("payment_webhook", __name__, url_prefix="/webhooks")


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
