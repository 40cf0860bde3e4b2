"""The Amazon reader against the /amazon sandbox: tokens, paging, throttling, privacy, the pipeline's waiting."""
from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from worker import db, secrets
from worker.connectors.amazon import AmazonSource, tokens
from worker import ratelimit  # after the connectors: ratelimit imported first is a circular import
from worker.connectors.errors import ReauthRequired, Throttled
from worker.config import settings
from worker.models import Connection, OutboxEmail
from worker.models.base import utcnow
from worker.pipeline import intake
from tests.support.language import says
from tests.support.amazon import DE, amazon_merchant, change, connection, control, item, no_lag, place


def reader(merchant, per_page: int = 100):
    found = AmazonSource.reader(connection(merchant))
    found.per_page = per_page
    return found


def stored_secrets(merchant) -> dict:
    with db.session_scope() as session:
        return secrets.read(session.get(Connection, merchant["source"].id))


def test_connecting_keeps_the_tokens_encrypted_and_the_yearly_renewal_date(sandboxes):
    merchant = amazon_merchant()
    source = connection(merchant)
    assert source.is_connected and source.settings["marketplace"] == "NL"
    assert merchant["refresh_token"] not in (source.secrets or "")
    assert stored_secrets(merchant)["refresh_token"] == merchant["refresh_token"]
    assert AmazonSource.reauthorise_by(source) == (utcnow() + dt.timedelta(days=365)).date()


def test_a_refused_refresh_token_is_not_saved(sandboxes):
    merchant = amazon_merchant()
    with pytest.raises(ReauthRequired):
        AmazonSource.test_credentials({"marketplace": "NL", "refresh_token": "Atzr|made-up"})
    assert "Authorise Koppel again" in AmazonSource.refusal(ReauthRequired("invalid_grant"))
    assert merchant["refresh_token"] == stored_secrets(merchant)["refresh_token"]


def test_an_expired_access_token_is_refreshed_and_the_call_goes_through(sandboxes):
    merchant = amazon_merchant()
    order = place(merchant["spid"], status="SHIPPED")
    before = stored_secrets(merchant)["access_token"]
    control("/clock", {"seconds": 3601})  # Amazon's hour is over; our own clock does not know yet
    assert reader(merchant).order(order["orderId"])["orderId"] == order["orderId"]
    assert stored_secrets(merchant)["access_token"] != before


def test_a_revoked_authorisation_marks_the_connection_and_asks_to_connect_again(sandboxes):
    merchant = amazon_merchant()
    order = place(merchant["spid"])
    control("/grants/revoke", {"refresh_token": merchant["refresh_token"]})
    control("/clock", {"seconds": 3601})
    with pytest.raises(ReauthRequired):
        reader(merchant).order(order["orderId"])
    source = connection(merchant)
    assert source.status == "error" and source.status_reason == tokens.REAUTH_MESSAGE
    with db.session_scope() as session:  # the merchant is told at once: no orders arrive until they act
        mails = session.execute(sa.select(OutboxEmail).where(OutboxEmail.tenant_id == source.tenant_id,
                                                             OutboxEmail.kind == "reauth")).scalars().all()
    assert len(mails) == 1 and says(mails[0].subject, "Koppel: log in to %(system)s again", system="Amazon")
    assert says(mails[0].body, "Log in to Koppel and press Connect next to %(system)s: %(url)s", system="Amazon",
                url=settings.public_url)


def test_orders_pages_to_the_end_and_returns_each_changed_order_once(sandboxes):
    merchant = amazon_merchant()
    no_lag()
    old = [place(merchant["spid"])["orderId"] for _ in range(2)]
    control("/clock", {"seconds": 600})
    since = dt.datetime.fromtimestamp(sandboxes.amazon.now() - 1, tz=dt.timezone.utc)
    new = [place(merchant["spid"], item(str(10 + n)))["orderId"] for n in range(7)]
    change(old[0], status="UNSHIPPED")  # changed in the window: back in it
    place(merchant["spid"], marketplaceId=DE)  # another marketplace: not this connection's
    found = [o["orderId"] for o in reader(merchant, per_page=3).orders(updated_since=since)]
    assert sorted(found) == sorted(new + [old[0]]) and len(found) == len(set(found))
    searches = [c for c in sandboxes.amazon.calls if c["operation"] == "searchOrders"]
    assert len(searches) == 3 and all(c["args"]["lastUpdatedAfter"][0].endswith("Z") for c in searches)


def test_a_throttled_search_waits_for_amazons_stated_rate_and_every_worker_waits(sandboxes):
    merchant = amazon_merchant()
    no_lag()
    place(merchant["spid"])
    control("/settings", {"rates": {"searchOrders": [0.25, 1]}})
    assert len(list(reader(merchant).orders())) == 1
    with pytest.raises(Throttled) as throttled:
        list(reader(merchant).orders())
    wait = (throttled.value.retry_at - utcnow()).total_seconds()
    assert 2 < wait <= 4  # one request refills in 1 / 0.25 s, as x-amzn-RateLimit-Limit said
    calls = len(sandboxes.amazon.calls)
    with pytest.raises(Throttled):
        list(reader(merchant).orders())  # the shared budget says wait: Amazon is not asked again
    assert len(sandboxes.amazon.calls) == calls
    budget = {b["window"]: b for b in ratelimit.budgets(merchant["source"].id)}["amazon:searchOrders"]
    assert budget["remaining"] == 0


