"""The SnelStart sandbox over a real socket: what a client of the real B2B API v2 would notice (targets.md §3.8)."""
from __future__ import annotations

import base64

import pytest
import requests
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from worker.connectors.snelstart.sandbox import Clock, FaultRule, SnelStartState, create_app
from worker.httpserver import ServerThread

SUBSCRIPTION = "sub-primary"


class Mount:
    """One real socket for the whole module; each test mounts its own sandbox under /snelstart."""

    def __init__(self):
        self.app = None
        self.server = ServerThread(self).start()

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)

    def mount(self, state: SnelStartState) -> str:
        self.app = DispatcherMiddleware(Response("not here", status=404), {"/snelstart": create_app(state)})
        return self.server.url + "/snelstart"


@pytest.fixture(scope="module")
def mount():
    server = Mount()
    yield server
    server.server.stop()


class SnelStart:
    """A fresh sandbox with one administration and a bare HTTP client of it."""

    def __init__(self, mount: Mount, package: str = "InBalans", **options):
        self.clock = Clock()
        self.state = SnelStartState(clock=self.clock, **options)
        self.state.add_subscription_key(SUBSCRIPTION)
        self.state.add_subscription_key("sub-secondary")
        self.admin, self.key = self.state.add_administration("Bakkerij BV", package=package)
        self.base = mount.mount(self.state)
        self.token = self.token_for(self.key).json()["access_token"]

    def token_for(self, key: str) -> requests.Response:
        return requests.post(f"{self.base}/auth/b2b/token", data={"grant_type": "clientkey", "clientkey": key},
                             timeout=5)

    def call(self, method: str, path: str, token: str | None = None, subscription: str | None = SUBSCRIPTION,
             **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if subscription:
            headers["Ocp-Apim-Subscription-Key"] = subscription
        return requests.request(method, f"{self.base}/v2/{path}", headers=headers, timeout=5, **kwargs)

    def ledger(self, number: int) -> str:
        return next(r["id"] for r in self.state.records(self.admin, "grootboeken") if r["nummer"] == number)

    def customer(self, email: str = "klant@example.nl") -> str:
        answer = self.call("POST", "relaties", json={"relatiesoort": ["Klant"], "naam": "Klant", "email": email})
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]


@pytest.fixture
def snelstart(mount):
    return SnelStart(mount)


def booking(s: SnelStart, customer: str, **changes) -> dict:
    body = {"factuurnummer": "KMO-1001", "klant": {"id": customer}, "factuurdatum": "2026-11-02T00:00:00",
            "factuurbedrag": 30.25, "betalingstermijn": 14,
            "boekingsregels": [{"grootboek": {"id": s.ledger(8000)}, "bedrag": 20.00, "btwSoort": "Hoog"},
                               {"grootboek": {"id": s.ledger(8010)}, "bedrag": 5.00, "btwSoort": "Laag"}],
            "btw": [{"btwSoort": "VerkopenHoog", "btwBedrag": 4.20}, {"btwSoort": "VerkopenLaag", "btwBedrag": 1.05}]}
    return {**body, **changes}


def test_the_token_endpoint_takes_the_key_form_encoded_and_gives_an_hour_without_refresh_token(snelstart):
    answer = snelstart.token_for(snelstart.key)
    assert answer.status_code == 200
    assert answer.json()["token_type"] == "bearer" and answer.json()["expires_in"] == 3599
    assert "refresh_token" not in answer.json()
    assert snelstart.token_for("bm9ib2R5Om5vdGhpbmc=").status_code == 400
    as_json = requests.post(f"{snelstart.base}/auth/b2b/token", json={"grant_type": "clientkey",
                                                                     "clientkey": snelstart.key}, timeout=5)
    assert as_json.status_code == 400


def test_the_password_grant_works_with_the_decoded_key(snelstart):
    username, _, password = base64.b64decode(snelstart.key).decode().partition(":")
    answer = requests.post(f"{snelstart.base}/auth/b2b/token", timeout=5,
                           data={"grant_type": "password", "username": username, "password": password})
    assert answer.status_code == 200 and answer.json()["access_token"]


def test_every_call_needs_both_keys(snelstart):
    assert snelstart.call("GET", "companyInfo").json()["administratieNaam"] == "Bakkerij BV"
    missing = snelstart.call("GET", "companyInfo", subscription=None)
    assert missing.status_code == 401 and "missing subscription key" in missing.json()["message"]
    assert snelstart.call("GET", "companyInfo", subscription="stolen").status_code == 401
    bad_token = snelstart.call("GET", "companyInfo", token="not-a-token")
    assert bad_token.status_code == 401 and bad_token.json() == {"Message": "Authorization has been denied for this request."}
    by_query = requests.get(f"{snelstart.base}/v2/companyInfo", params={"subscription-key": SUBSCRIPTION},
                            headers={"Authorization": f"Bearer {snelstart.token}"}, timeout=5)
    assert by_query.status_code == 200


