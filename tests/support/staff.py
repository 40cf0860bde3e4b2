"""Webcare staff for tests: accounts made the way the CLI makes them, logged in through the real TOTP steps."""
from __future__ import annotations

import itertools
import re
import time

import pyotp

from worker import db
from worker.staff import accounts

_numbers = itertools.count(1)
PASSWORD = "staff password 2026!"


def make_staff(role: str = "support") -> dict:
    """A staff account (TOTP not enrolled yet)."""
    n = next(_numbers)
    email, name = f"staff{n}@koppel.test", f"Agent {n} ({role})"
    with db.session_scope() as session:
        staff_id = accounts.add_staff(session, email, name, role, PASSWORD).id
    return {"id": staff_id, "email": email, "name": name, "role": role, "password": PASSWORD, "secret": None}


def code(staff: dict, steps_ahead: int = 0) -> str:
    """A TOTP code; ``steps_ahead`` gives the next ones (accepted within one step of drift), for a second login."""
    return pyotp.TOTP(staff["secret"]).at(time.time() + 30 * steps_ahead)


def log_in(client, staff: dict, steps_ahead: int = 0):
    """Password, then enrolment (first time, reading the key off the page) or a code; returns the last response."""
    response = client.post("/staff/login", data={"email": staff["email"], "password": staff["password"]})
    assert response.status_code == 302, response.status_code
    if staff["secret"] is None:
        page = client.get("/staff/login/enrol").get_data(as_text=True)
        staff["secret"] = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
        response = client.post("/staff/login/enrol", data={"code": code(staff)})
    else:
        response = client.post("/staff/login/code", data={"code": code(staff, steps_ahead)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/"), response.status_code
    return response


def staff_client(app, role: str = "support") -> tuple[object, dict]:
    """A test client logged in as a new staff member of ``role``."""
    client, staff = app.test_client(), make_staff(role)
    log_in(client, staff)
    return client, staff
