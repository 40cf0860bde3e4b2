"""The Amazon sandbox behaves like Login with Amazon and the Orders API v2026-01-01 (sources.md §1.11), over real sockets."""
from __future__ import annotations

import re
import urllib.parse

import requests

from worker.config import settings
from tests.support.amazon import DE, NL, change, control, item, no_lag, place, seller, url

ORDERS = "/sp/orders/2026-01-01/orders"


def token_for(refresh: str) -> requests.Response:
    return requests.post(url("/lwa/auth/o2/token"), timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": refresh,
        "client_id": settings.amazon_client_id, "client_secret": settings.amazon_client_secret})


def access(refresh: str) -> dict:
    return {"x-amz-access-token": token_for(refresh).json()["access_token"]}


def search(headers: dict, **params) -> requests.Response:
    params = {"marketplaceIds": NL, "lastUpdatedAfter": "2020-01-01T00:00:00Z", **params}
    return requests.get(url(ORDERS), params=params, headers=headers, timeout=10)


def test_refresh_tokens_give_hour_long_access_tokens_until_revoked(sandboxes):
    _, refresh = seller()
    answer = token_for(refresh)
    assert answer.status_code == 200 and answer.json()["access_token"].startswith("Atza|")
    assert answer.json()["expires_in"] == 3600
    wrong = requests.post(url("/lwa/auth/o2/token"), timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": refresh, "client_id": settings.amazon_client_id,
        "client_secret": "guess"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    control("/grants/revoke", {"refresh_token": refresh})
    refused = token_for(refresh)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_a_grant_older_than_a_year_stops_working(sandboxes):
    spid, refresh = seller()
    control("/grants/age", {"selling_partner_id": spid, "days": 364})
    assert token_for(refresh).status_code == 200
    control("/grants/age", {"selling_partner_id": spid, "days": 2})
    assert token_for(refresh).json()["error"] == "invalid_grant"


def test_consent_page_redirects_with_a_code_that_works_once(sandboxes):
    spid, _ = seller()
    redirect_uri = settings.public_url + "/connect/amazon/callback"
    query = {"application_id": settings.amazon_app_id, "state": "s1", "redirect_uri": redirect_uri}
    draft = requests.get(url("/sellercentral/apps/authorize/consent"), params=query, timeout=10)
    assert draft.status_code == 400 and "MD1000" in draft.text
    page = requests.get(url("/sellercentral/apps/authorize/consent"), params={**query, "version": "beta"}, timeout=10)
    assert page.status_code == 200 and "selling_partner_id" in page.text
    other = {**query, "version": "beta", "redirect_uri": "https://evil.example/cb"}
    assert "MD5101" in requests.get(url("/sellercentral/apps/authorize/consent"), params=other, timeout=10).text
    back = requests.post(url("/sellercentral/apps/authorize/consent"), allow_redirects=False, timeout=10,
                         data={**query, "version": "beta", "selling_partner_id": spid, "decision": "allow"})
    args = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(back.headers["Location"]).query))
    assert args["state"] == "s1" and args["selling_partner_id"] == spid
    form = {"grant_type": "authorization_code", "code": args["spapi_oauth_code"], "redirect_uri": redirect_uri,
            "client_id": settings.amazon_client_id, "client_secret": settings.amazon_client_secret}
    first = requests.post(url("/lwa/auth/o2/token"), data=form, timeout=10)
    assert first.status_code == 200 and first.json()["refresh_token"].startswith("Atzr|")
    assert requests.post(url("/lwa/auth/o2/token"), data=form, timeout=10).json()["error"] == "invalid_grant"


def test_orders_need_a_live_access_token(sandboxes):
    _, refresh = seller()
    missing = search({})
    assert missing.status_code == 403 and missing.json()["errors"][0]["code"] == "MissingAuthenticationToken"
    headers = access(refresh)
    assert search(headers).status_code == 200
    control("/clock", {"seconds": 3601})
    expired = search(headers)
    assert expired.status_code == 403 and "has expired" in expired.json()["errors"][0]["details"]


def test_search_refuses_what_amazon_refuses(sandboxes):
    _, refresh = seller()
    headers = access(refresh)
    both = search(headers, createdAfter="2020-01-01T00:00:00Z")
    assert both.status_code == 400 and both.json()["errors"][0]["code"] == "InvalidInput"
    neither = requests.get(url(ORDERS), params={"marketplaceIds": NL}, headers=headers, timeout=10)
    assert neither.status_code == 400
    from worker.connectors.amazon.client import stamp
    from worker.models.base import utcnow
    assert search(headers, lastUpdatedBefore=stamp(utcnow())).status_code == 400  # not 2 minutes before now
    assert search(headers, lastUpdatedAfter="yesterday").status_code == 400
    assert search(headers, marketplaceIds=DE).status_code == 403  # not registered there
    assert search(headers, maxResultsPerPage="101").status_code == 400


