"""``python -m worker.cli rotate-keys`` re-encrypts every secret under the newest key."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tests.support.merchants import make_merchant
from worker import cli, config, db, mfa, secrets
from worker.crypto import SecretBindingError
from worker.models import Connection, User


@pytest.fixture
def keys(database):
    """Switch KOPPEL_ENCRYPTION_KEYS during the test (``keys(...)``); restored afterwards."""
    old = config.override(database_url=database, encryption_keys=config.settings.encryption_keys)
    yield lambda *values: config.override(encryption_keys=tuple(values))
    config.override(**old)


def stored(merchant) -> tuple[dict, str]:
    with db.session_scope() as session:
        connection = session.get(Connection, merchant["source"].id)
        user = session.query(User).filter_by(tenant_id=merchant["tenant_id"]).one()
        return secrets.read(connection), mfa.unseal(user, user.totp_secret)


def test_secrets_written_under_an_old_key_stay_readable_after_rotation_and_its_removal(keys):
    old_key, new_key = config.settings.encryption_keys[0], Fernet.generate_key().decode()
    merchant = make_merchant()  # its shop's API key is encrypted under the old key
    with db.session_scope() as session:
        user = session.query(User).filter_by(tenant_id=merchant["tenant_id"]).one()
        user.totp_secret = mfa.seal(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    before = stored(merchant)

    keys(new_key, old_key)
    cli.main(["rotate-keys"])
    keys(new_key)  # the old key is gone
    assert stored(merchant) == before == ({"api_key": merchant["shop"]["api_key"],
                                           "webhook_secret": merchant["shop"]["webhook_secret"]},
                                          "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    keys(old_key)
    with pytest.raises(SecretBindingError):
        stored(merchant)  # nothing is left under the old key
