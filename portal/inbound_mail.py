"""The mail provider's inbound webhook: a merchant's reply to a ticket mail, posted as signed JSON.

No login and no CSRF: the HMAC-SHA256 of the raw body under KOPPEL_INBOUND_MAIL_SECRET, hex in the
X-Koppel-Signature header, is the authentication. The body is one JSON object: ``from``, ``to``,
``subject``, ``text`` (the plain-text part) and ``message_id`` (optional; a mail posted twice is
stored once). Without the secret configured the endpoint does not exist (404).
"""
from __future__ import annotations

import hashlib
import hmac
import json

import sqlalchemy.exc
from flask import Blueprint, abort, request

from portal.extensions import csrf, get_session
from worker.config import settings
from worker.staff import ticket_mail

bp = Blueprint("inbound_mail", __name__, url_prefix="/inbound")

MAX_REQUEST = 256 * 1024
FIELDS = {"from": 320, "to": 1000, "subject": 1000, "text": ticket_mail.MAX_BODY * 5, "message_id": 300}


@bp.route("/mail", methods=["POST"])
@csrf.exempt
def receive_mail():
    """Store a merchant's e-mailed reply on its ticket and open the ticket again."""
    if not settings.inbound_mail_secret:
        abort(404)
    if (request.content_length or 0) > MAX_REQUEST:
        abort(413)
    request.max_content_length = MAX_REQUEST
    body = request.get_data(cache=False)
    if not signed(body, request.headers.get("X-Koppel-Signature", "")):
        return {"status": "bad signature"}, 401
    mail, problem = parse(body)
    if problem:
        return {"status": problem}, 400
    try:
        ticket_id = ticket_mail.ticket_id_in(mail.get("to", ""), mail.get("subject", ""))
        stored = ticket_mail.add_reply(get_session(), ticket_id, mail["from"], mail["reply"], mail.get("message_id"))
        get_session().commit()
    except ticket_mail.UnknownTicket:
        get_session().rollback()
        return {"status": "no such ticket"}, 404
    except sqlalchemy.exc.IntegrityError:  # the same Message-ID posted twice at once
        get_session().rollback()
        stored = False
    return {"status": "stored" if stored else "already stored", "ticket": ticket_id}, 200


def signed(body: bytes, signature: str) -> bool:
    """Whether ``signature`` is the hex HMAC-SHA256 of ``body`` under the shared secret."""
    expected = hmac.new(settings.inbound_mail_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().removeprefix("sha256=").lower()[:128])


def parse(body: bytes) -> tuple[dict, str | None]:
    """The mail's fields and the reply text without the quoted thread, or why it cannot be taken."""
    try:
        mail = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return {}, "not JSON"
    if not isinstance(mail, dict):
        return {}, "not a JSON object"
    for name, longest in FIELDS.items():
        value = mail.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > longest or "\x00" in value):
            return {}, f"{name} must be text of at most {longest} characters"
    if "@" not in (mail.get("from") or ""):
        return {}, "from must be an e-mail address"
    reply = ticket_mail.new_text(mail.get("text") or "")
    if not reply:
        return {}, "the reply is empty"
    if len(reply) > ticket_mail.MAX_BODY:
        return {}, f"the reply is longer than {ticket_mail.MAX_BODY} characters"
    return {**mail, "reply": reply}, None
