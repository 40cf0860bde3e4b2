"""Locked out: a reset link by e-mail (single use, expiring, same answer for unknown addresses) and a
password change in Profile that needs the current password; both log out every other session."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from worker import db
from worker.models import OutboxEmail, PasswordReset

NEW = "zeven blauwe fietsen in Gent"


def logged_in(client, merchant) -> None:
    answer = client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert answer.status_code == 302 and "/login" not in answer.headers["Location"]


def is_logged_in(client) -> bool:
    return client.get("/profile/").status_code == 200


def reset_mails() -> list[OutboxEmail]:
    with db.session_scope() as session:
        rows = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "password_reset")
                               .order_by(OutboxEmail.id)).scalars().all()
        session.expunge_all()
        return rows


def link_in(mail: OutboxEmail) -> str:
    return re.search(r"https?://\S+(/password/reset/\S+)", mail.body).group(1)


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address_and_only_the_known_one_gets_mail(client,
                                                                                                     database):
    merchant = make_merchant()
    known = client.post("/password/forgot", data={"login": merchant["email"]})
    unknown = client.post("/password/forgot", data={"login": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200
    page = known.get_data(as_text=True)
    assert page.replace(merchant["email"], "X") == unknown.get_data(as_text=True).replace("nobody@example.test", "X")
    assert says(page, "If %(login)s belongs to a Koppel login, a link to choose a new password is on its way. "
                      "It works once, for a limited time.", login=merchant["email"])
    [mail] = reset_mails()
    assert mail.recipients == [merchant["email"]]
    assert says(mail.body, "If you did not ask for this, ignore this e-mail: your password stays as it is.")
    token = link_in(mail).rsplit("/", 1)[1]
    with db.session_scope() as session:
        stored = session.execute(sa.select(PasswordReset.token_hash)).scalar_one()
    assert token not in stored and len(stored) == 64  # only a hash of the token is kept


def test_the_link_sets_a_new_password_once_and_logs_out_every_session(client, app, database):
    merchant = make_merchant()
    elsewhere = app.test_client()
    logged_in(elsewhere, merchant)
    client.post("/password/forgot", data={"login": merchant["email"]})
    link = link_in(reset_mails()[0])
    assert says(client.get(link).get_data(as_text=True), "Choose a new password")
    weak = client.post(link, data={"password": "kort", "confirm": "kort"})
    assert weak.status_code == 200 and "field-error" in weak.get_data(as_text=True)
    done = client.post(link, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    assert not is_logged_in(elsewhere)
    old = app.test_client().post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert old.status_code == 401
    logged_in(app.test_client(), {**merchant, "password": NEW})
    again = client.post(link, data={"password": "nog een ander wachtwoord", "confirm": "nog een ander wachtwoord"})
    assert again.status_code == 410
    assert says(again.get_data(as_text=True), "This link has been used or has expired. Ask for a new one.")


def test_an_expired_link_does_nothing(client, database):
    merchant = make_merchant()
    client.post("/password/forgot", data={"login": merchant["email"]})
    link = link_in(reset_mails()[0])
    with db.session_scope() as session:
        session.execute(sa.update(PasswordReset).values(
            expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    assert client.get(link).status_code == 410
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 410
    logged_in(client, merchant)  # the old password still works


def test_reset_requests_are_rate_limited_per_account(client, database):
    merchant = make_merchant()
    answers = [client.post("/password/forgot", data={"login": merchant["email"]}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert len(reset_mails()) == 3


def test_changing_the_password_needs_the_current_one_and_ends_the_other_sessions(client, app, database):
    merchant = make_merchant()
    elsewhere = app.test_client()
    logged_in(elsewhere, merchant)
    logged_in(client, merchant)
    assert says(client.get("/profile/").get_data(as_text=True), "Change your password")
    wrong = client.post("/profile/password", data={"current": "niet mijn wachtwoord", "password": NEW,
                                                   "confirm": NEW})
    assert wrong.status_code == 400 and says(wrong.get_data(as_text=True), "That is not your current password.")
    assert is_logged_in(elsewhere)
    weak = client.post("/profile/password", data={"current": merchant["password"], "password": "password1234",
                                                  "confirm": "password1234"})
    assert weak.status_code == 200 and "field-error" in weak.get_data(as_text=True)
    done = client.post("/profile/password", data={"current": merchant["password"], "password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert is_logged_in(client) and not is_logged_in(elsewhere)
    logged_in(app.test_client(), {**merchant, "password": NEW})
