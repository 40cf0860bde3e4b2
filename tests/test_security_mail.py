"""Each e-mail is sent and committed on its own over real SMTP: one refused message is retried later
with back-off and neither blocks nor repeats the others; header values cannot be split by CR/LF."""
from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.support.merchants import make_merchant
from tests.support.network import free_port
from worker import config, db, mail, support
from worker.models import Order, OutboxEmail, Tenant


class Mailbox:
    """An SMTP server's handler that keeps what it accepted and refuses one recipient with 550."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.refuse = "refused@example.com"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp(database):
    """A real SMTP server on a local socket, and SMTP_URL pointing at it."""
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = config.override(smtp_url=f"smtp://127.0.0.1:{port}")
    yield mailbox
    config.override(**old)
    controller.stop()


def report_with_evil_name(merchant) -> None:
    """A merchant whose name holds CR/LF reports a problem: the ticket e-mail names them in its subject."""
    with db.session_scope() as session:
        session.get(Tenant, merchant["tenant_id"]).name = "Evil\r\nBcc: spy@evil.example\r\n\r\nInjected"
        order = Order(tenant_id=merchant["tenant_id"], connection_id=merchant["source"].id, shop_order_id="1",
                      number="1001", shop_status="paid", payload={}, state="failed")
        session.add(order)
        session.flush()
        support.report_problem(session, order, merchant["email"])


def queue(subject: str, to: str) -> int:
    with db.session_scope() as session:
        message = mail.queue_email(session, None, [to], subject, "Hello", "test")
        session.flush()
        return message.id


def test_one_refused_message_is_retried_later_and_the_rest_go_once(smtp):
    merchant = make_merchant()
    first = queue("First", "one@example.com")
    report_with_evil_name(merchant)
    refused = queue("Refused", smtp.refuse)
    last = queue("Last", "two@example.com")
    assert mail.send_outbox() == 4
    subjects = [m["Subject"] for m in smtp.received]
    assert subjects[0] == "First" and subjects[-1] == "Last" and len(subjects) == 4
    ticket = next(m for m in smtp.received if m["Subject"].startswith("Ticket"))
    assert "Evil Bcc: spy@evil.example Injected" in ticket["Subject"] and ticket["Bcc"] is None
    with db.session_scope() as session:
        failed = session.get(OutboxEmail, refused)
        assert failed.sent_at is None and failed.attempts == 1 and "550" in failed.last_error
        assert failed.next_attempt_at > dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
        assert session.get(OutboxEmail, first).sent_at and session.get(OutboxEmail, last).sent_at

    assert mail.send_outbox() == 0 and len(smtp.received) == 4  # nothing sent twice, the refused one waits
    smtp.refuse = None
    with db.session_scope() as session:
        session.get(OutboxEmail, refused).next_attempt_at = dt.datetime.now(dt.timezone.utc)
    assert mail.send_outbox() == 1 and smtp.received[-1]["Subject"] == "Refused"


def test_the_wait_grows_with_each_failure():
    message = OutboxEmail(attempts=0)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    waits = []
    for _ in range(7):
        mail.failed(message, OSError("down"), now)
        waits.append((message.next_attempt_at - now).total_seconds())
    assert waits == sorted(waits) and waits[0] == 60 and waits[-1] == waits[-2] == 21600
