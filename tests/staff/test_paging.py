"""Webcare's copy of a merchant's lists pages as the merchant's dashboard does: keyset links below page 1."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from worker import db

HX = {"HX-Request": "true"}


def add_open_orders(merchant: dict, first: int, last: int) -> None:
    """Open orders PAGE-<first>..PAGE-<last>, newer by number, two created in each minute."""
    with db.session_scope() as session:
        session.execute(sa.text(
            "INSERT INTO orders (tenant_id, connection_id, shop_order_id, number, shop_status, currency, payload, state,"
            " created_at, updated_at) SELECT :t, :c, g, 'PAGE-' || lpad(g::text, 3, '0'), 'pending', 'EUR', '{}', 'open',"
            " '2026-01-01'::timestamptz + (g / 2) * interval '1 minute', now() FROM generate_series(CAST(:a AS int), CAST(:b AS int)) g"),
            {"t": merchant["tenant_id"], "c": merchant["source"].id, "a": first, "b": last})


def numbers(page: str) -> list[str]:
    return re.findall(r"<td>(PAGE-\d+)</td>", page)


def link(page: str, label: str) -> str | None:
    found = re.search(rf'href="([^"]+)">{label}', page)
    return html.unescape(found.group(1)) if found else None


def test_older_links_walk_every_order_once_and_continue_from_a_row(app, database):
    merchant = make_merchant()
    add_open_orders(merchant, 1, 60)
    client, _ = staff_client(app)
    seen, urls, url = [], [], f"/staff/merchants/{merchant['tenant_id']}/tab/open"
    while url:
        page = client.get(url, headers=HX).get_data(as_text=True)
        urls.append(url)
        seen += numbers(page)
        url = link(page, "Older")
    assert seen == [f"PAGE-{n:03d}" for n in range(60, 0, -1)] and len(urls) == 3
    assert "after=" in urls[1] and "after=" in urls[2]
    back = client.get(link(client.get(urls[2], headers=HX).get_data(as_text=True), "← Newer"), headers=HX)
    assert numbers(back.get_data(as_text=True)) == seen[25:50]


def test_orders_arriving_while_webcare_reads_do_not_repeat_on_the_next_page(app, database):
    merchant = make_merchant()
    add_open_orders(merchant, 1, 60)
    client, _ = staff_client(app)
    first = client.get(f"/staff/merchants/{merchant['tenant_id']}/tab/open", headers=HX).get_data(as_text=True)
    assert numbers(first)[-1] == "PAGE-036"
    add_open_orders(merchant, 61, 70)  # ten new orders on top while the page is open
    older = client.get(link(first, "Older"), headers=HX).get_data(as_text=True)
    assert numbers(older) == [f"PAGE-{n:03d}" for n in range(35, 10, -1)]  # by OFFSET it would repeat 36..27
