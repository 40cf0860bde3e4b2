"""Merchants choose their own password through the installation link; none is e-mailed. Optional TOTP."""
from __future__ import annotations

import re
import time

import pyotp
import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from worker import db
from worker.models import OutboxEmail, User


def sign_up(client, email="eigen@example.com"):
    client.post("/signup/", data={"name": "Eigen Winkel", "email": email, "country": "NL", "terms": "y",
                                  "shop_system": "kmoshops", "accounting_system": "exact_online"})
    with db.session_scope() as session:
        mail = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "installation")).scalar_one()
    return mail, re.search(r"(/install/\S+)", mail.body).group(1)


def choose(client, url, password, confirm=None):
    return client.post(f"{url}/password", data={"password": password, "confirm": confirm or password})


def test_the_installation_e_mail_holds_no_password_and_nobody_can_log_in_before_choosing(client, database):
    mail, url = sign_up(client)
    assert "Password:" not in mail.body and "Wachtwoord:" not in mail.body
    assert says(mail.body, "The link first asks you to choose your password; we never send it by e-mail.")
    with db.session_scope() as session:
        user = session.execute(sa.select(User)).scalar_one()
        assert user.password_set_at is None
    assert client.get(url).headers["Location"].endswith(f"{url}/password")
    assert says(client.get(f"{url}/password").get_data(as_text=True), "Choose your password")


def test_a_short_common_or_breached_password_is_refused(client, database):
    _mail, url = sign_up(client)
    for weak in ("kort", "password1234", "qwertyuiop123", "eigen@example.com!!"):
        page = choose(client, url, weak)
        assert page.status_code == 200 and "field-error" in page.get_data(as_text=True), weak
    assert "field-error" in choose(client, url, "een lange zin van mij", "een andere zin").get_data(as_text=True)
    with db.session_scope() as session:
        assert session.execute(sa.select(User.password_set_at)).scalar_one() is None


def test_the_chosen_password_logs_in_and_the_link_then_needs_a_login(client, database):
    _mail, url = sign_up(client)
    chosen = choose(client, url, "fietsen verkopen in Gent")
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith(url)  # logged in, installing
    assert client.get(url).status_code == 200
    other = client.application.test_client()
    assert other.get(url).status_code == 302 and "/login" in other.get(url).headers["Location"]
    assert choose(other, url, "someone else's password").headers["Location"].endswith(url)  # not a second time
    assert other.post("/login", data={"username": "eigen@example.com",
                                      "password": "fietsen verkopen in Gent"}).status_code == 302


def enrol(client) -> str:
    page = client.get("/profile/two-factor").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page).group(1)
    done = client.post("/profile/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    return secret


def test_totp_once_enrolled_is_asked_after_the_password_and_each_code_works_once(client, database):
    merchant = make_merchant()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert client.post("/profile/two-factor", data={"code": "000000"}).status_code == 302  # nothing scanned yet
    secret = enrol(client)
    assert says(client.get("/profile/two-factor").get_data(as_text=True),
                "Two-factor login is on: after your password we ask for the code from your authenticator app.")
    client.post("/logout")

    fresh = client.application.test_client()
    step = fresh.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert step.headers["Location"] == "/login/code"
    assert fresh.get("/").status_code == 302  # not logged in yet
    assert fresh.post("/login/code", data={"code": "123456"}).status_code == 401
    next_code = pyotp.TOTP(secret).at(time.time() + 30)  # the enrolment used this step's code
    assert fresh.post("/login/code", data={"code": next_code}).headers["Location"] == "/"
    assert fresh.get("/").status_code == 200

    replay = client.application.test_client()
    replay.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert replay.post("/login/code", data={"code": next_code}).status_code == 401  # used once already
