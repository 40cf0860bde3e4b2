"""The payroll pair from sign-up: chosen like any other pair, installed by key form and OAuth, then Administrations."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests.support.language import says
from tests.support.payroll import consent
from tests.test_pluggable import sign_up_for
from worker import db
from worker.connectors.visma_net import oauth
from worker.models import Connection, Tenant


def connections_of(email: str) -> dict[str, Connection]:
    with db.session_scope() as session:
        tenant = session.execute(sa.select(Tenant).where(Tenant.email == email)).scalar_one()
        rows = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant.id)).scalars().all()
        session.expunge_all()
        return {c.role: c for c in rows}


def test_the_signup_offers_the_payroll_pair_and_refuses_a_mixed_one(client, database):
    page = client.get("/signup/?target=visma_net").get_data(as_text=True)
    assert re.search(r'<option selected value="nmbrs">Nmbrs</option>', page), page  # its payroll side comes along
    assert re.search(r'<option selected value="visma_net">Visma.net</option>', page)
    mixed = client.post("/signup/", data={"name": "Visser", "email": "mixed@example.nl", "country": "NL",
                                          "shop_system": "kmoshops", "accounting_system": "visma_net", "terms": "y"})
    assert mixed.status_code == 200 and says(
        mixed.get_data(as_text=True), "%(first)s and %(second)s do not go together: orders from a webshop go to an "
        "accounting system, payroll journals go to a ledger.", first="KMO Shops", second="Visma.net")


def test_a_payroll_merchant_installs_both_connections_and_is_led_to_administrations(sandboxes, web):
    client = web.test_client()
    signed = sign_up_for(client, "visma_net", "salaris@visser.nl", shop="nmbrs")
    mine = connections_of("salaris@visser.nl")
    assert set(mine) == {"payroll", "ledger"} and mine["payroll"].system == "nmbrs"
    page = client.get(signed["url"]).get_data(as_text=True)
    assert says(page, "Connect your payroll system (%(system)s)", system="Nmbrs")
    assert 'name="username"' in page and 'name="token"' in page and 'name="domain"' in page
    assert says(page, oauth.BEFORE_REDIRECT) and 'action="/connect/vismanet"' in page
    assert 'href="/config/"' not in page  # no VAT configuration for journals

    token = signed["url"].rsplit("/", 1)[1]
    sandboxes.nmbrs.add_user("api@visser.nl", "nmbrs-token")
    refused = client.post(f"/install/{token}/payroll/connect", data={"username": "api@visser.nl", "token": "nope"})
    assert refused.status_code == 422 and "1001" in refused.get_data(as_text=True)
    client.post(f"/install/{token}/payroll/connect", data={"username": "api@visser.nl", "token": "nmbrs-token"})
    assert connections_of("salaris@visser.nl")["payroll"].is_connected

    sandboxes.vismanet.add_user("boekhouder@visser.nl", "pw")
    start = client.post("/connect/vismanet")
    back = consent(start.headers["Location"], "boekhouder@visser.nl", "pw")
    done = client.get("/connect/vismanet/callback?" + "&".join(f"{k}={v}" for k, v in back.items()))
    assert done.status_code == 302 and done.headers["Location"].endswith("/administrations/")
    tab = client.get("/administrations/").get_data(as_text=True)
    assert says(tab, "Next: choose which %(ledger)s company each %(payroll)s company's journals go to (New mapping, "
                     "below).", ledger="Visma.net", payroll="Nmbrs")
    status = client.get("/status", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert status.count('class="dot green"') == 2 and "Nmbrs" in status and "Visma.net" in status

    page = client.get(signed["url"]).get_data(as_text=True)
    assert says(page, "Open the Administrations tab") and 'href="/administrations/"' in page
    client.post("/administrations/mappings", data={"payroll_company": "1", "ledger_company": "1"})
    page = client.get(signed["url"]).get_data(as_text=True)
    assert says(page, "The installation is complete. Journals you send now go to %(system)s.", system="Visma.net")
