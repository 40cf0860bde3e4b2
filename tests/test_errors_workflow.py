"""The Errors tab as the manual describes it: grouped causes, More info, Process, Report problem."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.waiting import wait_for
from worker import db, secrets
from worker.models import Connection, Order, OutboxEmail, Ticket

HX = {"HX-Request": "true"}


def drop_vat_row(merchant, key: str) -> dict:
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        vat_map = dict(target.settings["vat_map"])
        removed = vat_map.pop(key)
        target.settings = {**target.settings, "vat_map": vat_map}
    return removed


def restore_vat_row(merchant, key: str, row: dict) -> None:
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "vat_map": {**target.settings["vat_map"], key: row}}


def failed_orders() -> list[Order]:
    with db.session_scope() as session:
        return session.execute(sa.select(Order).where(Order.state == "failed").order_by(Order.id)).scalars().all()


def logged_in(web, merchant):
    client = web.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    return client


def only_21(overrides_seed: int) -> dict:
    line = {"id": 1, "sku": f"SKU-{overrides_seed}", "name": "Tuinslang 20 m", "quantity": 2,
            "unit_price_excl_vat": "20.66", "unit_price_incl_vat": "25.00", "vat_rate": "21.00",
            "discount_excl_vat": "0.00", "total_excl_vat": "41.32", "vat_amount": "8.68", "total_incl_vat": "50.00"}
    totals = {"subtotal_excl_vat": "41.32", "shipping_excl_vat": "0.00", "discount_excl_vat": "0.00",
              "vat_total": "8.68", "total_incl_vat": "50.00",
              "vat_breakdown": [{"rate": "21.00", "base": "41.32", "vat": "8.68"}]}
    address = {"street": "Veldstraat", "house_number": "1", "postal_code": "9000", "city": "Gent", "country_code": "BE"}
    return {"lines": [line], "totals": totals, "shipping": None, "discounts": [], "vat_regime": "standard",
            "billing_address": address, "shipping_address": address}


def test_one_cause_is_one_group_and_process_rereads_the_shop_then_posts(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    row = drop_vat_row(merchant, "BE:21.00")
    shop_id = merchant["shop"]["shop_id"]
    numbers = [sandboxes.kmo.create_order(shop_id, status="paid", **only_21(i))["number"] for i in range(3)]
    wait_for(lambda: len(failed_orders()) == 3)
    client = logged_in(web, merchant)
    page = client.get("/tab/errors", headers=HX).get_data(as_text=True)
    assert page.count('class="cause"') == 1 and ("3 orders:" in page or "3 bestellingen:" in page)
    assert ("no VAT code and revenue account set for" in page or "geen btw-code en omzetrekening" in page)
    assert "21.00 %" in page

    restore_vat_row(merchant, "BE:21.00", row)
    sandboxes.sender.stop()  # the shop's own webhook about the change must not be what fixes it
    first = failed_orders()[0]
    changed = sandboxes.kmo.update_order(shop_id, int(first.shop_order_id),
                                         customer={**first.payload["customer"], "last_name": "Verbeke-Nieuw"})
    answer = client.post(f"/orders/{first.id}/process?tab=errors", headers=HX)
    fragment = answer.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<tr id="order-{first.id}"') and "<html" not in fragment
    assert 'hx-trigger="every 2s"' in fragment  # the row follows the transfer by itself
    wait_for(lambda: client.get(f"/orders/{first.id}/row?tab=errors").get_data(as_text=True).count("every 2s") == 0)
    [invoice] = sandboxes.exact.documents(division_of(merchant), "SalesInvoices")
    assert invoice["YourRef"] == numbers[0]
    with db.session_scope() as session:
        assert session.get(Order, first.id).payload["customer"]["last_name"] == changed["customer"]["last_name"]


def test_more_info_shows_what_we_sent_and_the_answer_without_secrets(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "sales_journal": "90"}
        token = secrets.read(target)["access_token"]
    sandboxes.kmo.create_order(merchant["shop"]["shop_id"], status="paid", **only_21(9))
    [order] = wait_for(failed_orders)
    info = logged_in(web, merchant).get(f"/orders/{order.id}/info").get_data(as_text=True)
    assert ("What to do." in info or "Wat je kunt doen." in info) and "salesinvoice/SalesInvoices" in info
    assert "\"Journal\": \"90\"" in info  # the body we sent
    assert "verkoopdagboek" in info.lower()  # Exact's own answer
    assert token not in info and "Bearer" not in info


def test_report_problem_opens_a_ticket_with_everything_and_says_it_was_received(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    drop_vat_row(merchant, "BE:21.00")
    sandboxes.kmo.create_order(merchant["shop"]["shop_id"], status="paid", **only_21(5))
    [order] = wait_for(failed_orders)
    fragment = logged_in(web, merchant).post(f"/orders/{order.id}/report?tab=errors").get_data(as_text=True)
    with db.session_scope() as session:
        ticket = session.execute(sa.select(Ticket)).scalar_one()
        mails = session.execute(sa.select(OutboxEmail).order_by(OutboxEmail.id)).scalars().all()
    assert f"ticket {ticket.id} was received" in fragment or f"ticket {ticket.id} is ontvangen" in fragment
    assert ticket.snapshot["order"]["number"] == order.number and ticket.snapshot["order"]["payload"]
    assert ticket.snapshot["order"]["error_code"] == "VAT_NOT_MAPPED"
    assert "vat_map" in ticket.snapshot["settings"]["target"]["settings"]
    assert [m.kind for m in mails] == ["ticket", "ticket-receipt"]
    assert mails[1].recipients == [merchant["email"]]


def test_report_tab_searches_by_number_and_period(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    old = sandboxes.kmo.create_order(shop_id, status="paid", created_at="2026-03-02T10:00:00.000Z", **only_21(1))
    new = sandboxes.kmo.create_order(shop_id, status="paid", created_at="2026-06-15T10:00:00.000Z", **only_21(2))
    wait_for(lambda: all((o := db_order(n)) is not None and o.state == "posted" for n in (old["number"], new["number"])))
    client = logged_in(web, merchant)
    march = client.get("/tab/report?since=2026-03-01&until=2026-03-31", headers=HX).get_data(as_text=True)
    assert old["number"] in march and new["number"] not in march
    by_number = client.get(f"/tab/report?q={new['number'][-5:]}", headers=HX).get_data(as_text=True)
    assert new["number"] in by_number and old["number"] not in by_number


def db_order(number: str) -> Order | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order).where(Order.number == number)).scalar()
