"""Outgoing e-mail through an outbox table: written in the caller's transaction, sent by a job.

With ``SMTP_URL`` set (``smtp://user:password@host:587`` with STARTTLS, ``smtps://`` for implicit
TLS; a loopback relay may go without TLS) the ``send_outbox`` job delivers; without it nothing
leaves and the outbox page shows every message. Each message is sent and committed on its own: one
the server refuses is retried later with back-off and never holds up or repeats the others.
"""
from __future__ import annotations

import datetime as dt
import email.message
import logging
import re
import smtplib
import ssl
import urllib.parse

import sqlalchemy as sa
from sqlalchemy import orm

from worker import db
from worker.config import LOOPBACK_HOSTS, settings
from worker.models import OutboxEmail, Tenant
from worker.models.base import utcnow

log = logging.getLogger(__name__)
BATCH = 100
MAX_SUBJECT = 300
# Seconds before the next try after 1, 2, 3, ... failures; the last value repeats.
BACKOFF = (60, 300, 1800, 7200, 21600)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def recipients_of(tenant: Tenant) -> list[str]:
    """The tenant's address, plus the extra address for messages when set (Profile tab)."""
    return [address for address in (tenant.email, tenant.extra_email) if address]


def header_value(value: str) -> str:
    """One line for a mail header: CR, LF and other control characters become single spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())


def queue_email(session: orm.Session, tenant_id: int | None, recipients: list[str], subject: str, body: str,
                kind: str) -> OutboxEmail:
    """Put an e-mail in the outbox; it is sent after the caller commits."""
    message = OutboxEmail(tenant_id=tenant_id, recipients=[header_value(r) for r in recipients],
                          subject=header_value(subject)[:MAX_SUBJECT], body=body.replace("\x00", ""), kind=kind)
    session.add(message)
    return message


def _smtp(url: str) -> smtplib.SMTP:
    parts, context = urllib.parse.urlsplit(url), ssl.create_default_context()
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=settings.http_timeout, context=context)
    else:
        client = smtplib.SMTP(parts.hostname, parts.port or 587, timeout=settings.http_timeout)
        client.ehlo()
        if client.has_extn("starttls") or parts.hostname not in LOOPBACK_HOSTS:
            client.starttls(context=context)
    if parts.username:
        client.login(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
    return client


def build(message: OutboxEmail) -> email.message.EmailMessage:
    """The MIME message for an outbox row, every header value on one line."""
    mail = email.message.EmailMessage()
    mail["From"] = header_value(settings.mail_from)
    mail["To"] = ", ".join(header_value(r) for r in message.recipients)
    mail["Subject"] = header_value(message.subject)
    mail.set_content(message.body)
    return mail


def due_ids(now: dt.datetime) -> list[int]:
    """Unsent messages whose next try has come, oldest first."""
    with db.session_scope() as session:
        return list(session.execute(sa.select(OutboxEmail.id).where(
            OutboxEmail.sent_at.is_(None),
            sa.or_(OutboxEmail.next_attempt_at.is_(None), OutboxEmail.next_attempt_at <= now))
            .order_by(OutboxEmail.id).limit(BATCH)).scalars())


def failed(message: OutboxEmail, error: Exception, now: dt.datetime) -> None:
    """Record a failed delivery and when to try again."""
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.next_attempt_at = now + dt.timedelta(seconds=BACKOFF[min(message.attempts, len(BACKOFF)) - 1])
    log.warning("e-mail %s not sent (attempt %s): %s", message.id, message.attempts, message.last_error)


def send_one(client: smtplib.SMTP, message_id: int) -> bool:
    """Send one message in its own transaction; True when it went. A dropped connection is raised."""
    with db.session_scope() as session:
        message = session.execute(sa.select(OutboxEmail).where(OutboxEmail.id == message_id,
                                  OutboxEmail.sent_at.is_(None)).with_for_update(skip_locked=True)).scalar()
        if message is None:
            return False
        try:
            client.send_message(build(message))
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, ValueError, UnicodeError) as exc:
            failed(message, exc, utcnow())  # this message's fault: the next one goes on
            return False
        except OSError as exc:  # the connection is gone (SMTPServerDisconnected is an OSError too)
            failed(message, exc, utcnow())
            session.commit()
            raise
        message.sent_at = utcnow()
        return True


def send_outbox() -> int:
    """Send every due message over SMTP; returns how many went. Does nothing without SMTP_URL."""
    if not settings.smtp_url:
        return 0
    ids = due_ids(utcnow())
    if not ids:
        return 0
    sent = 0
    with _smtp(settings.smtp_url) as client:
        for message_id in ids:
            sent += send_one(client, message_id)
    return sent
