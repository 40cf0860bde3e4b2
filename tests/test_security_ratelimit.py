"""Wrong logins and sign-ups are limited per account, per IP and per e-mail, in Postgres, before argon2."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import create_app
from tests.support.language import both_plural
from tests.support.merchants import make_merchant
from worker import attempts, config, db
from worker.models import AuthAttempt, Tenant


def too_many(minutes: int) -> tuple[str, str]:
    return both_plural("Too many attempts; try again in %(num)d minute.", "Too many attempts; try again in %(num)d minutes.",
                       minutes)


@pytest.fixture
def small_limits():
    """Limits small enough to reach in a test (settings, as in production)."""
    old = config.override(login_limit_account=3, login_limit_ip=5, login_window_seconds=900,
                          signup_limit_ip=3, signup_limit_email=2, signup_window_seconds=3600)
    yield
    config.override(**old)


def login(client, username, password, ip="127.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_an_account_is_locked_softly_after_wrong_passwords_even_for_the_right_one(client, database, small_limits):
    merchant = make_merchant()
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):  # from three addresses: the account counts
        assert login(client, merchant["email"], "wrong password!", ip).status_code == 401
    refused = login(client, merchant["email"], merchant["password"], "10.0.0.4")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 800
    assert any(version in text for version in too_many(15))
    # Soft: once the attempts leave the window the merchant logs in again.
    with db.session_scope() as session:
        session.execute(sa.update(AuthAttempt).values(created_at=AuthAttempt.created_at - sa.text("interval '16 min'")))
    assert login(client, merchant["email"], merchant["password"], "10.0.0.4").status_code == 302


def test_an_attacker_cannot_lock_a_merchant_out_of_the_address_they_use(client, database, small_limits):
    merchant = make_merchant()
    assert login(client, merchant["email"], merchant["password"], "10.5.5.5").status_code == 302  # the shop
    for _ in range(4):
        login(client, merchant["email"], "wrong password!", "203.0.113.9")  # someone else, elsewhere
    assert login(client, merchant["email"], merchant["password"], "203.0.113.10").status_code == 429
    assert login(client, merchant["email"], merchant["password"], "10.5.5.5").status_code == 302


def test_one_address_trying_many_accounts_is_limited_but_others_are_not(client, database, small_limits):
    merchant = make_merchant()
    for n in range(5):
        assert login(client, f"guess{n}@example.test", "wrong password!", "10.9.9.9").status_code == 401
    assert login(client, merchant["email"], merchant["password"], "10.9.9.9").status_code == 429
    assert login(client, merchant["email"], merchant["password"], "10.1.1.1").status_code == 302


def test_the_count_is_shared_by_every_web_process(database, small_limits):
    merchant = make_merchant()
    first = create_app({"TESTING": True, "DATABASE_URL": database, "WTF_CSRF_ENABLED": False}).test_client()
    second = create_app({"TESTING": True, "DATABASE_URL": database, "WTF_CSRF_ENABLED": False}).test_client()
    for client in (first, second, first):
        login(client, merchant["email"], "wrong password!")
    assert login(second, merchant["email"], merchant["password"]).status_code == 429


def test_a_successful_login_clears_the_accounts_count(client, database, small_limits):
    merchant = make_merchant()
    login(client, merchant["email"], "wrong password!")
    login(client, merchant["email"], "wrong password!")
    assert login(client, merchant["email"], merchant["password"]).status_code == 302
    for _ in range(2):
        assert login(client, merchant["email"], "wrong password!").status_code == 401
    assert login(client, merchant["email"], merchant["password"]).status_code == 302


def sign_up(client, email, ip):
    return client.post("/signup/", data={"name": "Winkel", "email": email, "country": "NL", "terms": "y",
                                         "shop_system": "kmoshops", "accounting_system": "exact_online"},
                       environ_base={"REMOTE_ADDR": ip})


def test_sign_ups_are_limited_per_e_mail_address_and_per_ip(client, database, small_limits):
    assert sign_up(client, "victim@example.com", "10.0.0.1").status_code == 302
    assert sign_up(client, "victim@example.com", "10.0.0.2").status_code == 302
    refused = sign_up(client, "Victim@example.com", "10.0.0.3")
    assert refused.status_code == 429 and any(version in refused.get_data(as_text=True) for version in too_many(60))
    assert sign_up(client, "other1@example.com", "10.0.0.1").status_code == 302
    assert sign_up(client, "other2@example.com", "10.0.0.1").status_code == 302
    assert sign_up(client, "other3@example.com", "10.0.0.1").status_code == 429  # a fourth from 10.0.0.1
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Tenant)).scalar_one() == 4


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(database, small_limits):
    merchant = make_merchant()
    direct = create_app({"TESTING": True, "DATABASE_URL": database, "WTF_CSRF_ENABLED": False}).test_client()
    for n in range(5):  # forging X-Forwarded-For does not give a direct client fresh addresses
        direct.post("/login", data={"username": f"guess{n}@example.test", "password": "wrong password!"},
                    headers={"X-Forwarded-For": f"10.0.0.{n}"})
    assert login(direct, merchant["email"], merchant["password"]).status_code == 429

    old = config.override(trusted_proxies=1)
    try:
        proxied = create_app({"TESTING": True, "DATABASE_URL": database, "WTF_CSRF_ENABLED": False}).test_client()
    finally:
        config.override(**old)
    answer = proxied.post("/login", data={"username": merchant["email"], "password": merchant["password"]},
                          headers={"X-Forwarded-For": "192.0.2.7"})
    assert answer.status_code == 302  # the proxy says who the client is


def test_old_attempts_are_pruned_and_recent_ones_and_known_addresses_kept(database, small_limits):
    limit = attempts.Limit("login-account", 3, 900)
    with db.session_scope() as session:
        attempts.record(session, [(limit, "old@example.test"), (limit, "new@example.test")])
        attempts.remember_address(session, "old@example.test", "10.0.0.1")
    with db.session_scope() as session:
        session.execute(sa.update(AuthAttempt).where(AuthAttempt.key != "new@example.test")
                        .values(created_at=AuthAttempt.created_at - sa.text("interval '2 days'")))
        assert attempts.prune(session) == 1
    with db.session_scope() as session:
        assert sorted(session.execute(sa.select(AuthAttempt.key)).scalars()) == [
            "new@example.test", "old@example.test 10.0.0.1"]
