"""Dutch and English: pages, e-mails, stored error messages and amounts follow the merchant's language."""
from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tests.test_onboarding import sign_up as onboarding_sign_up
from tests.support.merchants import make_merchant
from worker import db
from worker.models import Connection, Order, OutboxEmail, Tenant
from worker.pipeline import process
from worker.pipeline.messages import CATALOGUE, problem

HX = {"HX-Request": "true"}


def log_in(client, merchant: dict) -> None:
    answer = client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert answer.status_code == 302


def set_language(merchant: dict, language: str) -> None:
    with db.session_scope() as session:
        session.get(Tenant, merchant["tenant_id"]).language = language


def add_order(merchant: dict, number: str, state: str = "open", total: str = "1234.56") -> int:
    """An order as intake stores it (in Open, waiting for a status), without going through a shop."""
    with db.session_scope() as session:
        source = session.execute(sa.select(Connection).where(Connection.tenant_id == merchant["tenant_id"],
                                                             Connection.role == "source")).scalar_one()
        order = Order(tenant_id=merchant["tenant_id"], connection_id=source.id, shop_order_id=number,
                      number=number, shop_status="paid" if state == "queued" else "pending",
                      customer_name="Jansen", total=Decimal(total), payload={}, state=state)
        session.add(order)
        session.flush()
        return order.id


def tab_names(page: str) -> list[str]:
    nav = page.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    return [name.strip() for name in re.findall(r'class="[^"]*">([^<]+)</a>', nav)]


def test_a_belgian_merchant_sees_the_dashboard_and_profile_in_dutch(client):
    merchant = make_merchant()  # a Belgian shop: Dutch
    log_in(client, merchant)
    dashboard = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in dashboard
    assert tab_names(dashboard) == ["Rapportage", "Fouten", "Open"]
    assert "Configuratie" in dashboard and "Profiel" in dashboard and "Uitloggen" in dashboard
    assert "Nog geen bestellingen doorgestuurd." in dashboard and "Licentiesleutel" in dashboard
    assert "Report" not in dashboard and "No orders" not in dashboard
    errors = client.get("/tab/errors", headers=HX).get_data(as_text=True)
    assert "Geen bestellingen met fouten." in errors and "Zoeken op bestelnummer" in errors

    profile = client.get("/profile/").get_data(as_text=True)
    assert "<h1>Profiel</h1>" in profile
    for dutch in ("Abonnement", "Proefperiode tot", "Facturen", "Nog geen facturen.", "Extra e-mailadres",
                  "De koppeling stoppen", "Betaal voor een jaar"):
        assert dutch in profile, dutch
    for english in ("Subscription", "Trial until", "Invoices", "Stop the integration"):
        assert english not in profile, english


def test_the_language_switch_shows_english_and_back(client):
    merchant = make_merchant()
    log_in(client, merchant)
    switched = client.post("/language/en", headers={"Referer": "/profile/"})
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/profile/")
    dashboard = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in dashboard
    assert tab_names(dashboard) == ["Report", "Errors", "Open"]
    assert "Rapportage" not in dashboard and "No orders transferred yet." in dashboard
    profile = client.get("/profile/").get_data(as_text=True)
    assert "<h1>Profile</h1>" in profile and "Subscription" in profile and "Trial until" in profile
    client.post("/language/nl")
    assert tab_names(client.get("/").get_data(as_text=True)) == ["Rapportage", "Fouten", "Open"]


def test_the_login_page_follows_the_browser_before_anyone_is_logged_in(client):
    assert "Inloggen" in client.get("/login").get_data(as_text=True)  # no preference: Dutch
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "<h1>Log in</h1>" in english and "Username or e-mail" in english


def sign_up(client, country: str, email: str) -> OutboxEmail:
    return onboarding_sign_up(client, email=email, country=country, name="Fietsen Peeters")["mail"]


