"""Remote ids for keys (debtors by e-mail, items by code): from the mirror, looked up in batches, or created.

A key the mirror lacks is looked up remotely only when the mirror cannot say it is absent: while
it is still being filled, when a creation of that key got no answer (it may exist), or when the
caller asks (``recheck``: the mirror was just found wrong about it). Otherwise it is created at once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from worker.connectors.errors import OutcomeUnknown
from worker.mirror import Row, normal, store


def resolve(connection_id: int, administration: str, kind: str, keys: Iterable[str], reader,
            create: Callable[[str], str], recheck: Iterable[str] = ()) -> dict[str, str]:
    """The remote id of every key, by normalised key; ``create(key)`` makes a missing one and returns its id."""
    wanted = sorted({normal(key) for key in keys})
    # complete first: it empties another administration's mirror before anything of it is read
    complete, found, in_doubt = store.complete_and_known(connection_id, kind, administration, wanted)
    unknown = [key for key in wanted if key not in found]
    ask = unknown if not complete else [
        key for key in unknown if key in in_doubt or key in {normal(k) for k in recheck}]
    if ask:
        rows = reader.lookup(kind, ask)
        store.remember(connection_id, kind, rows)
        for row in rows:
            found.setdefault(normal(row.key), row.remote_id)
    for key in unknown:
        if key not in found:
            found[key] = _create(connection_id, kind, key, create)
    return found


def _create(connection_id: int, kind: str, key: str, create: Callable[[str], str]) -> str:
    store.creating(connection_id, kind, key)
    try:
        remote_id = create(key)
    except OutcomeUnknown:
        raise  # it may exist now: the marker makes the next attempt look it up before creating
    except BaseException:
        store.not_created(connection_id, kind, key)
        raise
    store.remember(connection_id, kind, [Row(remote_id=remote_id, key=key)])
    return remote_id
