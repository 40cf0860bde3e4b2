"""The mirror tables: what is known per connection, what is complete, what a creation left in doubt."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from worker import db
from worker.mirror import Row, normal

KNOWN = sa.text("""
    SELECT DISTINCT ON (key) key, remote_id FROM mirror_records
    WHERE connection_id = :c AND kind = :k AND key = ANY(:keys)
    ORDER BY key, remote_id IS NULL, id""")
UPSERT = sa.text("""
    INSERT INTO mirror_records (connection_id, kind, key, remote_id, modified, details)
    VALUES (:c, :k, :key, :rid, :m, CAST(:d AS jsonb))
    ON CONFLICT (connection_id, kind, remote_id) DO UPDATE
    SET key = EXCLUDED.key, modified = EXCLUDED.modified, seen_at = now(),
        details = COALESCE(EXCLUDED.details, mirror_records.details)""")


def known(connection_id: int, kind: str, keys: list[str]) -> tuple[dict[str, str], set[str]]:
    """(remote id by normalised key, keys whose only row is a creation in doubt) for ``keys``.

    Where the administration holds two records with one key, the first one mirrored answers.
    """
    with db.session_scope() as session:
        return _known(session, connection_id, kind, keys)


def _known(session, connection_id: int, kind: str, keys: list[str]) -> tuple[dict[str, str], set[str]]:
    wanted = sorted({normal(key) for key in keys})
    rows = session.execute(KNOWN, {"c": connection_id, "k": kind, "keys": wanted}).all()
    found = {key: remote_id for key, remote_id in rows if remote_id}
    return found, {key for key, remote_id in rows if not remote_id}


def complete_and_known(connection_id: int, kind: str, administration: str,
                       keys: list[str]) -> tuple[bool, dict[str, str], set[str]]:
    """``complete`` and then ``known``, in one transaction (one order reads both for each kind)."""
    with db.session_scope() as session:
        return (_complete(session, connection_id, kind, administration),
                *_known(session, connection_id, kind, keys))


def complete(connection_id: int, kind: str, administration: str) -> bool:
    """Whether the mirror of ``kind`` has been read whole once (a key it lacks is then not in the administration).

    A mirror of another administration than ``administration`` (the connection was moved to another
    one) is emptied first, so nothing of it is ever used.
    """
    with db.session_scope() as session:
        return _complete(session, connection_id, kind, administration)


STATE = sa.text("SELECT administration, complete_at FROM mirror_states WHERE connection_id = :c AND kind = :k "
                "FOR UPDATE")


def _complete(session, connection_id: int, kind: str, administration: str) -> bool:
    key = {"c": connection_id, "k": kind}
    row = session.execute(STATE, key).first()
    if row is None:  # the first time only: the row is made, then read (and locked) as any other time
        session.execute(sa.text("INSERT INTO mirror_states (connection_id, kind, administration) VALUES (:c, :k, :a) "
                                "ON CONFLICT DO NOTHING"), {**key, "a": administration})
        row = session.execute(STATE, key).one()
    if row.administration == administration:
        return row.complete_at is not None
    session.execute(sa.text("DELETE FROM mirror_records WHERE connection_id = :c AND kind = :k"),
                    {"c": connection_id, "k": kind})
    session.execute(sa.text("UPDATE mirror_states SET administration = :a, complete_at = NULL, resume = NULL, "
                            "watermark = NULL, synced_at = NULL WHERE connection_id = :c AND kind = :k"),
                    {"c": connection_id, "k": kind, "a": administration})
    return False


def remember(connection_id: int, kind: str, rows: list[Row]) -> None:
    """Store or update records read or created (by remote id); a key's creation in doubt is settled."""
    if not rows:
        return
    with db.session_scope() as session:
        session.execute(UPSERT, [{"c": connection_id, "k": kind, "key": normal(row.key), "rid": row.remote_id,
                                  "m": row.modified, "d": None if row.details is None else json.dumps(row.details)}
                                 for row in rows if row.key])
        session.execute(sa.text("DELETE FROM mirror_records WHERE connection_id = :c AND kind = :k "
                                "AND remote_id IS NULL AND key = ANY(:keys)"),
                        {"c": connection_id, "k": kind, "keys": [normal(row.key) for row in rows]})


def details(connection_id: int, kind: str, remote_id: str) -> dict | None:
    """What the target keeps of one mirrored record besides its key (None when unknown)."""
    with db.session_scope() as session:
        return session.execute(sa.text("SELECT details FROM mirror_records WHERE connection_id = :c AND kind = :k "
                                       "AND remote_id = :rid"), {"c": connection_id, "k": kind, "rid": remote_id}
                               ).scalar()


def creating(connection_id: int, kind: str, key: str) -> None:
    """Note a creation about to be sent: if its answer is lost, the next attempt looks the key up first."""
    with db.session_scope() as session:
        session.execute(sa.text("INSERT INTO mirror_records (connection_id, kind, key) VALUES (:c, :k, :key)"),
                        {"c": connection_id, "k": kind, "key": normal(key)})


def not_created(connection_id: int, kind: str, key: str) -> None:
    """The creation was refused or never left: no doubt remains about ``key``."""
    with db.session_scope() as session:
        session.execute(sa.text("DELETE FROM mirror_records WHERE connection_id = :c AND kind = :k "
                                "AND remote_id IS NULL AND key = :key"),
                        {"c": connection_id, "k": kind, "key": normal(key)})


def forget(connection_id: int, kind: str, remote_ids: list[str]) -> None:
    """Drop records the target says are gone (deleted in the administration)."""
    with db.session_scope() as session:
        session.execute(sa.text("DELETE FROM mirror_records WHERE connection_id = :c AND kind = :k "
                                "AND remote_id = ANY(:ids)"), {"c": connection_id, "k": kind, "ids": remote_ids})


def state(connection_id: int, kind: str) -> dict:
    """The sync state of one kind (``complete_at``, ``resume``, ``watermark``, ``synced_at``); empty when never read."""
    with db.session_scope() as session:
        row = session.execute(sa.text("SELECT complete_at, resume, watermark, synced_at FROM mirror_states "
                                      "WHERE connection_id = :c AND kind = :k"), {"c": connection_id, "k": kind}).first()
    return dict(row._mapping) if row else {}


def save_state(connection_id: int, kind: str, **values) -> None:
    """Update the sync state of one kind (its row made by ``complete``)."""
    columns = ", ".join(f"{name} = :{name}" for name in values)
    with db.session_scope() as session:
        session.execute(sa.text(f"UPDATE mirror_states SET {columns} WHERE connection_id = :c AND kind = :k"),
                        {"c": connection_id, "k": kind, **values})


def newest(rows: list[Row], current: dt.datetime | None) -> dt.datetime | None:
    """The latest modified timestamp among ``rows`` and ``current``."""
    stamps = [row.modified for row in rows if row.modified] + ([current] if current else [])
    return max(stamps) if stamps else None
