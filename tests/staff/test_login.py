"""Staff login: CLI-made accounts, argon2, TOTP enrolment with a QR code, codes used once, own cookie, idle timeout."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import itsdangerous
import sqlalchemy as sa

from portal.staff import session as staff_session
from tests.support.merchants import make_merchant
from tests.support.staff import PASSWORD, code, log_in, make_staff, staff_client
from worker import db
from worker.models import AuditEntry, StaffUser


def run_cli(database, *args, password: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worker.cli", "staff-add", *args], input=password + "\n",
                          capture_output=True, text=True, env={**os.environ, "DATABASE_URL": database},
                          timeout=60)


def test_staff_add_on_the_command_line_stores_an_argon2_hash_and_refuses_short_passwords(database):
    done = run_cli(database, "--email", "Anna@Koppel.test", "--name", "Anna", "--role", "admin", password=PASSWORD)
    assert done.returncode == 0, done.stderr
    short = run_cli(database, "--email", "bob@koppel.test", "--name", "Bob", password="short")
    twice = run_cli(database, "--email", "anna@koppel.test", "--name", "Anna", password=PASSWORD)
    assert short.returncode != 0 and twice.returncode != 0
    with db.session_scope() as session:
        rows = session.execute(sa.select(StaffUser)).scalars().all()
        assert [(s.email, s.role, s.totp_confirmed_at) for s in rows] == [("anna@koppel.test", "admin", None)]
        assert rows[0].password_hash.startswith("$argon2id$")


def test_first_login_enrols_totp_with_a_qr_code_and_nothing_opens_before_it(client, database):
    staff = make_staff("support")
    assert client.post("/staff/login", data={"email": staff["email"], "password": staff["password"]}).status_code == 302
    assert client.get("/staff/").headers["Location"].endswith("/staff/login/code")  # password alone opens nothing
    page = client.get("/staff/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and 'id="totp-secret"' in page
    assert client.post("/staff/login/enrol", data={"code": "000000"}).status_code == 200
    assert client.get("/staff/").status_code == 302
    staff["secret"] = page.split('id="totp-secret">')[1].split("<")[0]
    assert client.post("/staff/login/enrol", data={"code": code(staff)}).status_code == 302
    assert client.get("/staff/").status_code == 200


def test_a_code_is_accepted_once_and_a_wrong_password_gets_nowhere(app, database):
    staff = make_staff()
    log_in(app.test_client(), staff)
    again = app.test_client()
    again.post("/staff/login", data={"email": staff["email"], "password": staff["password"]})
    assert again.post("/staff/login/code", data={"code": code(staff)}).status_code == 401  # replayed
    assert again.post("/staff/login/code", data={"code": code(staff, 1)}).status_code == 302
    wrong = app.test_client()
    assert wrong.post("/staff/login", data={"email": staff["email"], "password": "nope"}).status_code == 401
    assert wrong.get_cookie(staff_session.COOKIE, path="/staff") is None


def _resign(app, client, seconds_ago: int) -> None:
    raw = client.get_cookie(staff_session.COOKIE, path="/staff").value
    data = itsdangerous.URLSafeTimedSerializer(app.secret_key, salt=staff_session.SALT).loads(raw)

    class Signed(itsdangerous.TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - seconds_ago

    cookie = itsdangerous.URLSafeTimedSerializer(app.secret_key, salt=staff_session.SALT, signer=Signed).dumps(data)
    client.set_cookie(staff_session.COOKIE, cookie, path="/staff")


def test_the_session_ends_after_thirty_idle_minutes(app, database):
    client, staff = app.test_client(), make_staff()
    log_in(client, staff)
    _resign(app, client, 29 * 60)
    assert client.get("/staff/").status_code == 200  # 29 minutes idle: still in, and the clock restarts
    _resign(app, client, 31 * 60)
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")


def test_logout_rotates_the_token_so_a_copied_cookie_stops_working(app, database):
    client, staff = app.test_client(), make_staff()
    log_in(client, staff)
    cookie = client.get_cookie(staff_session.COOKIE, path="/staff").value
    assert client.post("/staff/logout").status_code == 302
    client.set_cookie(staff_session.COOKIE, cookie, path="/staff")
    assert client.get("/staff/").status_code == 302


def test_a_staff_login_ends_a_merchant_session_in_the_same_browser_and_never_opens_merchant_pages(app, database):
    merchant, client = make_merchant(), app.test_client()
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}
                       ).status_code == 302
    assert client.get("/").status_code == 200
    log_in(client, make_staff("admin"))
    assert client.get("/staff/").status_code == 200
    for url in ("/", "/profile/", "/config/", "/ask/"):
        assert client.get(url).headers["Location"].startswith("/login"), url


def test_a_disabled_account_is_refused_even_with_a_live_cookie(app, database):
    client, staff = app.test_client(), make_staff()
    log_in(client, staff)
    with db.session_scope() as session:
        session.get(StaffUser, staff["id"]).disabled_at = sa.func.now()
    assert client.get("/staff/").status_code == 302


def test_an_admin_resets_a_lost_authenticator_and_disables_an_account(app, database):
    admin_client, admin = staff_client(app, "admin")
    agent_client, agent = app.test_client(), make_staff()
    log_in(agent_client, agent)
    assert admin_client.post(f"/staff/accounts/{agent['id']}/reset-totp").status_code == 302
    assert agent_client.get("/staff/").status_code == 302  # the old session ended with the old authenticator
    agent["secret"] = None
    log_in(agent_client, agent)  # enrols a new one
    admin_client.post(f"/staff/accounts/{agent['id']}/disable")
    assert agent_client.get("/staff/").status_code == 302
    assert app.test_client().post("/staff/login", data={"email": agent["email"], "password": PASSWORD}
                                  ).status_code == 401
    admin_client.post(f"/staff/accounts/{admin['id']}/disable")  # not on one's own account
    assert admin_client.get("/staff/accounts").status_code == 200
    with db.session_scope() as session:
        actions = session.execute(sa.select(AuditEntry.action).where(AuditEntry.staff_id == admin["id"])
                                  .order_by(AuditEntry.id)).scalars().all()
    assert actions == ["staff_enrolled", "staff_reset_totp", "staff_disable"]


def test_five_wrong_passwords_or_codes_lock_the_account_until_an_admin_enables_it(app, database):
    staff = make_staff()
    log_in(app.test_client(), staff)
    guesser = app.test_client()
    for _ in range(5):
        assert guesser.post("/staff/login", data={"email": staff["email"], "password": "guess"}).status_code == 401
    locked = guesser.post("/staff/login", data={"email": staff["email"], "password": PASSWORD})
    assert locked.status_code == 401  # the right password, but locked
    admin_client, _ = staff_client(app, "admin")
    admin_client.post(f"/staff/accounts/{staff['id']}/enable")
    thief = app.test_client()  # has the password, not the phone
    assert thief.post("/staff/login", data={"email": staff["email"], "password": PASSWORD}).status_code == 302
    for _ in range(4):
        assert thief.post("/staff/login/code", data={"code": "123456"}).status_code == 401
    assert thief.post("/staff/login/code", data={"code": "654321"}).headers["Location"].endswith("/staff/login")
    assert thief.post("/staff/login", data={"email": staff["email"], "password": PASSWORD}).status_code == 401
