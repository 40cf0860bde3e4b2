"""The Visma eAccounting client against its sandbox over a real socket: OAuth, refresh, limits, failures."""
from __future__ import annotations

import concurrent.futures
import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from worker import config, db, secrets
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled
from worker.connectors.visma_eaccounting import VismaEAccountingTarget, oauth, tokens
from worker.connectors.visma_eaccounting.sandbox import FaultRule
from worker.models import Connection, RemoteCall

REDIRECT_PATH = "/connect/visma/callback"


def consent(url: str, username: str, password: str) -> str:
    """Log in on the identity server's page as the merchant would; returns the code it sends back."""
    http = requests.Session()
    page = http.get(url, timeout=10)
    form = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    answer = http.post(page.url, data={**form, "username": username, "password": password},
                       allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return parse_qs(urlparse(answer.headers["Location"]).query)["code"][0]


def connect_visma(sandboxes, **connection_settings) -> dict:
    """A merchant whose target is a Visma sandbox company, connected through the real OAuth flow."""
    merchant = make_merchant(sandboxes, connect_exact=False)
    username = f"visma-{merchant['tenant_id']}@example.test"
    company = sandboxes.visma.add_user(username, "pw")
    redirect_uri = settings.public_url + REDIRECT_PATH
    url, _, verifier = oauth.authorization_url(settings.visma_identity_url, redirect_uri)
    first = oauth.exchange_code(settings.visma_identity_url, redirect_uri, consent(url, username, "pw"), verifier)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.system, target.settings = "visma_eaccounting", dict(connection_settings)
        tokens.store_first_tokens(target, first)
    return {**merchant, "company": company, "target_id": merchant["target"].id}


def connection(target_id: int) -> Connection:
    with db.session_scope() as session:
        found = session.get(Connection, target_id)
        session.expunge(found)
        return found


def expire_our_token(target_id: int) -> None:
    """Make the stored access token due, as an hour passing would (move the sandbox clock too)."""
    with db.session_scope() as session:
        secrets.update(session.get(Connection, target_id), expires_at=time.time() - 1)


def test_the_oauth_flow_connects_and_calls_are_logged_without_the_token(sandboxes):
    merchant = connect_visma(sandboxes)
    target = connection(merchant["target_id"])
    assert target.status == "connected" and secrets.read(target)["refresh_token"]
    VismaEAccountingTarget.test_connection(target)
    reference = VismaEAccountingTarget.reference_data(target)
    assert {c["Code"] for c in reference["vat_codes"]} >= {"NL21", "NL9", "BE6", "ICP", "OSSDE19"}
    with db.session_scope() as session:
        calls = session.execute(sa.select(RemoteCall).where(RemoteCall.connection_id == target.id)).scalars().all()
        assert calls and all(secrets.read(target)["access_token"] not in str(c.__dict__) for c in calls)


def test_an_expired_token_is_refreshed_once_however_many_workers_need_it(sandboxes):
    merchant = connect_visma(sandboxes)
    old = secrets.read(connection(merchant["target_id"]))
    sandboxes.visma.clock.advance(3601)
    expire_our_token(merchant["target_id"])
    before = sandboxes.visma.token_calls
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        got = list(pool.map(lambda _: tokens.access_token(merchant["target_id"], settings.visma_identity_url),
                            range(10)))
    assert sandboxes.visma.token_calls == before + 1 and len(set(got)) == 1
    stored = secrets.read(connection(merchant["target_id"]))
    assert stored["refresh_token"] != old["refresh_token"] and stored["expires_at"] > time.time() + 3000
    VismaEAccountingTarget.test_connection(connection(merchant["target_id"]))
    with pytest.raises(ReauthRequired):  # the first refresh token was single-use
        oauth.refresh(settings.visma_identity_url, old["refresh_token"])


def test_a_refused_refresh_token_turns_the_dot_red_and_asks_to_connect_again(sandboxes):
    merchant = connect_visma(sandboxes)
    old = secrets.read(connection(merchant["target_id"]))["refresh_token"]
    oauth.refresh(settings.visma_identity_url, old)  # someone else used it
    sandboxes.visma.clock.advance(3601)
    expire_our_token(merchant["target_id"])
    with pytest.raises(ReauthRequired):
        VismaEAccountingTarget.test_connection(connection(merchant["target_id"]))
    target = connection(merchant["target_id"])
    assert target.status == "error" and "Connect" in target.status_reason


def test_a_failing_token_endpoint_is_a_passing_failure_that_keeps_the_connection(sandboxes):
    merchant = connect_visma(sandboxes)
    sandboxes.visma.clock.advance(3601)
    expire_our_token(merchant["target_id"])
    sandboxes.visma.add_fault(FaultRule("POST", "connect/token", status=503))
    with pytest.raises(RemoteUnavailable):
        VismaEAccountingTarget.test_connection(connection(merchant["target_id"]))
    assert connection(merchant["target_id"]).status == "connected"
    VismaEAccountingTarget.test_connection(connection(merchant["target_id"]))


def test_a_used_up_minute_is_throttled_and_later_calls_wait_without_asking(sandboxes):
    merchant = connect_visma(sandboxes)
    sandboxes.visma.limiter.limit = 2
    client = VismaEAccountingTarget.client(connection(merchant["target_id"]))
    client.get("units")
    client.get("units")
    with pytest.raises(Throttled) as caught:
        client.get("units")
    assert 50 < (caught.value.retry_at.timestamp() - time.time()) <= 61
    hits = len(sandboxes.visma.limiter.calls[(settings.visma_client_id, "units")])
    with pytest.raises(Throttled):
        client.get("units")
    assert len(sandboxes.visma.limiter.calls[(settings.visma_client_id, "units")]) == hits
    client.get("customers")  # another endpoint, another budget


def test_a_5xx_on_a_post_is_an_unknown_outcome_and_on_a_get_a_passing_failure(sandboxes):
    merchant = connect_visma(sandboxes)
    client = VismaEAccountingTarget.client(connection(merchant["target_id"]))
    sandboxes.visma.add_fault(FaultRule("POST", "customers", status=500))
    with pytest.raises(OutcomeUnknown):
        client.post("customers", {"Name": "X"})
    sandboxes.visma.add_fault(FaultRule("GET", "customers", status=503))
    with pytest.raises(RemoteUnavailable):
        client.get("customers")


def test_a_post_without_an_answer_is_an_unknown_outcome(sandboxes):
    merchant = connect_visma(sandboxes)
    client = VismaEAccountingTarget.client(connection(merchant["target_id"]))
    terms = client.get("termsofpayments")[0]["Id"]
    body = {"Name": "X", "InvoiceCity": "Gent", "InvoicePostalCode": "9000", "TermsOfPaymentId": terms,
            "IsPrivatePerson": True, "IsActive": True, "EmailAddress": "x@example.be"}
    sandboxes.visma.add_fault(FaultRule("POST", "customers", mode="commit_then_hang", hang_seconds=10))
    old = config.override(http_timeout=0.5)
    try:
        with pytest.raises(OutcomeUnknown):
            client.post("customers", body)
    finally:
        config.override(**old)
        sandboxes.visma.clear_faults()
    assert [c["Name"] for c in client.get("customers", {"$filter": "EmailAddress eq 'x@example.be'"})] == ["X"]


def test_a_refusal_carries_vismas_message(sandboxes):
    merchant = connect_visma(sandboxes)
    client = VismaEAccountingTarget.client(connection(merchant["target_id"]))
    with pytest.raises(RemoteRejected) as caught:
        client.post("customers", {"Name": "X", "IsPrivatePerson": True, "IsActive": True})
    assert caught.value.status == 400 and "InvoiceCity" in caught.value.message
    assert caught.value.body["ErrorCode"] == 2000