def test_our_budget_stops_status_checks_before_amazon_would(sandboxes):
    merchant = amazon_merchant()
    order = place(merchant["spid"])["orderId"]
    for _ in range(30):
        reader(merchant).order(order)
    with pytest.raises(Throttled):
        reader(merchant).order(order)
    assert len([c for c in sandboxes.amazon.calls if c["operation"] == "getOrder"]) == 30


def test_nothing_personal_is_stored_or_logged(sandboxes, caplog):
    merchant = amazon_merchant()
    no_lag()
    place(merchant["spid"], status="SHIPPED", buyer={"buyerName": "Jan Jansen", "buyerEmail": "q7@marketplace.amazon.nl"})
    caplog.set_level(logging.DEBUG)
    payload = next(iter(reader(merchant).orders()))
    assert payload["buyer"] == {"buyerEmail": "q7@marketplace.amazon.nl"}
    assert payload["recipient"]["deliveryAddress"] == {"postalCode": "3511 AB", "city": "Utrecht", "countryCode": "NL"}
    logged = caplog.text
    for secret in ("Jan Jansen", "Kerkstraat", merchant["refresh_token"], stored_secrets(merchant)["access_token"]):
        assert secret not in logged


def store(merchant, payload) -> tuple[str, str, str | None]:
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        order = intake.store(session, source, payload, AmazonSource.to_canonical(payload))
        return order.state, order.shop_status, order.error_code


def test_a_pending_order_waits_in_open_and_transfers_once_it_has_prices(sandboxes):
    merchant = amazon_merchant(transfer="Pending")
    no_lag()
    order = place(merchant["spid"], item("19.99"))
    assert store(merchant, reader(merchant).order(order["orderId"])) == ("open", "AwaitingPrices", None)
    change(order["orderId"], status="UNSHIPPED")  # paid between two polls: never seen as Pending with prices
    state, status, code = store(merchant, reader(merchant).order(order["orderId"]))
    # Queued for transfer; this merchant's accounting system is not connected, so it stops right there.
    assert (state, status, code) == ("failed", "Unshipped", "NOT_CONNECTED")


def test_seller_consent_through_login_with_amazon_connects_the_source(sandboxes):
    import urllib.parse

    import requests

    from worker.config import settings
    merchant = amazon_merchant()
    redirect_uri = settings.public_url + "/connect/amazon/callback"
    consent, state, _ = AmazonSource.oauth_start(redirect_uri)
    page = requests.get(consent, timeout=10)
    assert page.status_code == 200  # a draft app's link carries version=beta
    form = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(consent).query))
    back = requests.post(consent.split("?")[0], allow_redirects=False, timeout=10,
                         data={**form, "selling_partner_id": merchant["spid"], "decision": "allow"})
    args = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(back.headers["Location"]).query))
    assert args["state"] == state
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        source.status = "not_connected"
        AmazonSource.oauth_finish(session, source, redirect_uri, args["spapi_oauth_code"], "")
    assert connection(merchant).is_connected
    assert stored_secrets(merchant)["refresh_token"] != merchant["refresh_token"]  # the new grant's token
    order = place(merchant["spid"])
    assert reader(merchant).order(order["orderId"])["orderId"] == order["orderId"]


def test_the_yearly_reauthorisation_is_due_a_month_ahead(sandboxes):
    source = connection(amazon_merchant())
    by = AmazonSource.reauthorise_by(source)
    assert not AmazonSource.reauthorisation_due(source, today=by - dt.timedelta(days=31))
    assert AmazonSource.reauthorisation_due(source, today=by - dt.timedelta(days=30))


@pytest.mark.parametrize("per_page", [1, 4, 100])
def test_an_order_changed_exactly_at_the_watermark_is_in_the_window_on_any_page_size(sandboxes, per_page):
    merchant = amazon_merchant()
    no_lag()
    first = place(merchant["spid"])
    edge = dt.datetime.strptime(first["lastUpdatedTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    more = [place(merchant["spid"])["orderId"] for _ in range(4)]
    found = [o["orderId"] for o in reader(merchant, per_page=per_page).orders(updated_since=edge)]
    assert sorted(found) == sorted([first["orderId"], *more])


def test_amazon_down_is_a_wait_not_a_failure_and_leaks_nothing(sandboxes):
    from worker.connectors.errors import RemoteUnavailable
    merchant = amazon_merchant()
    order = place(merchant["spid"])
    control("/faults", {"method": "GET", "path": order["orderId"], "status": 503})
    with pytest.raises(RemoteUnavailable) as down:
        reader(merchant).order(order["orderId"])
    assert "Atz" not in str(down.value)
    assert reader(merchant).order(order["orderId"])["orderId"] == order["orderId"]
