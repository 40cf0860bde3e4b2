"""The dashboard as a merchant uses it: tabs swap in place, the list updates itself while orders move."""
from __future__ import annotations

from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from tests.support.webhooks import an_order, delivery
from tests.support.workers import WorkerThread
from worker import db

HX = {"HX-Request": "true"}


def login(client, merchant) -> None:
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}).status_code == 302


def test_tab_request_from_htmx_returns_only_the_tab_with_its_own_active_link(client):
    merchant = make_merchant()
    login(client, merchant)
    page = client.get("/tab/errors", headers=HX).get_data(as_text=True)
    assert "<html" not in page and 'class="tabs"' in page
    assert 'href="/tab/errors" hx-get="/tab/errors"\n       class="active"' in page
    assert "No orders with errors" in page or "Geen bestellingen met fouten" in page
    full = client.get("/tab/errors").get_data(as_text=True)
    assert "<html" in full and '<div id="tab">' in full  # a normal visit gets the page around the tab


def test_list_polls_while_an_order_is_being_transferred_and_stops_when_it_is_in(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    client = web.test_client()
    login(client, merchant)
    worker.stop()  # hold the order in the queue for a moment
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(7, status="paid"))
    client.post(f"/webhooks/kmoshops/{merchant['source'].webhook_token}", data=body, headers=headers)
    assert 'hx-trigger="every 2s"' in client.get("/tab/report", headers=HX).get_data(as_text=True)
    again = WorkerThread(db.database_url()).start()
    try:
        page = wait_for(lambda: (text := client.get("/tab/report", headers=HX).get_data(as_text=True))
                        and "KMO-2026-00007" in text and text)
    finally:
        again.stop()
    assert 'hx-trigger="every 2s"' not in page


def test_demo_button_places_an_order_that_arrives_by_webhook_and_lands_in_report(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    client = web.test_client()
    login(client, merchant)
    response = client.post("/demo/order")
    assert response.status_code == 302 and "waiting=KMO-" in response.headers["Location"]
    number = response.headers["Location"].split("waiting=")[1].split("&")[0]
    page = wait_for(lambda: (text := client.get(response.headers["Location"], headers=HX).get_data(as_text=True))
                    and number in text and 'hx-trigger="every 2s"' not in text and text)
    assert "Sales invoice" in page or "Verkoopfactuur" in page
