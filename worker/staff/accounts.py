"""Staff accounts: created from the command line, argon2 passwords, a TOTP second factor."""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time

import pyotp
import sqlalchemy as sa
from sqlalchemy import orm

from worker.crypto import decrypt_secrets, encrypt_secrets
from worker.models import StaffUser
from worker.models.base import utcnow
from worker.models.staff import STAFF_ROLES
from worker.passwords import check_password, hash_password
from worker.staff import audit

ISSUER = "Koppel webcare"
STAFF_TENANT = 0  # staff secrets belong to no tenant; crypto binds them to "tenant 0" and their own purpose
MIN_PASSWORD = 12
MAX_FAILURES = 5
LOCK_TIME = dt.timedelta(minutes=15)


def add_staff(session: orm.Session, email: str, name: str, role: str, password: str) -> StaffUser:
    """A new staff account; its TOTP is enrolled at the first login."""
    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password needs at least {MIN_PASSWORD} characters")
    staff = StaffUser(email=email.strip().lower(), name=name.strip(), role=role, password_hash=hash_password(password))
    session.add(staff)
    session.flush()
    return staff


def authenticate(session: orm.Session, email: str, password: str) -> StaffUser | None:
    """The active, unlocked staff member with this e-mail and password (one argon2 check either way)."""
    staff = session.execute(sa.select(StaffUser).where(StaffUser.email == email.strip().lower())).scalar()
    ok = check_password(staff.password_hash if staff else None, password)
    if staff is None or staff.disabled_at is not None or is_locked(staff):
        return None
    return staff if note_attempt(staff, ok) else None


def is_locked(staff: StaffUser) -> bool:
    """True while the account is locked after too many wrong passwords or codes."""
    return staff.locked_until is not None and staff.locked_until > utcnow()


def note_attempt(staff: StaffUser, ok: bool) -> bool:
    """Count a wrong password or code (five in a row lock the account for a while); a right one resets."""
    if ok:
        staff.failed_logins = 0
        return True
    staff.failed_logins = (staff.failed_logins or 0) + 1
    if staff.failed_logins >= MAX_FAILURES:
        staff.failed_logins, staff.locked_until = 0, utcnow() + LOCK_TIME
    return False


def _purpose(staff: StaffUser) -> str:
    return f"staff-totp:{staff.id}"


def totp_secret(staff: StaffUser) -> str | None:
    """The staff member's TOTP secret, decrypted."""
    return decrypt_secrets(STAFF_TENANT, _purpose(staff), staff.totp_secret).get("secret")


def start_enrolment(staff: StaffUser) -> str:
    """A TOTP secret for an account that has not confirmed one yet (kept until it is confirmed)."""
    if staff.totp_confirmed_at is not None:
        raise ValueError("TOTP is already enrolled")
    secret = totp_secret(staff)
    if not secret:
        secret = pyotp.random_base32()
        staff.totp_secret = encrypt_secrets(STAFF_TENANT, _purpose(staff), {"secret": secret})
    return secret


def provisioning_qr(staff: StaffUser, secret: str) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (the page's CSP allows data: images)."""
    import segno  # only while enrolling: not worth keeping in every process

    uri = pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=5)


def check_code(staff: StaffUser, code: str, now: float | None = None) -> bool:
    """True for a current code (one step of clock drift either way) not used before; records its step."""
    secret = totp_secret(staff)
    code = "".join(code.split())
    if not secret or not code.isdigit():
        return False
    totp, now = pyotp.TOTP(secret), time.time() if now is None else now
    step = int(now // totp.interval)
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            if staff.totp_last_step is not None and candidate <= staff.totp_last_step:
                return False  # replayed: a code (or an older one) was accepted already
            staff.totp_last_step = candidate
            return True
    return False


def confirm_enrolment(staff: StaffUser, code: str) -> bool:
    """Confirm the enrolment with a first code from the authenticator."""
    if staff.totp_confirmed_at is None and check_code(staff, code):
        staff.totp_confirmed_at = utcnow()
        return True
    return False


def change(session: orm.Session, admin: StaffUser, staff: StaffUser, what: str) -> None:
    """An admin disables, enables, resets the TOTP of, or changes the role of another staff account."""
    if staff.id == admin.id:
        raise ValueError("not on your own account")
    if what == "disable":
        staff.disabled_at, staff.session_token = utcnow(), secrets.token_hex(16)
    elif what == "enable":
        staff.disabled_at = staff.locked_until = None
    elif what == "reset-totp":  # a lost phone: the next login enrols a new authenticator
        staff.totp_secret = staff.totp_confirmed_at = staff.totp_last_step = None
        staff.session_token = secrets.token_hex(16)
    elif what in ("support", "admin"):
        staff.role = what
    else:
        raise ValueError(f"unknown change {what!r}")
    audit.record(session, admin, None, "staff_" + what.replace("-", "_"), account=staff.email)


def all_staff(session: orm.Session) -> list[StaffUser]:
    """Every staff account, by name."""
    return list(session.execute(sa.select(StaffUser).order_by(StaffUser.name, StaffUser.id)).scalars())
