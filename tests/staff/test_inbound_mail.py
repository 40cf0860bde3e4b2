"""A merchant's e-mailed reply to a ticket mail, posted by the mail provider over HTTP, reopens the ticket."""
from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest
import requests
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from worker import config, db
from worker.models import OutboxEmail, Tenant, Ticket, TicketMessage

SECRET = "inbound-test-secret-0123456789abcdef"


@pytest.fixture
def inbound(web):
    """The inbound endpoint on the real socket, with its shared secret configured."""
    old = config.override(inbound_mail_secret=SECRET)
    yield f"{config.settings.public_url}/inbound/mail"
    config.override(**old)


def post(url: str, mail: dict | bytes, secret: str = SECRET) -> requests.Response:
    body = mail if isinstance(mail, bytes) else json.dumps(mail).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return requests.post(url, data=body, headers={"Content-Type": "application/json",
                                                  "X-Koppel-Signature": signature}, timeout=10)


def answered_ticket(app, merchant: dict) -> tuple[int, str]:
    """Ask us, and webcare's answer by e-mail (the ticket then waits); returns the ticket and the mail's subject."""
    client = app.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    client.post("/ask/", data={"subject": "Invoices", "question": "Where are my invoices?"})
    with db.session_scope() as session:
        ticket_id = session.execute(sa.select(Ticket.id)).scalar_one()
    staff, _ = staff_client(app)
    staff.post(f"/staff/tickets/{ticket_id}/reply", data={"body": "In Profile, under Invoices.", "then": "closed"})
    with db.session_scope() as session:
        subject = session.execute(sa.select(OutboxEmail.subject).where(OutboxEmail.kind == "ticket-reply")).scalar_one()
    return ticket_id, subject


def state_of(ticket_id: int) -> tuple[str, list[tuple[str, bool, str]]]:
    with db.session_scope() as session:
        ticket = session.get(Ticket, ticket_id)
        return ticket.status, [(m.author, m.from_staff, m.body) for m in ticket.messages]


def test_a_reply_to_the_answer_reopens_the_ticket_and_joins_its_thread(app, sandboxes, inbound):
    merchant = make_merchant(sandboxes)
    ticket_id, subject = answered_ticket(app, merchant)
    assert re.search(rf"\[T{ticket_id}-[0-9a-f]{{12}}\]$", subject) and state_of(ticket_id)[0] == "closed"
    mail = {"from": merchant["email"], "to": "support@koppel.test", "subject": f"Re: {subject}",
            "text": "I do not see them there.\n\nOn Tue, 1 Dec 2026 webcare wrote:\n> In Profile, under Invoices.",
            "message_id": "<reply-1@example.test>"}
    answer = post(inbound, mail)
    assert answer.status_code == 200 and answer.json() == {"status": "stored", "ticket": ticket_id}
    status, messages = state_of(ticket_id)
    assert status == "open" and messages[-1] == (merchant["email"], False, "I do not see them there.")
    assert post(inbound, mail).json()["status"] == "already stored"  # the provider posted it twice
    assert len(state_of(ticket_id)[1]) == 3

    staff, _ = staff_client(app)
    listed = staff.get("/staff/tickets").get_data(as_text=True)
    assert f'id="ticket-{ticket_id}"' in listed and "replied by e-mail" in listed
    thread = staff.get(f"/staff/tickets/{ticket_id}").get_data(as_text=True)
    assert "I do not see them there." in thread and "by e-mail" in thread
    with db.session_scope() as session:
        told = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "ticket",
                                                            OutboxEmail.subject.like("%replied by e-mail"))).scalar_one()
        key = session.get(Tenant, merchant["tenant_id"]).licence_key
    assert key in told.subject and told.recipients == [config.settings.webcare_email]


def test_a_per_ticket_address_works_as_well_as_the_subject(app, sandboxes, inbound):
    merchant = make_merchant(sandboxes)
    ticket_id, subject = answered_ticket(app, merchant)
    token = re.search(r"\[(T\d+-[0-9a-f]+)\]", subject).group(1)
    answer = post(inbound, {"from": merchant["email"], "to": f"support+{token}@koppel.test", "subject": "Invoices?",
                            "text": "Still nothing."})
    assert answer.status_code == 200 and state_of(ticket_id) == ("open", state_of(ticket_id)[1])
    assert state_of(ticket_id)[1][-1][2] == "Still nothing."


def test_bad_mail_is_refused_and_leaves_no_row(app, sandboxes, inbound):
    merchant = make_merchant(sandboxes)
    ticket_id, subject = answered_ticket(app, merchant)
    good = {"from": merchant["email"], "subject": f"Re: {subject}", "text": "Hello"}
    forged = re.sub(r"-[0-9a-f]{12}\]", "-000000000000]", subject)
    other = re.sub(r"\[T\d+-", "[T99999-", subject)
    cases = [
        (post(inbound, good, secret="not the secret"), 401),
        (requests.post(inbound, data=json.dumps(good), timeout=10), 401),  # unsigned
        (post(inbound, b"{not json"), 400),
        (post(inbound, b"[1, 2]"), 400),
        (post(inbound, {**good, "text": "> only the quoted mail"}), 400),
        (post(inbound, {**good, "from": "nobody"}), 400),
        (post(inbound, {**good, "subject": ["a list"]}), 400),
        (post(inbound, {**good, "text": "x" * 20_001}), 400),
        (post(inbound, {**good, "subject": "Re: no token at all"}), 404),
        (post(inbound, {**good, "subject": forged}), 404),  # a token of the right shape, not signed by us
        (post(inbound, {**good, "subject": other}), 404),  # another ticket's id with this ticket's mark
    ]
    assert [status for status, _ in ((r.status_code, r) for r, _ in cases)] == [want for _, want in cases]
    status, messages = state_of(ticket_id)
    assert status == "closed" and len(messages) == 2


def test_without_a_configured_secret_there_is_no_endpoint(web):
    url = f"{config.settings.public_url}/inbound/mail"
    assert requests.post(url, data=b"{}", timeout=10).status_code == 404
