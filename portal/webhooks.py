"""Webhook endpoints of the shops (no login, no CSRF: the signature is the authentication)."""
from __future__ import annotations

from flask import Blueprint, abort, request

from portal.extensions import csrf
from worker import inbox

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
