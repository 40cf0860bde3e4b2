"""Outgoing e-mail through an outbox table: written in the caller's transaction, sent by a job.

With ``SMTP_URL`` set (``smtp://user:password@host:587``; ``smtps://`` for implicit TLS) the
``send_outbox`` job delivers; without it nothing leaves and the outbox page shows every message.
"""
from __future__ import annotations

import email.message
import smtplib
import urllib.parse

import sqlalchemy as sa
from sqlalchemy import orm

from worker import db
from worker.config import settings
from worker.models import OutboxEmail, Tenant
from worker.models.base import utcnow


def recipients_of(tenant: Tenant) -> list[str]:
    """The tenant's address, plus the extra address for messages when set (Profile tab)."""
    return [address for address in (tenant.email, tenant.extra_email) if address]


def queue_email(session: orm.Session, tenant_id: int | None, recipients: list[str], subject: str, body: str,
                kind: str) -> OutboxEmail:
    """Put an e-mail in the outbox; it is sent after the caller commits."""
    message = OutboxEmail(tenant_id=tenant_id, recipients=recipients, subject=subject, body=body, kind=kind)
    session.add(message)
    return message


def _smtp(url: str) -> smtplib.SMTP:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=settings.http_timeout)
    else:
        client = smtplib.SMTP(parts.hostname, parts.port or 587, timeout=settings.http_timeout)
        client.starttls()
    if parts.username:
        client.login(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
    return client


def send_outbox() -> int:
    """Send every unsent message over SMTP; returns how many went. Does nothing without SMTP_URL."""
    if not settings.smtp_url:
        return 0
    sent = 0
    with db.session_scope() as session, _smtp(settings.smtp_url) as client:
        pending = session.execute(sa.select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
                                  .with_for_update(skip_locked=True).limit(100)).scalars()
        for message in pending:
            mail = email.message.EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = settings.mail_from, ", ".join(message.recipients), message.subject
            mail.set_content(message.body)
            client.send_message(mail)
            message.sent_at = utcnow()
            sent += 1
    return sent
