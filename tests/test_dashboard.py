"""The dashboard as a merchant uses it: tabs swap in place, the list updates itself while orders move."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

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
    active = re.findall(r'<a href="(/tab/\w+)"[^>]*aria-current="page" class="active"', page)
    assert active == ["/tab/errors"]  # the open tab is marked, and only that one
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


def test_older_and_newer_links_walk_every_order_once_in_order(client):
    merchant = make_merchant()
    with db.session_scope() as session:  # 60 open orders, some created in the same instant
        session.execute(sa.text(
            "INSERT INTO orders (tenant_id, connection_id, shop_order_id, number, shop_status, currency, payload, state, created_at,"
            " updated_at) SELECT :t, :c, g, 'PAGE-' || lpad(g::text, 3, '0'), 'pending', 'EUR', '{}', 'open',"
            " '2026-01-01'::timestamptz + (g / 2) * interval '1 minute', now() FROM generate_series(1, 60) g"),
            {"t": merchant["tenant_id"], "c": merchant["source"].id})
    login(client, merchant)
    seen, pages, url = [], [], "/tab/open"
    while url:
        page = client.get(url, headers=HX).get_data(as_text=True)
        pages.append(url)
        seen += re.findall(r">(PAGE-\d+)</a>", page)
        url = html.unescape(m.group(1)) if (m := re.search(r'href="([^"]+)">(?:Older|Ouder)', page)) else None
    assert seen == [f"PAGE-{n:03d}" for n in range(60, 0, -1)] and len(pages) == 3
    assert "after=" in pages[2]  # the deep page continues from a row, it does not count rows
    newer = re.search(r'href="([^"]+)">← (Newer|Nieuwer)', client.get(pages[2], headers=HX).get_data(as_text=True))
    back = client.get(html.unescape(newer.group(1)), headers=HX).get_data(as_text=True)
    assert re.findall(r">(PAGE-\d+)</a>", back) == seen[25:50]