def test_the_installation_email_is_dutch_for_belgium_and_english_for_germany(client, database):
    dutch = sign_up(client, "BE", "peeters@example.com")
    assert dutch.subject == "Je Koppel-installatielink en inloggegevens"
    assert dutch.body.startswith("Hallo Fietsen Peeters,")
    for line in ("Je proefperiode van 30 dagen is begonnen", "Gebruikersnaam: peeters@example.com",
                 "Licentiesleutel: KOP-"):
        assert line in dutch.body, line
    assert "Wachtwoord:" not in dutch.body  # the merchant chooses a password through the link
    assert "Password" not in dutch.body and "trial" not in dutch.body

    english = sign_up(client, "DE", "schmidt@example.com")
    assert english.subject == "Your Koppel installation link and login"
    assert english.body.startswith("Hello Fietsen Peeters,")
    for line in ("Your 30-day trial has started", "Username: schmidt@example.com", "Licence key: KOP-"):
        assert line in english.body, line
    assert "Password:" not in english.body
    with db.session_scope() as session:
        languages = dict(session.execute(sa.select(Tenant.country, Tenant.language)).all())
    assert languages == {"BE": "nl", "DE": "en"}


def test_an_order_error_is_stored_in_the_tenants_language(database):
    dutch, english = make_merchant(), make_merchant()
    set_language(english, "en")
    first, second = add_order(dutch, "KMO-NL-1", state="queued"), add_order(english, "KMO-EN-1", state="queued")
    for order_id in (first, second):
        process.process_order(order_id)  # Exact Online is not connected yet: the order stops in Errors
    with db.session_scope() as session:
        nl, en = session.get(Order, first), session.get(Order, second)
        assert nl.state == en.state == "failed" and nl.error_code == en.error_code == "NOT_CONNECTED"
        assert nl.error_message == "Je boekhoudpakket is niet gekoppeld."
        assert nl.error_help.startswith("Open het dashboard, klik op Koppelen naast het boekhoudpakket")
        assert en.error_message == "Your accounting system is not connected."
        assert en.error_help.startswith("Open the dashboard and press Connect")


def test_placeholders_are_filled_in_after_translating(database):
    merchant = make_merchant()
    order_id = add_order(merchant, "KMO-NL-2", state="queued")
    process.fail(order_id, problem("TOTAL_MISMATCH", total="999.99", sum="1.21"))
    with db.session_scope() as session:
        order = session.get(Order, order_id)
        assert order.error_message == ("Het totaal van de bestelling (999.99) is niet de som van de regels, "
                                       "verzending en kosten min kortingen (1.21).")
        assert "klik dan op Verwerk" in order.error_help
    # Every message and help text has the same placeholders in Dutch as in English.
    for code, texts in CATALOGUE.items():
        values = {name: f"<{name}>" for text in texts for name in re.findall(r"\{(\w+)\}", text)}
        english, dutch = problem(code, **values), problem(code, language="nl", **values)
        assert dutch.help != english.help, code
        for name, shown in values.items():
            assert (shown in english.message + english.help) == (shown in dutch.message + dutch.help), (code, name)


def test_amounts_follow_the_language(client):
    merchant = make_merchant()
    add_order(merchant, "KMO-2026-01234")
    log_in(client, merchant)
    dutch = client.get("/tab/open", headers=HX).get_data(as_text=True)
    assert "KMO-2026-01234" in dutch
    assert re.search(r"€\s1\.234,56", dutch)  # Babel puts a no-break space after the euro sign
    client.post("/language/en")
    english = client.get("/tab/open", headers=HX).get_data(as_text=True)
    assert "€1,234.56" in english and "1.234,56" not in english


def test_a_connection_problem_is_explained_in_the_merchants_language_and_stays_escaped(client):
    from worker.connectors.exact.tokens import REAUTH_MESSAGE

    merchant = make_merchant()
    log_in(client, merchant)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.status, target.status_reason = "error", REAUTH_MESSAGE
    status = client.get("/status").get_data(as_text=True)
    assert "werkt niet: Exact Online aanvaardt onze autorisatie niet meer." in status
    with db.session_scope() as session:
        session.get(Connection, merchant["target"].id).status_reason = "<b>100 %</b> refused"
    assert "werkt niet: &lt;b&gt;100 %&lt;/b&gt; refused" in client.get("/status").get_data(as_text=True)
