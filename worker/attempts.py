"""Sign-in and sign-up attempts counted in Postgres, so rate limits hold across every web process.

A limit is a soft lockout: after ``limit`` attempts within ``window`` seconds for one key (an
account, an IP address, an e-mail address), further attempts are refused until the oldest of them
leaves the window. Callers check before doing anything expensive (argon2) and record before it, so
a flood of parallel requests is counted too.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math

import sqlalchemy as sa
from sqlalchemy import orm

from worker.config import settings
from worker.models import AuthAttempt
from worker.models.base import utcnow

MAX_KEY = 400
# An address an account logged in from successfully stays "known" this long: the account's lockout,
# which anyone can trigger, does not apply there (only that address's own limit does).
KNOWN_ADDRESS = dt.timedelta(days=30)
KNOWN_SCOPE = "login-known"


@dataclasses.dataclass(frozen=True)
class Limit:
    """At most ``limit`` attempts per key within ``window`` seconds, counted under ``scope``."""

    scope: str
    limit: int
    window: int


def login_limits() -> tuple[Limit, Limit]:
    """Failed logins per account and per IP address (settings)."""
    return (Limit("login-account", settings.login_limit_account, settings.login_window_seconds),
            Limit("login-ip", settings.login_limit_ip, settings.login_window_seconds))


def signup_limits() -> tuple[Limit, Limit]:
    """Sign-ups per IP address and per e-mail address (settings)."""
    return (Limit("signup-ip", settings.signup_limit_ip, settings.signup_window_seconds),
            Limit("signup-email", settings.signup_limit_email, settings.signup_window_seconds))


def retry_after(session: orm.Session, limit: Limit, key: str, now: dt.datetime | None = None) -> int | None:
    """Seconds until ``key`` may try again under ``limit``; None when it may try now."""
    now = now or utcnow()
    recent = session.execute(sa.select(AuthAttempt.created_at).where(
        AuthAttempt.scope == limit.scope, AuthAttempt.key == key[:MAX_KEY],
        AuthAttempt.created_at > now - dt.timedelta(seconds=limit.window))
        .order_by(AuthAttempt.created_at.desc()).limit(limit.limit)).scalars().all()
    if len(recent) < limit.limit:
        return None
    free_at = recent[-1] + dt.timedelta(seconds=limit.window)
    return max(1, math.ceil((free_at - now).total_seconds()))


def first_refusal(session: orm.Session, checks: list[tuple[Limit, str]]) -> int | None:
    """The longest wait any of ``checks`` (limit, key) imposes; None when all allow an attempt."""
    waits = [wait for limit, key in checks if (wait := retry_after(session, limit, key)) is not None]
    return max(waits) if waits else None


def record(session: orm.Session, checks: list[tuple[Limit, str]]) -> list[AuthAttempt]:
    """Count one attempt against each (limit, key), forgetting what left the window. Caller commits."""
    now, rows = utcnow(), []
    for limit, key in checks:
        session.execute(sa.delete(AuthAttempt).where(
            AuthAttempt.scope == limit.scope, AuthAttempt.key == key[:MAX_KEY],
            AuthAttempt.created_at <= now - dt.timedelta(seconds=limit.window)))
        rows.append(AuthAttempt(scope=limit.scope, key=key[:MAX_KEY], created_at=now))
    session.add_all(rows)
    return rows


def forget(session: orm.Session, limit: Limit, key: str) -> None:
    """Drop every counted attempt of ``key`` (after a successful login). Caller commits."""
    session.execute(sa.delete(AuthAttempt).where(AuthAttempt.scope == limit.scope, AuthAttempt.key == key[:MAX_KEY]))


def known_address(session: orm.Session, account: str, ip: str) -> bool:
    """True when ``account`` logged in successfully from ``ip`` within KNOWN_ADDRESS."""
    return session.execute(sa.select(AuthAttempt.id).where(
        AuthAttempt.scope == KNOWN_SCOPE, AuthAttempt.key == f"{account} {ip}"[:MAX_KEY],
        AuthAttempt.created_at > utcnow() - KNOWN_ADDRESS).limit(1)).first() is not None


def remember_address(session: orm.Session, account: str, ip: str) -> None:
    """Note a successful login of ``account`` from ``ip``. Caller commits."""
    key = f"{account} {ip}"[:MAX_KEY]
    session.execute(sa.delete(AuthAttempt).where(AuthAttempt.scope == KNOWN_SCOPE, AuthAttempt.key == key))
    session.add(AuthAttempt(scope=KNOWN_SCOPE, key=key, created_at=utcnow()))


def prune(session: orm.Session, now: dt.datetime | None = None) -> int:
    """Forget attempts older than every window, and known addresses past KNOWN_ADDRESS. Caller commits."""
    now = now or utcnow()
    longest = max(settings.login_window_seconds, settings.signup_window_seconds)
    result = session.execute(sa.delete(AuthAttempt).where(sa.or_(
        sa.and_(AuthAttempt.scope != KNOWN_SCOPE, AuthAttempt.created_at <= now - dt.timedelta(seconds=longest)),
        AuthAttempt.created_at <= now - KNOWN_ADDRESS)))
    return result.rowcount


def minutes(seconds: int) -> int:
    """Whole minutes to tell a person, never zero."""
    return max(1, math.ceil(seconds / 60))
