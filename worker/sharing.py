"""One dedicated user per connection (manual 003): is another installation connected to the same shop or books?

Two installations reading one shop transfer its orders twice; two installations writing to one
administration through one login share that login's rights and rate limits. Both are allowed (a
merchant may run two shops into one administration) but the merchant is warned.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors
from worker.connectors.base import Target
from worker.i18n import N_
from worker.models import Connection

WARNINGS = {
    "source": N_("Another Koppel installation is connected to this same shop. Give each installation its own "
                 "dedicated user or API key in the shop, and make sure two installations do not transfer the "
                 "same orders twice."),
    "target": N_("Another Koppel installation is connected to this same accounting administration. Each "
                 "installation needs its own dedicated user in the accounting system; never use one login (or "
                 "an accountant's login) for two installations."),
}


def identity(connection: Connection) -> str | None:
    """What says which shop or administration ``connection`` reaches; None when it cannot be told (yet)."""
    cls = connectors.get(connection.system)
    if connection.status == "not_connected" or cls is None:
        return None
    if connection.role == "target":
        if cls.administration_key.__func__ is Target.administration_key.__func__ or not cls.is_ready(connection):
            return None  # the connector cannot tell administrations apart: never a false alarm
        return cls.administration_key(connection)
    values = [connection.settings.get(s.name) for s in cls.connect_fields() if not s.secret]
    return "|".join(str(v) for v in values) if values and all(values) else None


def _candidates(session: orm.Session, connection: Connection) -> list[Connection]:
    """Other tenants' connections of the same system and role, narrowed by the identifying settings."""
    cls = connectors.get(connection.system)
    names = ([cls.administration_setting.name] if connection.role == "target" and cls.administration_setting
             else [s.name for s in cls.connect_fields() if not s.secret] if connection.role == "source" else [])
    narrowed = {name: connection.settings.get(name) for name in names if connection.settings.get(name)}
    query = sa.select(Connection).where(
        Connection.system == connection.system, Connection.role == connection.role,
        Connection.tenant_id != connection.tenant_id, Connection.status != "not_connected")
    if narrowed:
        query = query.where(Connection.settings.contains(narrowed))  # JSONB @>, so an index can serve it
    return list(session.execute(query.limit(50)).scalars())


def shared(session: orm.Session, connection: Connection | None) -> bool:
    """Whether another installation reaches the same shop or administration as ``connection``."""
    here = identity(connection) if connection is not None else None
    if here is None:
        return False
    return any(identity(other) == here for other in _candidates(session, connection))


def warnings(session: orm.Session, connections: dict[str, Connection]) -> dict[str, str]:
    """The warning (untranslated, marked N_) for each role whose connection another installation shares."""
    return {role: WARNINGS[role] for role, connection in connections.items() if shared(session, connection)}
