"""Tickets: Report problem and Ask us in one inbox by merchant, answers by e-mail through the outbox, states."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from tests.support.webhooks import an_order, delivery
from worker import db, support
from worker.models import Order, OutboxEmail, Tenant, Ticket, TicketMessage


def merchant_client(app, merchant):
    client = app.test_client()
    client.post("/language/en")
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}
                       ).status_code == 302
    return client


def mails(kind: str) -> list[OutboxEmail]:
    with db.session_scope() as session:
        return session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == kind)
                               .order_by(OutboxEmail.id)).scalars().all()


def test_ask_us_makes_a_ticket_with_the_licence_key_attached_and_tells_webcare(app, database):
    merchant = make_merchant()
    client = merchant_client(app, merchant)
    assert "Ask us" in client.get("/").get_data(as_text=True)
    response = client.post("/ask/", data={"subject": "Order missing", "question": "KMO-12 of 3 May is not in Exact"})
    assert response.status_code == 302
    with db.session_scope() as session:
        ticket = session.execute(sa.select(Ticket)).scalar_one()
        key = session.get(Tenant, merchant["tenant_id"]).licence_key
        assert (ticket.kind, ticket.status, ticket.subject) == ("question", "open", "Order missing")
        assert ticket.snapshot["licence_key"] == key
        assert [m.body for m in ticket.messages] == ["KMO-12 of 3 May is not in Exact"]
    to_webcare = [m for m in mails("ticket") if key in m.subject]
    assert len(to_webcare) == 1 and "KMO-12 of 3 May" in to_webcare[0].body
    assert client.post("/ask/", data={"subject": "", "question": ""}).status_code == 200  # refused, shown again


def test_the_inbox_groups_tickets_by_merchant_and_shows_the_snapshot(app, database):
    a, b = make_merchant(), make_merchant()
    body, headers = delivery(a["shop"]["webhook_secret"], an_order(601, status="pending_payment"))
    app.test_client().post(f"/webhooks/kmoshops/{a['source'].webhook_token}", data=body, headers=headers)
    with db.session_scope() as session:
        order = session.execute(sa.select(Order).where(Order.tenant_id == a["tenant_id"])).scalar_one()
        problem = support.report_problem(session, order, a["email"]).id
        support.ask_us(session, session.get(Tenant, a["tenant_id"]), a["email"], "Invoices", "Where are they?")
        support.ask_us(session, session.get(Tenant, b["tenant_id"]), b["email"], "Trial", "Can it be longer?")
    client, _ = staff_client(app)
    inbox = client.get("/staff/tickets").get_data(as_text=True)
    assert inbox.count('class="ticket-group"') == 2 and inbox.count('id="ticket-') == 3
    page = client.get(f"/staff/tickets/{problem}").get_data(as_text=True)
    assert "KMO-2026-00601" in page and "&#34;payload&#34;" in page  # the frozen order, payload and all


def test_an_answer_goes_by_e_mail_through_the_outbox_and_the_ticket_waits_then_closes(app, database):
    merchant = make_merchant()
    with db.session_scope() as session:
        ticket = support.ask_us(session, session.get(Tenant, merchant["tenant_id"]), merchant["email"], "Hi", "Q?").id
    client, staff = staff_client(app)
    response = client.post(f"/staff/tickets/{ticket}/reply", data={"body": "Your order 12 is in Open.",
                                                                   "then": "waiting"})
    assert response.status_code == 302
    sent = mails("ticket-reply")
    assert len(sent) == 1 and sent[0].recipients == [merchant["email"]]
    assert "Your order 12 is in Open." in sent[0].body and staff["name"] in sent[0].body
    with db.session_scope() as session:
        assert session.get(Ticket, ticket).status == "waiting"
        replies = session.execute(sa.select(TicketMessage).where(TicketMessage.from_staff)).scalars().all()
        assert [r.author for r in replies] == [staff["name"]]
    client.post(f"/staff/tickets/{ticket}/state", data={"state": "closed"})
    assert client.get("/staff/tickets", query_string={"status": "closed"}).get_data(as_text=True).count(
        'id="ticket-') == 1
    assert client.post(f"/staff/tickets/{ticket}/reply", data={"body": "", "then": "closed"}).status_code == 302
    assert len(mails("ticket-reply")) == 1  # an empty answer sends nothing
