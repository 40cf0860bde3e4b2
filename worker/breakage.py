"""A connection that broke after installation: marked red once per incident, with why, and the merchant e-mailed.

An incident starts when a working connection is refused (its key was changed or revoked, its
authorisation withdrawn) and ends when the merchant connects again, which turns it green. Every
failing call in between changes nothing and sends no mail. OAuth targets go through worker.reauth.
"""
from __future__ import annotations

import logging

from sqlalchemy import orm

from worker import connectors, db, jobs, mail
from worker.config import settings
from worker.connectors.errors import RemoteError, RemoteRejected
from worker.i18n import N_, gettext_for
from worker.models import Connection, Tenant

log = logging.getLogger(__name__)
# Refusals that mean "these credentials no longer work" (not a bad request or a passing outage).
REFUSED = (401, 403)
REFUSED_DETAILS = N_("The shop no longer accepts our connection details (its API key was changed or revoked), "
                     "so no orders are read. Change the connection details to connect again.")


def refused_credentials(exc: RemoteError) -> bool:
    """Whether a remote's answer says our stored credentials stopped working."""
    return isinstance(exc, RemoteRejected) and exc.status in REFUSED


def mark(session: orm.Session, connection: Connection, reason: str) -> bool:
    """Turn the connection red with ``reason`` (marked N_); at the start of an incident e-mail the merchant
    and send it now. Returns whether it mailed. Caller commits."""
    if connection.status == "error" and connection.status_reason == reason:
        return False
    was_working = connection.status == "connected"
    connection.status, connection.status_reason = "error", reason
    if not was_working:
        return False  # never connected, or broken already for another reason: the merchant knows
    broken_details(session, session.get(Tenant, connection.tenant_id), connection, reason)
    jobs.defer(session, "send_mail_now")
    return True


def source_refused(source_id: int, exc: RemoteError) -> bool:
    """After a shop call failed: when the shop refused our credentials, mark the connection. Returns whether it did."""
    if not refused_credentials(exc):
        return False
    with db.session_scope() as session:
        connection = session.get(Connection, source_id, with_for_update=True)
        mailed = mark(session, connection, REFUSED_DETAILS)
    log.warning("shop connection %s refused our credentials: %s", source_id, exc)
    return mailed


def broken_details(session: orm.Session, tenant: Tenant, connection: Connection, reason: str) -> None:
    """The e-mail for a key connection that stopped working: what broke and where to change the details."""
    _ = gettext_for(tenant.language)
    system = connectors.get(connection.system).name
    body = "\n".join([
        _("Hello %(name)s,") % {"name": tenant.name},
        "",
        _("The connection with %(system)s stopped working:") % {"system": system},
        f"  {_(reason)}",
        _("New orders are kept and go through by themselves once the connection works again."),
        "",
        _("Change the connection details here: %(url)s") % {"url": f"{settings.public_url}/install/{tenant.install_token}"},
        _("Licence key: %(key)s") % {"key": tenant.licence_key},
    ])
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     _("Koppel: the connection with %(system)s stopped working") % {"system": system}, body,
                     "connection_broken")
