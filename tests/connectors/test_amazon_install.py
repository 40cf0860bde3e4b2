"""A merchant signs up for Amazon, chooses the marketplace and pastes the refresh token on the installation page."""
from __future__ import annotations

import re

from tests.support.amazon import seller, DE, NL
from tests.support.language import says
from tests.test_onboarding import sign_up
from worker import db, secrets
from worker.models import Connection

import sqlalchemy as sa


def amazon_sign_up(client) -> str:
    signed = sign_up(client, email="verkoper@example.com", country="NL", name="Mokken BV", shop_system="amazon")
    client.post(f"/login?next={signed['url']}", data={"username": signed["username"], "password": signed["password"]})
    return signed["url"].rsplit("/", 1)[1]


def source_row() -> Connection:
    with db.session_scope() as session:
        row = session.execute(sa.select(Connection).where(Connection.role == "source")).scalar_one()
        session.expunge(row)
        return row


def test_the_marketplace_is_chosen_and_the_refresh_token_saved_encrypted(sandboxes, web):
    client = web.test_client()
    token = amazon_sign_up(client)
    page = client.get(f"/install/{token}").get_data(as_text=True)
    assert re.search(r'<select name="marketplace"[^>]*>\s*<option value="NL" selected>NL</option>\s*<option value="DE"', page)
    spid, refresh = seller([NL, DE])
    refused = client.post(f"/install/{token}/source/connect",
                          data={"marketplace": "DE", "selling_partner_id": spid, "refresh_token": "Atzr|typo"})
    assert refused.status_code == 422 and says(refused.get_data(as_text=True),
        "Amazon refused this refresh token. Authorise Koppel again in Seller Central and copy the new refresh token.")
    assert "Atzr|typo" not in refused.get_data(as_text=True) and 'value="DE" selected' in refused.get_data(as_text=True)
    saved = client.post(f"/install/{token}/source/connect",
                        data={"marketplace": "DE", "selling_partner_id": spid, "refresh_token": refresh})
    assert saved.status_code == 302
    source = source_row()
    assert source.system == "amazon" and source.is_connected and source.settings["marketplace"] == "DE"
    with db.session_scope() as session:
        assert secrets.read(session.get(Connection, source.id))["refresh_token"] == refresh
    assert refresh not in (source.secrets or "")
