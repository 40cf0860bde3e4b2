"""The sources a batch of deliveries names, kept between batches while their rows do not change (issue 15).

Loading a source, its tenant and the tenant's target connection through the ORM was a third of a
batch's time, for rows that change rarely (a merchant saves settings, pays, connects). Each batch
asks Postgres for the row versions (``xmin``) of the three rows behind every token it names, one
small query without the ORM, and loads again only the tokens whose rows changed; the others are
the objects loaded before, attached to the batch's session, so intake decides on them exactly as on
objects just loaded. Every update of a row gives it a new ``xmin``, whoever makes it, so a batch
never decides on a stale row.

One batch at a time uses the kept objects (``worker.inbox.leader``); a second caller at the same
moment loads its own. A batch that fails leaves nothing kept: its rollback expired what it had.
"""
from __future__ import annotations

import collections

import sqlalchemy as sa
from sqlalchemy import orm

from worker import db
from worker.inbox import alone
from worker.models import Connection

_LOAD = alone.SOURCES.where(Connection.webhook_token.in_(sa.bindparam("tokens", expanding=True)))
_VERSIONS = (
    "SELECT s.system, s.webhook_token, concat_ws('/', s.xmin, t.xmin, g.id, g.xmin) "
    "FROM connections AS s JOIN tenants AS t ON t.id = s.tenant_id "
    "LEFT JOIN connections AS g ON g.tenant_id = s.tenant_id AND g.role = 'target' "
    "WHERE s.webhook_token = ANY(%s)")


class KeptSources:
    """(source, tenant, target) per (system, webhook token), each with the row versions it was loaded at."""

    def __init__(self, size: int = 512) -> None:
        self.size = size  # merchants whose objects are kept; the least recently used go first
        self.loads = 0  # tokens loaded through the ORM (the tests check that unchanged rows are not)
        self._kept: collections.OrderedDict[tuple[str, str], tuple[str, tuple]] = collections.OrderedDict()

    def clear(self) -> None:
        """Forget every kept object (after a failed batch, whose rollback expired them)."""
        self._kept.clear()

    def found(self, session: orm.Session, tokens: list[str]) -> dict[tuple[str, str], tuple]:
        """(source, tenant, target) of each known token, in ``session``: kept ones attached, changed ones loaded."""
        rows = db.psycopg_connection(session).execute(_VERSIONS, [tokens]).fetchall()
        versions = {(system, token): version for system, token, version in rows}
        changed = sorted({key[1] for key, version in versions.items() if self._kept.get(key, ("",))[0] != version})
        found = load(session, changed) if changed else {}
        for key, objects in found.items():
            if key in versions:
                self._keep(key, versions[key], objects)
        for key in versions.keys() - found.keys():
            found[key] = self._attach(session, key)
        return found

    def _keep(self, key: tuple[str, str], version: str, objects: tuple) -> None:
        self.loads += 1
        self._kept[key] = (version, objects)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def _attach(self, session: orm.Session, key: tuple[str, str]) -> tuple:
        self._kept.move_to_end(key)
        objects = self._kept[key][1]
        for instance in objects:
            if instance is not None:
                session.add(instance)  # detached since the last batch's session closed: no SQL
        return objects


def load(session: orm.Session, tokens: list[str]) -> dict[tuple[str, str], tuple]:
    """(source, tenant, target) of each token, loaded through the ORM in ``session``."""
    rows = session.execute(_LOAD, {"tokens": tokens}).all()
    return {(source.system, source.webhook_token): (source, tenant, target) for source, tenant, target in rows}
