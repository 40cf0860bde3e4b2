"""Reading and writing a connection's encrypted secrets."""
from __future__ import annotations

from worker.crypto import decrypt_secrets, encrypt_secrets
from worker.models import Connection


def purpose(connection: Connection) -> str:
    return f"connection:{connection.id}"


def read(connection: Connection) -> dict:
    """The decrypted secrets of ``connection`` (an empty dict when none are stored)."""
    return decrypt_secrets(connection.tenant_id, purpose(connection), connection.secrets)


def write(connection: Connection, values: dict) -> None:
    """Replace the secrets of ``connection``; the caller commits."""
    connection.secrets = encrypt_secrets(connection.tenant_id, purpose(connection), values)


def update(connection: Connection, **changes) -> dict:
    """Merge ``changes`` into the secrets of ``connection`` and return the result."""
    values = {**read(connection), **changes}
    write(connection, values)
    return values