def test_a_token_expires_after_its_hour(snelstart):
    snelstart.clock.advance(3600)
    assert snelstart.call("GET", "companyInfo").status_code == 401


def test_a_token_is_bound_to_its_administration(snelstart):
    other, key = snelstart.state.add_administration("Andere BV")
    token = snelstart.token_for(key).json()["access_token"]
    assert snelstart.call("GET", "companyInfo", token=token).json()["administratieIdentifier"] == other
    assert snelstart.call("GET", "companyInfo").json()["administratieIdentifier"] == snelstart.admin


def test_an_inkaart_key_cannot_make_articles_or_orders(mount):
    s = SnelStart(mount, package="InKaart")
    assert s.call("GET", "artikelomzetgroepen").status_code == 403
    assert s.call("POST", "verkooporders", json={"relatie": {"id": s.customer()}, "datum": "2026-11-02"}).status_code == 403
    assert s.call("GET", "grootboeken").status_code == 200


def test_the_quota_per_subscription_key_answers_429_with_retry_after(mount):
    s = SnelStart(mount, per_minute=3)
    for _ in range(3):
        assert s.call("GET", "companyInfo").status_code == 200
    refused = s.call("GET", "companyInfo")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Rate limit is exceeded. Try again in" in refused.json()["message"]
    assert s.call("GET", "companyInfo", subscription="sub-secondary").status_code == 200  # its own quota
    s.clock.advance(61)
    assert s.call("GET", "companyInfo").status_code == 200


def test_lists_are_plain_arrays_with_top_skip_caps_and_a_filter_whitelist(snelstart):
    ledgers = snelstart.call("GET", "grootboeken").json()
    assert isinstance(ledgers, list) and len(ledgers) >= 5
    assert len(snelstart.call("GET", "grootboeken", params={"$top": 2, "$skip": 1}).json()) == 2
    assert snelstart.call("GET", "grootboeken", params={"$top": 501}).status_code == 400
    assert snelstart.call("GET", "artikelen", params={"$top": 26}).status_code == 400
    assert snelstart.call("GET", "artikelen", params={"$top": 25}).status_code == 200
    by_name = snelstart.call("GET", "relaties", params={"$filter": "naam eq 'Klant'"})
    assert by_name.status_code == 400 and "Could not find a property named 'naam'" in by_name.json()["Message"]
    by_number = snelstart.call("GET", "grootboeken", params={"$filter": "nummer eq 8000"}).json()
    assert [row["nummer"] for row in by_number] == [8000]


def test_a_balanced_booking_is_stored_and_listed_as_a_sales_invoice(snelstart):
    customer = snelstart.customer()
    created = snelstart.call("POST", "verkoopboekingen", json=booking(snelstart, customer))
    assert created.status_code == 201 and created.json()["id"]
    [invoice] = snelstart.call("GET", "verkoopfacturen", params={"$filter": "factuurnummer eq 'KMO-1001'"}).json()
    assert invoice["verkoopBoeking"]["id"] == created.json()["id"] and invoice["factuurBedrag"] == 30.25
    again = snelstart.call("POST", "verkoopboekingen", json=booking(snelstart, customer))
    assert again.status_code == 400 and "bestaat al" in again.json()[0]["message"]


@pytest.mark.parametrize(("change", "code"), [
    ({"factuurbedrag": 30.26}, "Verkoopboeking.NietInBalans"),
    ({"factuurnummer": "X" * 26}, "Verkoopboeking.Factuurnummer"),
    ({"betalingstermijn": 1000}, "Verkoopboeking.Betalingstermijn"),
    ({"boekingsregels": []}, "Verkoopboeking.Boekingsregels"),
    ({"btw": [{"btwSoort": "InkopenHoog", "btwBedrag": 5.25}]}, "Btw[0].BtwSoort"),
])
def test_a_broken_booking_is_refused_in_the_array_shape(snelstart, change, code):
    answer = snelstart.call("POST", "verkoopboekingen", json=booking(snelstart, snelstart.customer(), **change))
    assert answer.status_code == 400
    assert code in [problem["errorCode"] for problem in answer.json()], answer.json()
    assert snelstart.state.post_count(snelstart.admin, "verkoopboekingen") == 0


def test_a_line_on_a_ledger_that_does_not_allow_its_vat_kind_or_is_inactive_is_refused(snelstart):
    body = booking(snelstart, snelstart.customer())
    body["boekingsregels"][1]["grootboek"] = {"id": snelstart.ledger(8000)}  # Laag on the Hoog ledger
    assert snelstart.call("POST", "verkoopboekingen", json=body).json()[0]["errorCode"] == "Boekingsregels[1].BtwSoort"
    body = booking(snelstart, snelstart.customer("b@example.nl"))
    body["boekingsregels"][0]["grootboek"] = {"id": snelstart.ledger(8900)}
    assert snelstart.call("POST", "verkoopboekingen", json=body).json()[0]["errorCode"] == "Boekingsregels[0].Grootboek"


