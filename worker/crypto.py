"""Encryption of connection secrets at rest, bound to their tenant.

Fernet has no associated data, so the tenant id and the purpose go inside the plaintext and are
checked after decrypting: a ciphertext copied into another tenant's row is refused
(reference/reliability.md B2). Keys rotate with MultiFernet: the first key encrypts, all decrypt.
"""
from __future__ import annotations

import functools
import json

from cryptography.fernet import InvalidToken, MultiFernet, Fernet

from worker.config import settings


class SecretBindingError(Exception):
    """A secret did not decrypt, or belongs to another tenant or purpose."""


def _fernet(keys: tuple[str, ...] | None = None) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in (keys or settings.encryption_keys)])


def encrypt_secrets(tenant_id: int, purpose: str, values: dict, keys: tuple[str, ...] | None = None) -> str:
    """Encrypt ``values`` for ``tenant_id``; ``purpose`` names the column or use (e.g. "connection:7")."""
    plaintext = json.dumps({"tenant_id": tenant_id, "purpose": purpose, "values": values})
    return _fernet(keys).encrypt(plaintext.encode()).decode()


def decrypt_secrets(tenant_id: int, purpose: str, token: str | None, keys: tuple[str, ...] | None = None) -> dict:
    """Decrypt a value written by ``encrypt_secrets`` and check it belongs to this tenant and purpose."""
    if not token:
        return {}
    try:
        data = json.loads(_plaintext(tuple(keys or settings.encryption_keys), token))
    except (InvalidToken, ValueError) as exc:
        raise SecretBindingError("secret could not be decrypted with the configured keys") from exc
    if data.get("tenant_id") != tenant_id or data.get("purpose") != purpose:
        raise SecretBindingError("secret belongs to another tenant or purpose")
    return data["values"]


@functools.lru_cache(maxsize=1024)
def _plaintext(keys: tuple[str, ...], token: str) -> bytes:
    # A ciphertext always decrypts to the same plaintext under the same keys; decrypting (and building
    # the keys) was a tenth of a webhook delivery's time (issue 15). A refused token raises, so is never kept.
    return _fernet(keys).decrypt(token.encode())


def rotate(token: str, keys: tuple[str, ...] | None = None) -> str:
    """Re-encrypt ``token`` under the first (newest) key."""
    return _fernet(keys).rotate(token.encode()).decode()
