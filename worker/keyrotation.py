"""Re-encrypting every secret at rest under the newest key (KOPPEL_ENCRYPTION_KEYS' first).

The procedure (reference/reliability.md B2): put the new key first and deploy, run
``python -m worker.cli rotate-keys``, then remove the old key.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import crypto
from worker.models import Connection, User

# Every encrypted column: (model, attribute).
ENCRYPTED = ((Connection, "secrets"), (User, "totp_secret"))


def rotate_all(session: orm.Session, keys: tuple[str, ...] | None = None) -> int:
    """Re-encrypt every stored secret under the first key; returns how many. Caller commits."""
    count = 0
    for model, name in ENCRYPTED:
        column = getattr(model, name)
        rows = session.execute(sa.select(model).where(column.is_not(None)).order_by(model.id)
                               .with_for_update()).scalars()
        for row in rows:
            setattr(row, name, crypto.rotate(getattr(row, name), keys))
            count += 1
    return count
