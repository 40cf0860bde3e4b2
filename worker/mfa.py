"""Optional TOTP second factor for merchants (RFC 6238, 30 s steps, each code accepted once).

The secret is stored encrypted and bound to its user (worker.crypto, purpose "totp:<user id>").
"""
from __future__ import annotations

import time

import pyotp

from worker.crypto import decrypt_secrets, encrypt_secrets
from worker.models import User

ISSUER = "Koppel"


def purpose(user: User) -> str:
    """What the user's encrypted TOTP secret is bound to."""
    return f"totp:{user.id}"


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def seal(user: User, secret: str) -> str:
    """``secret`` encrypted for ``user`` (for the database, or the session during enrolment)."""
    return encrypt_secrets(user.tenant_id, purpose(user), {"secret": secret})


def unseal(user: User, sealed: str) -> str:
    """The secret that ``seal`` encrypted for ``user``."""
    return decrypt_secrets(user.tenant_id, purpose(user), sealed)["secret"]


def qr_svg(user: User, secret: str) -> str:
    """An inline SVG QR code of the otpauth:// URI an authenticator app scans."""
    import segno  # only while enrolling: not worth keeping in every process

    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4, omitsize=False)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code ``code`` is (this one or its neighbours, for clock drift); None if none."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp, now = pyotp.TOTP(secret), time.time() if now is None else now
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def verify(user: User, code: str) -> bool:
    """True, once per time step, when ``code`` is the user's current code; records the step. Caller commits."""
    if not user.totp_secret:
        return False
    step = matching_step(unseal(user, user.totp_secret), code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True
