"""Exact tokens: one refresh however many workers need one, stored encrypted and bound to the tenant."""
from __future__ import annotations

import concurrent.futures
import time

import pytest
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from worker import db, secrets
from worker.connectors.errors import ReauthRequired
from worker.connectors.exact import tokens
from worker.config import settings
from worker.crypto import SecretBindingError
from worker.models import Connection


def expire_our_token(connection_id: int) -> None:
    """Make the stored access token due, as 600 s passing would (the sandbox clock moves too)."""
    with db.session_scope() as session:
        connection = session.get(Connection, connection_id)
        values = secrets.read(connection)
        secrets.update(connection, expires_at=time.time() - 1, issued_at=values["issued_at"] - 601)


def test_twenty_workers_needing_a_token_at_once_cause_one_refresh(sandboxes):
    merchant = make_merchant(sandboxes)
    target_id = merchant["target"].id
    sandboxes.exact.clock.advance(601)
    expire_our_token(target_id)
    before = sandboxes.exact.token_calls
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        got = list(pool.map(lambda _: tokens.access_token(target_id, settings.exact_base_url), range(20)))
    assert sandboxes.exact.token_calls == before + 1
    assert len(set(got)) == 1
    with db.session_scope() as session:
        stored = secrets.read(session.get(Connection, target_id))
    assert stored["access_token"] == got[0] and stored["expires_at"] > time.time() + 500


def test_a_refused_refresh_turns_the_dot_red_and_asks_to_connect_again(sandboxes):
    merchant = make_merchant(sandboxes)
    target_id = merchant["target"].id
    with db.session_scope() as session:
        connection = session.get(Connection, target_id)
        secrets.update(connection, refresh_token="used-up", expires_at=time.time() - 1)
    sandboxes.exact.clock.advance(601)
    with pytest.raises(ReauthRequired):
        tokens.access_token(target_id, settings.exact_base_url)
    with db.session_scope() as session:
        connection = session.get(Connection, target_id)
        assert connection.status == "error" and "Connect" in connection.status_reason


def test_tokens_are_not_in_the_database_in_plain_text(sandboxes):
    merchant = make_merchant(sandboxes)
    with db.session_scope() as session:
        values = secrets.read(session.get(Connection, merchant["target"].id))
    with db.engine().connect() as conn:
        dump = " ".join(str(row) for row in conn.execute(sa.text("SELECT * FROM connections")))
        jobs = " ".join(str(row) for row in conn.execute(sa.text("SELECT args FROM procrastinate_jobs")))
    for secret in (values["access_token"], values["refresh_token"], merchant["shop"]["webhook_secret"]):
        assert secret not in dump and secret not in jobs


def test_a_secret_copied_into_another_tenants_row_is_refused(database):
    a, b = make_merchant(), make_merchant()
    with db.session_scope() as session:
        source_a = session.get(Connection, a["source"].id)
        source_b = session.get(Connection, b["source"].id)
        source_b.secrets = source_a.secrets
    with db.session_scope() as session:
        with pytest.raises(SecretBindingError):
            secrets.read(session.get(Connection, b["source"].id))
