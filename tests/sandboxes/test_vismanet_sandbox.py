"""The Visma.net sandbox enforces targets.md §5.7: Visma Connect, value wrapping, 201 + Location, tenants, limits."""
from __future__ import annotations

import pytest
import requests

from worker.config import settings



def token(sandboxes, tenant: str) -> str:
    answer = requests.post(settings.vismanet_connect_url + "/connect/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": settings.vismanet_client_id,
        "client_secret": settings.vismanet_client_secret, "tenant_id": tenant,
        "scope": "vismanet_erp_service_api:create vismanet_erp_service_api:read"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["expires_in"] == 3600 and "refresh_token" not in body
    return body["access_token"]


def call(method: str, path: str, access: str, company: str = "1", **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {access}", "ipp-company-id": company}
    return requests.request(method, settings.vismanet_api_url + path, headers=headers, timeout=10, **kwargs)


def journal(period: str, wrap=lambda v: {"value": v}, credit: str = "100.00") -> dict:
    return {"transactionDate": wrap("2026-03-31T00:00:00"), "financialPeriod": wrap(period),
            "journalTransactionLines": [
                {"operation": "Insert", "accountNumber": wrap("4000"), "debitAmountInCurrency": wrap(100.00),
                 "creditAmountInCurrency": wrap(0), "referenceNumber": wrap("PR-1")},
                {"operation": "Insert", "accountNumber": wrap("2410"), "debitAmountInCurrency": wrap(0),
                 "creditAmountInCurrency": wrap(float(credit)), "referenceNumber": wrap("PR-1")}]}


@pytest.fixture
def ledger(sandboxes):
    tenant = sandboxes.vismanet.add_customer(("Visser Holding", "Visser Test"))
    return tenant, token(sandboxes, tenant)


def test_a_transaction_is_created_with_201_and_a_location_and_read_back(sandboxes, ledger):
    _, access = ledger
    period = f"{sandboxes.vismanet.year}03"
    created = call("POST", "/v1/journaltransaction", access, json=journal(period))
    assert created.status_code == 201 and created.text == ""
    read = requests.get(created.headers["Location"], headers={"Authorization": f"Bearer {access}",
                                                              "ipp-company-id": "1"}, timeout=10).json()
    assert read["status"] == "Balanced" and read["module"] == "ModuleGL" and read["debitTotal"] == 100.0
    legacy = call("GET", "/API/controller/api/v1/journaltransaction/" + read["batchNumber"], access)
    assert legacy.status_code == 200 and legacy.json()["financialPeriod"] == period


@pytest.mark.parametrize(("body", "message"), [
    (lambda p: journal(p, wrap=lambda v: v), "must be sent as"),
    (lambda p: journal(p, credit="99.99"), "not balanced"),
    (lambda p: journal("2026-3"), "YYYYMM"),
    (lambda p: {**journal(p), "journalTransactionLines": journal(p)["journalTransactionLines"][:1]}, "two lines"),
])
def test_what_visma_net_refuses_comes_back_in_its_error_body(sandboxes, ledger, body, message):
    _, access = ledger
    answer = call("POST", "/v1/journaltransaction", access, json=body(f"{sandboxes.vismanet.year}03"))
    error = answer.json()
    assert answer.status_code == 400 and error["ExceptionType"] == "IPPException" and message in error["ExceptionMessage"]
    assert error["ExceptionMessageID"].startswith(error["ExceptionFaultCode"] + "_")


def test_a_company_of_another_customer_has_no_license(sandboxes, ledger):
    _, access = ledger
    other = sandboxes.vismanet.add_customer()
    assert call("GET", "/v1/account", access, company="9").json()["ExceptionFaultCode"] == "12027"
    assert call("GET", "/v1/account", token(sandboxes, other), company="1").status_code == 200
    assert call("GET", "/v1/account", access, company="2").status_code == 200


def test_every_answer_carries_the_rate_headers_and_the_window_ends_in_429(sandboxes, ledger):
    _, access = ledger
    sandboxes.vismanet.rate_limit = 3
    answers = [call("GET", "/v1/account", access) for _ in range(4)]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[-1].status_code == 429 and int(answers[-1].headers["Retry-After"]) > 0
    assert answers[0].headers["X-RateLimit-Policy"] and int(answers[0].headers["X-RateLimit-Reset"]) > 0


def test_an_expired_token_is_401(sandboxes, ledger):
    _, access = ledger
    sandboxes.vismanet.expire_tokens()
    assert call("GET", "/v1/account", access).status_code == 401


def test_an_unknown_tenant_is_refused_a_token_or_given_one_that_has_no_licence(sandboxes):
    form = {"grant_type": "client_credentials", "client_id": settings.vismanet_client_id,
            "client_secret": settings.vismanet_client_secret, "tenant_id": "no-such-tenant",
            "scope": "vismanet_erp_service_api:read"}
    assert requests.post(settings.vismanet_connect_url + "/connect/token", data=form, timeout=10).status_code == 400
    sandboxes.vismanet.reject_unknown_tenant = False
    access = requests.post(settings.vismanet_connect_url + "/connect/token", data=form, timeout=10).json()["access_token"]
    answer = call("GET", "/v1/account", access)
    assert answer.status_code == 403 and answer.json()["ExceptionMessage"] == "No license for this company."
