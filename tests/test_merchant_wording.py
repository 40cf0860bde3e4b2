"""What a Dutch or Belgian merchant reads: the sign-up asks the right country, the dashboard says when it
first looks for orders, the Connect button is not the brand's name."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from tests.support.language import both, says
from tests.support.mijnwebwinkel import make_store_merchant
from worker import db, pairs
from worker.models import Connection
from worker.pipeline import polling


def country_label(page: str) -> str:
    """The text of the sign-up form's country label."""
    found = re.search(r"<label>([^<]*)<select[^>]*name=\"country\"", page)
    assert found, page
    return html.unescape(found.group(1)).strip()


def test_the_sign_up_asks_a_payroll_company_for_its_country_not_its_webshops(client):
    payroll, ledger = (next(iter(pairs.systems(pairs.PAYROLL, side))) for side in (0, 1))
    shop = client.get("/signup/").get_data(as_text=True)
    assert says(country_label(shop), "Country of your webshop")
    chosen = client.get(f"/signup/?source={payroll}&target={ledger}").get_data(as_text=True)
    assert says(country_label(chosen), "Country of your company")
    assert re.search(r"<label>(Ledger|Grootboek) <select[^>]*name=\"accounting_system\"", chosen)
    linked = client.get(f"/signup/?target={ledger}").get_data(as_text=True)  # the ledger alone brings its kind
    assert says(country_label(linked), "Country of your company")
    refused = client.post("/signup/", data={"name": "Loon BV", "email": "not-an-email", "country": "BE",
                                            "shop_system": payroll, "accounting_system": ledger}).get_data(as_text=True)
    assert says(country_label(refused), "Country of your company")  # the form shown again keeps the question


def test_before_the_first_look_the_dashboard_says_when_it_looks_for_the_first_time(sandboxes, client):
    merchant = make_store_merchant(sandboxes)
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    before = client.get("/status").get_data(as_text=True)
    assert says(before, "Has not looked for orders yet.")
    assert any(v.split("%(time)s")[0] in before for v in both("Looks for the first time %(time)s."))
    assert not any(v.split("%(time)s")[0] in before for v in both("Looks next %(time)s."))
    polling.run(merchant["source"].id)
    after = client.get("/status").get_data(as_text=True)
    assert any(v.split("%(time)s")[0] in after for v in both("Looks next %(time)s."))
    assert not any(v.split("%(time)s")[0] in after for v in both("Looks for the first time %(time)s."))


def test_an_amazon_seller_starts_on_prices_incl_vat_and_is_told_why(client, database):
    from tests.test_pluggable import sign_up_for, target_of

    sign_up_for(client, "snelstart", "mokken@example.nl", shop="amazon")
    assert target_of("mokken@example.nl").settings["price_mode"] == "incl"  # Amazon's prices include VAT
    config = html.unescape(client.get("/config/").get_data(as_text=True))
    assert re.search(r'<option value="incl" selected>', config)
    assert says(config, "%(shop)s always sends prices incl. VAT: choose Incl. VAT, or every order stops in Errors.",
                shop="Amazon")
    with_excl = client.post("/config/general", data={"document_type": "order", "price_mode": "excl"},
                            headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.search(r'<p class="warn price-basis">', with_excl)  # the other basis is flagged at once


def test_a_shop_that_decides_its_own_basis_keeps_the_books_default_and_is_asked(client, database):
    from tests.test_pluggable import sign_up_for, target_of

    sign_up_for(client, "snelstart", "winkel@example.nl", shop="kmoshops")
    assert target_of("winkel@example.nl").settings["price_mode"] == "excl"  # SnelStart's own default
    config = html.unescape(client.get("/config/").get_data(as_text=True))
    assert says(config, "Choose how the prices in %(shop)s are entered, incl. or excl. VAT: an order on the other "
                "basis stops in Errors.", shop="KMO Shops")


def test_the_connected_key_form_names_the_user_once(sandboxes, web):
    from tests.test_pluggable import sign_up_for

    client = web.test_client()
    signed = sign_up_for(client, "factuursturen", "visser@example.nl")
    token = signed["url"].rsplit("/", 1)[1]
    api_key = "fs-key-" + "v" * 24
    sandboxes.factuursturen.add_account("vissertje", api_key)
    client.post(f"/install/{token}/target/connect", data={"username": "vissertje", "api_key": api_key})
    page = html.unescape(client.get(signed["url"]).get_data(as_text=True))
    above = page.split("<h3>Factuursturen</h3>", 1)[1].split('<fieldset class="key-fields">', 1)[0]
    said = re.search(r"<p>(.*?)</p>", above, re.S)  # the sentence above the form, once connected
    assert said, page
    assert says(said.group(1), "Connected as %(username)s.", username="vissertje")
    assert said.group(1).count("vissertje") == 1, said.group(1)


def test_a_payroll_merchant_who_opens_configuration_lands_on_the_administrations_tab(client, database):
    from tests.test_pluggable import sign_up_for

    payroll, ledger = (next(iter(pairs.systems(pairs.PAYROLL, side))) for side in (0, 1))
    sign_up_for(client, ledger, "loon@example.nl", shop=payroll)
    answer = client.get("/config/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/administrations/")
    assert client.post("/config/general", data={"document_type": "x"}).status_code == 302  # no crash either


def connect_buttons(client) -> list[str]:
    """The texts of the dashboard's Connect buttons (the forms that start a log-in at the other system)."""
    status = html.unescape(client.get("/status").get_data(as_text=True))
    return [text.strip() for text in re.findall(r'action="/connect/[^"]+"[^>]*>.*?<button[^>]*>([^<]*)</button>',
                                                status, re.S)]


def test_a_connected_system_offers_connect_again_not_connect(sandboxes, web):
    from tests.support.merchants import make_merchant

    for connected, wanted in ((True, "Connect again"), (False, "Connect")):
        merchant, client = make_merchant(sandboxes, connect_exact=connected), web.test_client()
        client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
        with db.session_scope() as session:  # a target never connected has no button; one that broke has
            if not connected:
                session.execute(sa.update(Connection).where(Connection.tenant_id == merchant["tenant_id"],
                                                            Connection.role == "target").values(status="error"))
        [button] = connect_buttons(client)
        assert button in both(wanted), (connected, button)


def test_the_sign_up_names_the_countries_in_the_readers_language(client):
    client.post("/language/nl")
    dutch = client.get("/signup/").get_data(as_text=True)
    assert re.search(r'<option selected value="NL">Nederland</option>', dutch)
    assert '<option value="BE">België</option>' in dutch
    client.post("/language/en")
    assert '<option value="BE">Belgium</option>' in client.get("/signup/").get_data(as_text=True)
