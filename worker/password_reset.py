"""Forgotten passwords: an e-mailed link that works once and expires; the database keeps only its hash."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets as pysecrets

import sqlalchemy as sa
from sqlalchemy import orm

from worker import jobs, mail, onboarding
from worker.attempts import Limit
from worker.config import settings
from worker.i18n import gettext_for
from worker.models import PasswordReset, User
from worker.models.base import utcnow

WINDOW = 3600


def limits() -> tuple[Limit, Limit]:
    """Reset requests per account (username or e-mail typed) per hour, and per IP address like logins."""
    return (Limit("reset-account", settings.reset_limit_account, WINDOW),
            Limit("reset-ip", settings.login_limit_ip, settings.login_window_seconds))


def digest(token: str) -> str:
    """What we store of a token: its SHA-256 (the token has 256 random bits, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def users_for(session: orm.Session, login: str) -> list[User]:
    """Every login a username or e-mail address names (one e-mail may have several installations)."""
    login = login.strip().lower()
    return list(session.execute(sa.select(User).where(sa.or_(
        sa.func.lower(User.username) == login, User.email == login)).order_by(User.id).limit(10)).scalars())


def request_reset(session: orm.Session, login: str) -> int:
    """E-mail a reset link to each login ``login`` names (none when unknown); returns how many. Caller commits."""
    users = [user for user in users_for(session, login) if user.tenant.retired_at is None]
    for user in users:
        token = pysecrets.token_urlsafe(32)
        session.add(PasswordReset(user_id=user.id, token_hash=digest(token),
                                  expires_at=utcnow() + dt.timedelta(minutes=settings.reset_link_minutes)))
        _mail(session, user, f"{settings.public_url}/password/reset/{token}")
    if users:
        jobs.defer(session, "send_mail_now")  # a locked-out merchant should not wait for the five-minute round
    return len(users)


def _mail(session: orm.Session, user: User, url: str) -> None:
    tenant = user.tenant
    _ = gettext_for(tenant.language)
    body = "\n".join([
        _("Hello %(name)s,") % {"name": tenant.name},
        "",
        _("Someone asked to reset the Koppel password of %(username)s. Choose a new password here:")
        % {"username": user.username},
        f"  {url}",
        _("The link works once and for %(minutes)d minutes. Choosing a new password logs you out everywhere.")
        % {"minutes": settings.reset_link_minutes},
        _("If you did not ask for this, ignore this e-mail: your password stays as it is."),
        "",
        _("Licence key: %(key)s") % {"key": tenant.licence_key},
    ])
    mail.queue_email(session, tenant.id, [user.email], _("Koppel: choose a new password"), body, "password_reset")


def valid_reset(session: orm.Session, token: str) -> PasswordReset | None:
    """The unused, unexpired reset a link's token names, locked; None otherwise."""
    if not token or len(token) > 100:
        return None
    reset = session.execute(sa.select(PasswordReset).where(PasswordReset.token_hash == digest(token))
                            .with_for_update()).scalar()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset


def finish_reset(session: orm.Session, reset: PasswordReset, password: str) -> User:
    """Set the new password, use up every open link of the user and end all their sessions. Caller commits."""
    user = session.get(User, reset.user_id)
    onboarding.choose_password(user, password)
    session.execute(sa.update(PasswordReset).where(PasswordReset.user_id == user.id,
                                                   PasswordReset.used_at.is_(None)).values(used_at=utcnow()))
    return user
