"""A merchant alone: sign up, get the e-mail, install both connections, configure, first order in Report."""
from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tests.support.language import both, says
from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from tests.test_connect import consent
from worker import db
from worker.connectors.exact import ExactOnlineTarget
from worker.vat_rates import default_rows
from worker.models import Connection, Order, OutboxEmail, Tenant, User

HX = {"HX-Request": "true"}


def sign_up(client, email="nieuw@example.com", country="BE", name="Fietsen Janssens", shop_system="kmoshops") -> dict:
    """Sign up, then choose a password through the e-mailed link (in a browser of its own: ``client`` stays out)."""
    response = client.post("/signup/", data={"name": name, "email": email, "country": country,
                                             "shop_system": shop_system, "accounting_system": "exact_online",
                                             "terms": "y"})
    assert response.status_code == 302
    with db.session_scope() as session:
        mail = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "installation")
                               .order_by(OutboxEmail.id.desc())).scalars().first()
    url = re.search(r"(/install/\S+)", mail.body).group(1)
    password = f"{name} chose this one herself"
    chosen = client.application.test_client().post(f"{url}/password", data={"password": password,
                                                                             "confirm": password})
    assert chosen.status_code == 302, chosen.get_data(as_text=True)
    return {"mail": mail, "url": url, "password": password,
            "username": re.search(r"(?:Username|Gebruikersnaam): (\S+)", mail.body).group(1)}


def test_sign_up_needs_the_terms_and_a_valid_email(client, database):
    page = client.post("/signup/", data={"name": "X", "email": "not-an-email", "country": "NL",
                                         "shop_system": "kmoshops", "accounting_system": "exact_online"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "field-error" in text
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Tenant)).scalar_one() == 0


def test_sign_up_creates_a_trial_and_mails_link_and_login_in_the_merchants_language(client, database):
    signed = sign_up(client, country="BE")
    assert signed["mail"].recipients == ["nieuw@example.com"]
    assert "installatielink" in signed["mail"].subject.lower() or "installation" in signed["mail"].subject.lower()
    with db.session_scope() as session:
        tenant = session.execute(sa.select(Tenant)).scalar_one()
        assert tenant.language == "nl" and (tenant.trial_ends_at - tenant.created_at).days in (29, 30)
        assert tenant.licence_key in signed["mail"].body


def test_a_second_integration_for_the_same_person_is_another_installation(client, database):
    first, second = sign_up(client), sign_up(client, name="Tweede winkel")
    assert first["username"] == "nieuw@example.com" and second["username"].startswith("KOP-")
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 2
    answer = client.post("/login", data={"username": "nieuw@example.com", "password": second["password"]})
    assert answer.status_code == 401  # the e-mail names the first installation; the second logs in by its key
    assert client.post("/login", data={"username": second["username"], "password": second["password"]}).status_code == 302


def test_installation_link_while_logged_in_to_another_integration_says_so(client, database):
    first, second = sign_up(client), sign_up(client, name="Tweede winkel")
    client.post("/login", data={"username": first["username"], "password": first["password"]})
    page = client.get(second["url"]).get_data(as_text=True)
    assert "another integration" in page or "andere koppeling" in page


def test_the_whole_installation_then_a_first_order_reaches_report(sandboxes, web, worker):
    client = web.test_client()
    signed = sign_up(client, email="winkel@example.com", country="BE")
    assert client.get(signed["url"]).status_code == 302  # log in first
    client.post(f"/login?next={signed['url']}", data={"username": signed["username"], "password": signed["password"]})
    page = client.get(signed["url"]).get_data(as_text=True)
    assert "KMO Shops" in page

    sandboxes.kmo.add_shop("janssens", "janssens-key", "janssens-secret")
    token = signed["url"].rsplit("/", 1)[1]
    bad = client.post(f"/install/{token}/source/test", data={"shop_id": "janssens", "api_key": "wrong"}, headers=HX)
    assert "refused" in bad.get_data(as_text=True) or "geweigerd" in bad.get_data(as_text=True)
    good = client.post(f"/install/{token}/source/test", data={"shop_id": "janssens", "api_key": "janssens-key"},
                       headers=HX)
    assert "test-ok" in good.get_data(as_text=True)
    client.post(f"/install/{token}/source/connect", data={"shop_id": "janssens", "api_key": "janssens-key",
                                                "webhook_secret": "janssens-secret"})

    sandboxes.exact.add_user(username="janssens@exact.test", password="pw", division=None)
    start = client.post("/connect/exact")
    back = consent(start.headers["Location"], "janssens@exact.test", "pw")
    assert client.get(back[back.index("/connect/"):]).headers["Location"].endswith(signed["url"])

    config = client.get("/config/").get_data(as_text=True)
    general = {"document_type": "invoice", "price_mode": "incl", "sales_journal": "70", "cash_journal": "10",
               "payment_condition": "30", "warehouse": ""}
    saved_general = client.post("/config/general", data=general, headers=HX).get_data(as_text=True)
    assert 'class="note"' in saved_general and "field-error" not in saved_general
    with db.session_scope() as session:
        target = session.execute(sa.select(Connection).where(Connection.role == "target")).scalar_one()
        codes = {c["Code"].strip(): c["Code"] for c in target.settings["reference"]["vat_codes"]}
        revenue = {g["Code"]: g["ID"] for g in target.settings["reference"]["gl_accounts"]}
    assert "BE:21.00" in config
    rows = [("BE", "21", "3", "8000"), ("BE", "12", "12I", "8010"), ("BE", "6", "6I", "8010"),
            ("NL", "21", "3", "8000"), ("NL", "9", "4", "8010")]  # sold at home and, under OSS, to the Netherlands
    vat = {"key": [f"{c}:{Decimal(r):.2f}" for c, r, _, _ in rows]}
    for country, rate, code, account in rows:
        key = f"{country}:{Decimal(rate):.2f}"
        vat.update({f"country-{key}": country, f"rate-{key}": rate, f"code-{key}": codes[code],
                    f"gl-{key}": revenue[account]})
    saved = client.post("/config/vat", data=vat, headers=HX).get_data(as_text=True)
    assert 'id="config-vat"' in saved and 'class="note"' in saved and "field-error" not in saved
    with db.session_scope() as session:
        assert session.execute(sa.select(Tenant)).scalar_one().configured_at is not None

    shop_order = sandboxes.kmo.create_order("janssens", kind="b2c", status="paid")
    wait_for(lambda: (o := order_of(shop_order["number"])) is not None and o.state in ("posted", "failed") and o)
    order = order_of(shop_order["number"])
    assert order.state == "posted", (order.error_code, order.error_message)
    report = client.get("/tab/report", headers=HX).get_data(as_text=True)
    assert shop_order["number"] in report