def test_pages_end_without_a_next_token_and_hold_every_order_once(sandboxes):
    spid, refresh = seller()
    no_lag()
    placed = {place(spid)["orderId"] for _ in range(5)}
    headers, seen, params, pages = access(refresh), [], {"maxResultsPerPage": "2"}, 0
    while True:
        body = search(headers, **params).json()
        pages += 1
        seen += [o["orderId"] for o in body["orders"]]
        if not body.get("pagination", {}).get("nextToken"):
            break
        params = {**params, "paginationToken": body["pagination"]["nextToken"]}
    assert pages == 3 and sorted(seen) == sorted(placed) and "lastUpdatedBefore" in body
    assert all(re.fullmatch(r"\d{3}-\d{7}-\d{7}", o) for o in seen)


def test_new_and_changed_orders_show_after_about_two_minutes(sandboxes):
    spid, refresh = seller()
    order = place(spid)
    headers = access(refresh)
    assert search(headers).json()["orders"] == []
    control("/clock", {"seconds": 121})
    headers = access(refresh)
    assert [o["orderId"] for o in search(headers).json()["orders"]] == [order["orderId"]]


def test_pending_orders_have_no_prices_and_no_address(sandboxes):
    spid, refresh = seller()
    no_lag()
    order = place(spid, item("24.95", 2))
    headers = access(refresh)
    params = {"includedData": "PROCEEDS,RECIPIENT,FULFILLMENT,BUYER"}
    pending = requests.get(url(f"{ORDERS}/{order['orderId']}"), params=params, headers=headers, timeout=10).json()["order"]
    assert pending["fulfillment"]["fulfillmentStatus"] == "PENDING"
    assert "proceeds" not in pending and "proceeds" not in pending["orderItems"][0] and "recipient" not in pending
    change(order["orderId"], status="UNSHIPPED")
    paid = requests.get(url(f"{ORDERS}/{order['orderId']}"), params=params, headers=headers, timeout=10).json()["order"]
    assert paid["proceeds"]["grandTotal"] == {"amount": "49.90", "currencyCode": "EUR"}
    assert paid["recipient"]["deliveryAddress"]["postalCode"] == "3511 AB"
    assert paid["lastUpdatedTime"] >= pending["lastUpdatedTime"]


def test_without_pii_roles_the_buyer_and_street_are_left_out(sandboxes):
    spid, refresh = seller()
    order = place(spid, status="SHIPPED")
    control("/settings", {"pii_roles": False})
    params = {"includedData": "BUYER,RECIPIENT"}
    got = requests.get(url(f"{ORDERS}/{order['orderId']}"), params=params, headers=access(refresh), timeout=10).json()["order"]
    assert "buyer" not in got
    assert got["recipient"]["deliveryAddress"] == {"city": "Utrecht", "postalCode": "3511 AB", "countryCode": "NL"}


def test_a_used_up_bucket_answers_429_with_the_rate(sandboxes):
    spid, refresh = seller()
    order = place(spid)
    control("/settings", {"rates": {"getOrder": [0.5, 2]}})
    headers = access(refresh)
    answers = [requests.get(url(f"{ORDERS}/{order['orderId']}"), headers=headers, timeout=10) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["x-amzn-RateLimit-Limit"] == "0.5"
    assert answers[2].json()["errors"][0]["code"] == "QuotaExceeded"
    assert answers[2].headers["x-amzn-RateLimit-Limit"] == "0.5"
    control("/clock", {"seconds": 2})
    assert requests.get(url(f"{ORDERS}/{order['orderId']}"), headers=headers, timeout=10).status_code == 200


def test_unknown_orders_404_and_faults_can_be_armed(sandboxes):
    spid, refresh = seller()
    headers = access(refresh)
    missing = requests.get(url(f"{ORDERS}/999-0000000-0000000"), headers=headers, timeout=10)
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NotFound"
    control("/faults", {"method": "GET", "path": "orders", "status": 503})
    assert search(headers).status_code == 503
    assert search(headers).status_code == 200


def test_make_run_keeps_sellers_grants_and_orders_across_restarts(tmp_path):
    from worker.connectors.amazon.sandbox import AmazonState, storage
    path = str(tmp_path / "amazon.json")
    first = AmazonState()
    first.autosave_path = path
    refresh = first.add_seller("A1", {NL})
    first.put_order({"orderId": "401-0000001-0000001", "seller": "A1", "marketplaceId": NL, "status": "PENDING",
                     "items": [{"orderItemId": "1", "unit_price": "1.00", "quantity": 1}]})
    again = AmazonState()
    storage.load(again, path)
    assert again.grant_alive(refresh).seller == "A1" and again.sellers == {"A1": {NL}}
    assert again.orders["401-0000001-0000001"]["status"] == "PENDING"