def test_a_booking_needs_an_existing_customer(snelstart):
    answer = snelstart.call("POST", "verkoopboekingen", json=booking(snelstart, "00000000-0000-0000-0000-000000000000"))
    assert "Verkoopboeking.Klant" in [problem["errorCode"] for problem in answer.json()]


def test_relations_are_checked_in_the_model_state_shape_and_need_no_address(snelstart):
    bad = snelstart.call("POST", "relaties", json={"relatiesoort": "Klant", "naam": "N" * 51})
    assert bad.status_code == 400
    assert set(bad.json()["modelState"]) == {"relatie.Relatiesoort", "relatie.Naam"}
    first = snelstart.call("POST", "relaties", json={"relatiesoort": ["Klant"], "naam": "Zonder adres"})
    assert first.status_code == 201 and first.json()["relatiecode"]
    duplicate = snelstart.call("POST", "relaties", json={"relatiesoort": ["Klant"], "naam": "Dubbel",
                                                          "relatiecode": first.json()["relatiecode"]})
    assert duplicate.status_code == 400 and "relatie.Relatiecode" in duplicate.json()["modelState"]


def test_a_missing_record_is_the_bare_shape(snelstart):
    answer = snelstart.call("GET", "relaties/00000000-0000-0000-0000-000000000000")
    assert answer.status_code == 404 and answer.json() == {"Message": "Resource not found"}


def test_article_codes_follow_the_administrations_setting_of_ten_digits_until_widened(snelstart):
    group = snelstart.call("GET", "artikelomzetgroepen").json()[0]["id"]
    article = {"artikelcode": "SKU21A", "omschrijving": "Brood", "artikelOmzetgroep": {"id": group}}
    refused = snelstart.call("POST", "artikelen", json=article)
    assert refused.status_code == 400 and "maximaal 10 cijfers" in refused.json()[0]["message"]
    snelstart.state.administrations[snelstart.admin]["article_code"] = {"length": 25, "digits_only": False}
    assert snelstart.call("POST", "artikelen", json=article).status_code == 201
    assert snelstart.call("POST", "artikelen", json=article).status_code == 400  # duplicate code


def test_sales_orders_need_relation_date_an_allowed_status_and_existing_articles(snelstart):
    customer = snelstart.customer()
    group = snelstart.call("GET", "artikelomzetgroepen").json()[0]["id"]
    article = snelstart.call("POST", "artikelen", json={"artikelcode": "1001", "omschrijving": "Brood",
                                                        "artikelOmzetgroep": {"id": group}}).json()["id"]
    refused = snelstart.call("POST", "verkooporders", json={"relatie": {"id": customer}, "procesStatus": "Factuur",
                                                            "krediettermijn": 101, "regels": [{"artikel": {"id": "x"}}]})
    assert {p["errorCode"] for p in refused.json()} == {"Verkooporder.Datum", "Verkooporder.ProcesStatus",
                                                        "Verkooporder.Krediettermijn", "Regels[0].Artikel"}
    created = snelstart.call("POST", "verkooporders", json={
        "relatie": {"id": customer}, "datum": "2026-11-02T00:00:00", "verkooporderBtwIngaveModel": "Exclusief",
        "betalingskenmerk": "KMO-7", "regels": [{"artikel": {"id": article}, "aantal": 3, "stuksprijs": 1.10}]})
    assert created.status_code == 201
    assert created.json()["totaalExclusiefBtw"] == 3.30 and created.json()["totaalInclusiefBtw"] == 3.99
    found = snelstart.call("GET", "verkooporders", params={"$filter": "betalingskenmerk eq 'KMO-7'"}).json()
    assert [row["id"] for row in found] == [created.json()["id"]]


def test_faults_can_commit_and_then_fail(snelstart):
    customer = snelstart.customer()
    snelstart.state.add_fault(FaultRule("POST", "verkoopboekingen", mode="commit_then_status", status=500))
    answer = snelstart.call("POST", "verkoopboekingen", json=booking(snelstart, customer))
    assert answer.status_code == 500
    assert snelstart.state.post_count(snelstart.admin, "verkoopboekingen") == 1


def test_a_saved_sandbox_keeps_its_administrations_keys_and_bookings(snelstart, tmp_path):
    path = str(tmp_path / "snelstart.json")
    snelstart.state.autosave_path = path
    customer = snelstart.customer()
    assert snelstart.call("POST", "verkoopboekingen", json=booking(snelstart, customer)).status_code == 201
    again = SnelStartState.load(path, clock=Clock())
    assert again.records(snelstart.admin, "verkoopboekingen")[0]["factuurbedrag"] == snelstart.state.records(
        snelstart.admin, "verkoopboekingen")[0]["factuurbedrag"]
    assert again.issue(key=snelstart.key) is not None and SUBSCRIPTION in again.subscription_keys