def order_of(number: str):
    with db.session_scope() as session:
        return session.execute(sa.select(Order).where(Order.number == number)).scalar()


def test_configuration_refuses_choices_the_administration_does_not_have(sandboxes, client):
    merchant = make_merchant(sandboxes)
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    answer = client.post("/config/general", data={"document_type": "order", "price_mode": "incl",
                                                   "sales_journal": "90", "warehouse": ""}, headers=HX)
    text = answer.get_data(as_text=True)
    assert text.count("field-error") >= 3  # journal 90 is no sales journal; an order needs a warehouse
    with db.session_scope() as session:
        assert session.get(Connection, merchant["target"].id).settings["sales_journal"] == "70"
    bad_vat = {"key": ["NL:21.00"], "country-NL:21.00": "NL", "rate-NL:21.00": "210", "code-NL:21.00": "",
               "gl-NL:21.00": ""}
    assert "field-error" in client.post("/config/vat", data=bad_vat, headers=HX).get_data(as_text=True)
    removed = client.post("/config/vat/remove", headers=HX).get_data(as_text=True)
    assert "NL:21.00" in removed  # the table starts over with the pre-filled EU rates
    with db.session_scope() as session:
        assert "vat_map" not in session.get(Connection, merchant["target"].id).settings


def test_the_vat_table_prefills_each_countrys_own_standard_rate(client, database):
    rows = {row["key"] for row in default_rows("BE")}
    assert {"BE:21.00", "BE:12.00", "BE:6.00", "DE:19.00", "FR:20.00", "HU:27.00", "LU:17.00", "ICP",
            "INTERNATIONAL"} <= rows
    assert default_rows("BE")[0]["country"] == "BE"


def test_a_fixed_debtor_is_picked_from_exact_debtors_found_by_name(sandboxes, client):
    merchant = make_merchant(sandboxes)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        kassa = ExactOnlineTarget.client(target).post("crm/Accounts", {"Name": "Kassa verkopen", "Status": "C"})
        ExactOnlineTarget.client(target).post("crm/Accounts", {"Name": "Jan Peeters", "Status": "C"})
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    found = client.post("/config/payments/debtors", data={"debtor_filter": "kassa"}, headers=HX).get_data(as_text=True)
    assert "Kassa verkopen" in found and "Jan Peeters" not in found
    client.post("/config/payments", data={"method": ["cash", ""], "debtor": [kassa["ID"], ""]}, headers=HX)
    with db.session_scope() as session:
        assert session.get(Connection, merchant["target"].id).settings["payment_debtors"] == {"cash": kassa["ID"]}


def test_a_refused_shop_key_keeps_what_was_typed_and_saves_nothing(sandboxes, web):
    client = web.test_client()
    signed = sign_up(client, email="winkel@example.com", country="NL")
    client.post(f"/login?next={signed['url']}", data={"username": signed["username"], "password": signed["password"]})
    sandboxes.kmo.add_shop("pieters", "pieters-key", "pieters-secret")
    token = signed["url"].rsplit("/", 1)[1]

    refused = client.post(f"/install/{token}/source/connect", data={"shop_id": "pieters", "api_key": "typo",
                                                                    "webhook_secret": "pieters-secret"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert says(page, "KMO Shops refused this API key. Copy it again from the app settings in your KMO Shops "
                      "back office.")
    assert 'value="pieters"' in page and "pieters-secret" not in page  # typed id kept, secrets never echoed
    empty = client.post(f"/install/{token}/source/connect", data={"shop_id": "pieters"})
    alert = re.search(r'role="alert">([^<]*)<', empty.get_data(as_text=True)).group(1)
    assert empty.status_code == 422  # the alert names both missing fields, in the merchant's language
    assert any(label in alert for label in both("API key")) and any(label in alert for label in both("Webhook secret"))
    with db.session_scope() as session:
        source = session.execute(sa.select(Connection).where(Connection.role == "source")).scalar_one()
        assert source.status != "connected" and "shop_id" not in source.settings
