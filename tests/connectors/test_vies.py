"""VAT number checks before a 0 % intra-EU sale: stdnum first, then VIES (its sandbox, over real HTTP)."""
from __future__ import annotations

import threading

import pytest
import requests
from stdnum.eu import vat as eu_vat
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from worker.connectors.vies import ViesClient, ViesUnavailable, check_vat_number
from worker.connectors.vies.sandbox import EXAMPLES, ViesSandboxState, create_sandbox
from worker.httpserver import ServerThread


@pytest.fixture
def state():
    return ViesSandboxState.with_examples()


@pytest.fixture
def vies_url(state):
    # Mounted at /vies as Koppel's dev launcher does, so relative paths are exercised too.
    app = DispatcherMiddleware(Response("not here", status=404), {"/vies": create_sandbox(state)})
    with ServerThread(app) as server:
        yield server.url + "/vies"


@pytest.fixture
def client(vies_url):
    return ViesClient(base_url=vies_url, timeout=5, requester_country="BE", requester_number="BE0123456749")


def test_valid_number_is_ok_and_keeps_the_consultation_number_as_proof(client, state):
    check = check_vat_number("NL004495445B01", client)
    assert check.ok and check.code is None
    assert check.vies["valid"] is True and check.vies["name"] == "Voorbeeld Handel B.V."
    assert check.vies["requestIdentifier"].startswith("WAPIAAAA") and len(check.vies["requestIdentifier"]) == 16
    assert check.vies["requestDate"].endswith("Z") and check.vies["requestIdentifier"] in check.message
    assert state.requests == [{"countryCode": "NL", "vatNumber": "004495445B01",
                               "requesterMemberStateCode": "BE", "requesterNumber": "0123456749"}]


def test_each_check_gets_its_own_consultation_number(client):
    first, second = client.check("DE", "136695976"), client.check("DE", "136695976")
    assert first.valid and first.request_identifier != second.request_identifier
    assert first.name is None and first.address is None  # Germany's "---" is not a name


def test_without_requester_there_is_no_consultation_number(vies_url):
    result = ViesClient(base_url=vies_url).check("IE", "6388047V")
    assert result.valid and result.request_identifier is None and result.raw["requestIdentifier"] == ""


def test_shop_formatting_is_compacted_before_asking(client, state):
    assert check_vat_number(" nl 0044.954.45.b01 ", client).ok
    assert state.requests[0]["vatNumber"] == "004495445B01"


@pytest.mark.parametrize("number", ["NL123456789B01", "DE12345678", "GB980780684", "XX123", "BE0123"])
def test_number_failing_form_or_checksum_never_reaches_vies(client, state, number):
    check = check_vat_number(number, client)
    assert (check.ok, check.code, check.vies) == (False, "VAT_NUMBER_INVALID", None)
    assert f'"{number}" is not a valid EU VAT number' in check.message and "Process" in check.message
    assert state.requests == []


def test_missing_number_is_reported_as_missing(client, state):
    check = check_vat_number(None, client)
    assert check.code == "VAT_NUMBER_INVALID" and "no customer VAT number" in check.message
    assert state.requests == []


def test_number_without_country_prefix_gets_a_hint(client):
    check = check_vat_number("004495445B01", client)
    assert check.code == "VAT_NUMBER_INVALID" and "did you mean NL004495445B01?" in check.message


def test_well_formed_but_unregistered_number_is_not_in_vies(client):
    check = check_vat_number("DE123456788", client)
    assert (check.ok, check.code) == (False, "VAT_NUMBER_NOT_IN_VIES")
    assert "DE123456788" in check.message and "not registered for intra-EU trade" in check.message
    assert "check the number with the customer" in check.message.lower() and "press Process" in check.message
    assert check.vies["valid"] is False and check.vies["name"] == "---" and check.vies["address"] == "---"


@pytest.mark.parametrize("given", ["EL094259216", "GR094259216", "el 094 259 216"])
def test_greek_numbers_are_asked_as_el(client, state, given):
    assert check_vat_number(given, client).ok
    assert state.requests[-1]["countryCode"] == "EL"


def test_sandbox_refuses_gr_like_vies_does(vies_url):
    answer = requests.post(vies_url + "/check-vat-number", json={"countryCode": "GR", "vatNumber": "094259216"})
    assert answer.status_code == 400 and answer.json()["errorWrappers"][0]["error"] == "INVALID_INPUT"


def test_member_state_down_means_ask_later_not_invalid(client, state, vies_url):
    state.set_unavailable("DE", True)
    with pytest.raises(ViesUnavailable) as caught:
        check_vat_number("DE136695976", client)
    assert caught.value.code == "MS_UNAVAILABLE"
    raw = requests.post(vies_url + "/check-vat-number", json={"countryCode": "DE", "vatNumber": "136695976"})
    assert raw.status_code == 200 and raw.json()["actionSucceed"] is False  # the live service's shape
    countries = {c["countryCode"]: c["availability"] for c in client.status()["countries"]}
    assert countries["DE"] == "Unavailable" and countries["NL"] == "Available"
    assert check_vat_number("NL004495445B01", client).ok  # other member states still answer
    state.set_unavailable("DE", False)
    assert check_vat_number("DE136695976", client).ok


