"""Connecting a merchant's systems for them (admins), for any connector.

OAuth connectors need the merchant's own login in the other system, so webcare e-mails the merchant
a link to the portal's connect step instead. Connectors connected with a key ("key" connect kind:
the settings marked ``asked``) can be connected by webcare with the details the merchant gave them,
exactly as the merchant's connect form does: the credentials are tested first, then ``connect``.
Both are audit-logged; secrets never go into the audit entry.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, mail
from worker.config import settings
from worker.i18n import gettext_for
from worker.models import Connection, StaffUser, Tenant
from worker.staff import audit
from worker.staff.install import consent

MAX_VALUE = 500


def connection_of(session: orm.Session, tenant: Tenant, role: str) -> Connection:
    """The tenant's connection of ``role``; LookupError when there is none."""
    connection = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant.id,
                                                             Connection.role == role)).scalar()
    if connection is None or connection.system not in connectors.REGISTRY:
        raise LookupError(f"no {role} connection")
    return connection


def connect_link(tenant: Tenant) -> str:
    """The portal's connect step for this merchant: their installation page (it asks them to log in first)."""
    return f"{settings.public_url}/install/{tenant.install_token}"


def send_connect_link(session: orm.Session, staff: StaffUser, tenant: Tenant, role: str) -> str:
    """E-mail the merchant, in their language, a link to connect the system of ``role``; returns the system's name."""
    name = connectors.get(connection_of(session, tenant, role).system).name
    _ = gettext_for(tenant.language)
    values = {"name": tenant.name, "system": name}
    body = "\n".join([_("Hello %(name)s,") % values, "",
                      _("Webcare asks you to connect %(system)s to Koppel. Open this link, log in to Koppel and "
                        "press Connect: %(system)s then asks for your own login there, which only you can give.")
                      % values, "", f"  {connect_link(tenant)}", "",
                      _("Licence key: %(key)s") % {"key": tenant.licence_key}])
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant), _("Connect %(system)s to Koppel") % values,
                     body, "connect-link")
    audit.record(session, staff, tenant.id, "send_connect_link", role=role, system=name)
    return name


def key_fields(connection: Connection) -> tuple:
    """The settings a "key" connector's connect form asks for; empty for OAuth connectors."""
    cls = connectors.get(connection.system)
    return cls.connect_fields() if cls.connect_kind == "key" else ()


def connect_with_key(session: orm.Session, staff: StaffUser, tenant: Tenant, role: str, form: dict) -> str:
    """Test the merchant's details and connect the system of ``role`` with them; returns the system's name.

    ValueError for a missing field or an OAuth connector, PermissionError without the merchant's
    consent on record, RemoteError when the other system refuses (nothing is stored then).
    """
    if consent(session, tenant) is None:
        raise PermissionError("record the merchant's consent first")
    connection = connection_of(session, tenant, role)
    cls, fields = connectors.get(connection.system), key_fields(connection)
    if not fields:
        raise ValueError(f"{cls.name} connects with the merchant's own login; send them the connect link")
    values = {f.name: str(form.get(f.name, "")).strip()[:MAX_VALUE] for f in fields}
    missing = [f.label for f in fields if f.required and not values[f.name]]
    if missing:
        raise ValueError(f"fill in {', '.join(missing)}")
    cls.test_credentials(values)
    cls.connect(connection, values)
    audit.record(session, staff, tenant.id, "connect_on_behalf", role=role, system=cls.name,
                 details={f.name: values[f.name] for f in fields if not f.secret})
    return cls.name
