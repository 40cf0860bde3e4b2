"""A refresh whose answer is lost leaves the connection needing a login: the merchant is e-mailed at once, once."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from tests.support.smtp import SmtpServer
from tests.support.waiting import wait_for
from tests.support.webhooks import an_order, delivery
from tests.test_exact_tokens import expire_our_token
from tests.test_webhook_intake import url_of
from worker import db
from worker.config import override
from worker.connectors.exact.sandbox import FaultRule
from worker.models import Connection, Order, OutboxEmail


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    monkeypatch.setenv("SSL_CERT_FILE", server.cert_path)  # we verify the server's certificate, as in production
    old = override(smtp_url=server.url)
    yield server
    override(**old)
    server.stop()


def errors() -> list[str]:
    with db.session_scope() as session:
        return session.execute(sa.select(Order.error_code).where(Order.state == "failed")).scalars().all()


def test_a_lost_refresh_answer_mails_the_merchant_once_right_away(sandboxes, web, worker, smtp):
    merchant = make_merchant(sandboxes)
    target_id = merchant["target"].id
    sandboxes.exact.clock.advance(601)
    expire_our_token(target_id)
    calls_before = sandboxes.exact.token_calls
    # Exact issues the new pair (spending our refresh token), then the answer never reaches us.
    sandboxes.exact.add_fault(FaultRule(method="POST", path="oauth2/token", mode="commit_then_hang",
                                        hang_seconds=8, count=1))
    client = web.test_client()
    for seed in (4101, 4102, 4103):
        body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(seed, status="paid"))
        assert client.post(url_of(merchant), data=body, headers=headers).status_code == 200
    wait_for(lambda: errors() == ["REAUTH_REQUIRED"] * 3, timeout=60, message="three orders waiting for a login")
    wait_for(lambda: smtp.received, timeout=20, message="the e-mail over SMTP")
    [sent] = smtp.received
    assert merchant["email"] in sent["To"] and "Exact Online" in sent["Subject"]
    assert says(sent.get_payload(), "Connect")
    with db.session_scope() as session:
        mails = session.execute(sa.select(OutboxEmail.kind, OutboxEmail.sent_at)).all()
        assert [kind for kind, _ in mails] == ["reauth"] and mails[0].sent_at is not None
        connection = session.get(Connection, target_id)
        assert connection.status == "error" and "Connect" in connection.status_reason
    # one pair issued (the lost one), then one "Old refresh token used"; later orders do not ask Exact again
    assert sandboxes.exact.token_calls == calls_before + 1
    sandboxes.exact.clear_faults()


def test_a_new_incident_after_connecting_again_mails_again(sandboxes, smtp):
    from worker import reauth
    from worker.connectors.exact import tokens

    merchant = make_merchant(sandboxes)
    for _ in range(2):
        for _ in range(3):  # every failing order of one incident
            with db.session_scope() as session:
                connection = session.get(Connection, merchant["target"].id, with_for_update=True)
                reauth.mark(session, connection, tokens.REAUTH_MESSAGE, "Exact Online")
        with db.session_scope() as session:
            tokens.store_first_tokens(session.get(Connection, merchant["target"].id), {"access_token": "a"})
    with db.session_scope() as session:
        kinds = session.execute(sa.select(OutboxEmail.kind)).scalars().all()
    assert kinds == ["reauth", "reauth"]