@pytest.mark.parametrize("code", ["GLOBAL_MAX_CONCURRENT_REQ", "MS_MAX_CONCURRENT_REQ", "SERVICE_UNAVAILABLE",
                                  "TIMEOUT", "MS_MAX_CONCURRENT_REQ_TIME", "IP_BLOCKED"])
def test_busy_vies_means_ask_later(client, state, code):
    state.fail_next(2, code)
    for _ in range(2):
        with pytest.raises(ViesUnavailable) as caught:
            check_vat_number("NL004495445B01", client)
        assert caught.value.code == code
    assert check_vat_number("NL004495445B01", client).ok


def test_injected_failures_are_used_up_exactly_once_under_concurrency(client, state):
    state.fail_next(3, "GLOBAL_MAX_CONCURRENT_REQ")
    outcomes: list[str] = []

    def ask():
        try:
            outcomes.append("ok" if client.check("NL", "004495445B01").valid else "invalid")
        except ViesUnavailable:
            outcomes.append("busy")

    threads = [threading.Thread(target=ask) for _ in range(10)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["busy"] * 3 + ["ok"] * 7
    assert len(state.requests) == 10


def test_blocked_number_is_an_order_problem(client, state):
    state.fail_next(1, "VAT_BLOCKED")
    check = check_vat_number("NL004495445B01", client)
    assert (check.ok, check.code) == (False, "VAT_NUMBER_BLOCKED") and "NL004495445B01" in check.message


def test_malformed_requests_are_refused_like_vies_refuses_them(client, vies_url, state):
    with pytest.raises(ValueError, match="INVALID_INPUT"):
        client.check("GB", "980780684")  # not a member state any more
    with pytest.raises(ValueError, match="INVALID_INPUT"):
        client.check("NL", "0044 9544 5B01")  # spaces: we must compact first
    url = vies_url + "/check-vat-number"
    assert requests.post(url, json={"countryCode": "NL"}).status_code == 400
    assert requests.post(url, data="countryCode=NL", headers={"Content-Type": "text/plain"}).status_code == 415
    broken = requests.post(url, data="{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 500 and broken.json()["errorWrappers"][0]["error"] == "VOW-ERR-1"
    half = requests.post(url, json={"countryCode": "NL", "vatNumber": "004495445B01",
                                    "requesterMemberStateCode": "BE"})
    assert half.status_code == 400 and half.json()["errorWrappers"][0]["error"] == "INVALID_REQUESTER_INFO"


def test_unreachable_vies_means_ask_later():
    dead = ServerThread(Response("gone")).start()
    url = dead.url
    dead.stop()
    with pytest.raises(ViesUnavailable) as caught:
        ViesClient(base_url=url, timeout=2).check("NL", "004495445B01")
    assert caught.value.code == "CONNECTION"


def test_gateway_error_page_means_ask_later():
    app = Response("<html>Bad Gateway</html>", status=502, content_type="text/html")
    with ServerThread(app) as server:
        with pytest.raises(ViesUnavailable) as caught:
            ViesClient(base_url=server.url).check("NL", "004495445B01")
    assert caught.value.code == "HTTP_502"


def test_get_endpoint_answers_in_its_own_shape(vies_url, state):
    valid = requests.get(vies_url + "/ms/NL/vat/004495445B01").json()
    assert valid["isValid"] is True and valid["userError"] == "VALID" and valid["name"] == "Voorbeeld Handel B.V."
    state.set_unavailable("NL")
    down = requests.get(vies_url + "/ms/NL/vat/004495445B01")
    assert down.status_code == 200 and down.json()["userError"] == "MS_UNAVAILABLE"
    assert down.json()["isValid"] is False


def test_state_survives_save_and_load(tmp_path, vies_url):
    state = ViesSandboxState()
    state.register("GR", "094259216", name="Paradeigma A.E.")
    state.set_unavailable("DE")
    state.save(tmp_path / "vies.json")
    loaded = ViesSandboxState.load(tmp_path / "vies.json")
    with ServerThread(create_sandbox(loaded)) as server:
        client = ViesClient(base_url=server.url)
        assert client.check("EL", "094259216").name == "Paradeigma A.E."
        with pytest.raises(ViesUnavailable):
            client.check("DE", "136695976")


def test_example_numbers_pass_stdnum_so_the_demo_reaches_vies():
    for country, number, *_ in EXAMPLES:
        assert eu_vat.is_valid(country + number), country + number
