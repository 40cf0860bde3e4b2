"""A posted order's page shows the VAT split that was booked, whatever the merchant's VAT table says later;
an order not posted yet shows what Process would book now, and says which of the two the page shows."""
from __future__ import annotations

import datetime as dt
import html
import json
from decimal import Decimal

from tests.support.amazon import DE, item, place
from tests.support.language import says
from tests.support.pipeline import reload
from tests.support.waiting import wait_for
from tests.test_amazon_merchant_vat import (
    DE_ADDRESS, HX, NL_ROWS, amounts_of, booked, german_order_without_vat, german_seller, poll_and_post, save_vat_table)
from tests.test_mijnwebwinkel_flow import orders_of
from worker import db
from worker.canonical import Address, Customer, Line, Note, Order
from worker.connectors.amazon.amounts import RULES
from worker.connectors.snelstart.sandbox import FaultRule
from worker.models import Posting
from worker.models.base import utcnow
from worker.pipeline import booked as booked_order
from worker.pipeline import polling, process

AT_19 = NL_ROWS + (("DE:19.00", "DE", "19", "Overig", 8020),)
AT_16 = NL_ROWS + (("DE:19.00", "DE", "16", "Overig", 8020),)


def sell_at_16_from_now(sandboxes, client, merchant: dict) -> None:
    """The merchant changes Germany to 16 % in the VAT table (and their administration's Overig kind with it)."""
    sandboxes.snelstart.set_vat_rate(merchant["administration"], "Overig", 16)
    client.post("/config/reload")
    save_vat_table(client, merchant["reference"], AT_16)


def order_page(client, order_id: int) -> str:
    return html.unescape(client.get(f"/orders/{order_id}").get_data(as_text=True))


def test_a_posted_order_shows_the_vat_split_it_was_booked_with_after_the_vat_table_changed(sandboxes, client):
    merchant = german_seller(sandboxes, client, AT_19, overig=19)
    client.post("/language/en")  # amounts as €8.77, whatever the merchant's own language
    order = german_order_without_vat(merchant)
    poll_and_post(merchant)
    stored = orders_of(merchant)[order["orderId"]]
    assert stored.state == "posted", (stored.error_code, stored.error_message)
    # In the books: 49.90 + 4.99 at 19 %, VAT 7.97 + 0.80.
    assert amounts_of(booked(sandboxes, merchant)) == (
        Decimal("54.89"), {"Overig": Decimal("46.12")}, {"VerkopenOverig": Decimal("8.77")})
    sell_at_16_from_now(sandboxes, client, merchant)

    page = order_page(client, stored.id)
    # Today's reading would be 16 % with VAT 6.88 + 0.69 = 7.57; the page shows what is in the books.
    assert "VAT €8.77" in page and "€7.57" not in page, page
    assert "19 %" in page and "16 %" not in page
    assert says(page, RULES["merchant_rate"], country="DE", rate="19")
    assert not says(page, RULES["merchant_rate"], country="DE", rate="16")
    assert "As it was booked on " in page
    info = html.unescape(client.get(f"/orders/{stored.id}/info", headers=HX).get_data(as_text=True))
    assert says(info, RULES["merchant_rate"], country="DE", rate="19") and "As it was booked on" in info, info


def test_a_booking_whose_answer_was_lost_shows_what_was_sent_though_the_table_changed_before_it_was_found(
        sandboxes, client):
    """The document left at 19 %; its answer never came; the merchant changed Germany to 16 % before the
    booking was looked up and found. The page shows the booking as sent, not the reading of the lookup."""
    merchant = german_seller(sandboxes, client, AT_19, overig=19)
    client.post("/language/en")
    sandboxes.snelstart.add_fault(FaultRule("POST", "verkoopboekingen", mode="commit_then_hang", hang_seconds=8))
    order = german_order_without_vat(merchant)
    polling.run(merchant["source"].id)
    order_id = orders_of(merchant)[order["orderId"]].id
    process.process_order(order_id)  # 8 s is longer than our 5 s client timeout: in doubt
    waiting = reload(order_id)
    assert waiting.state == "queued" and waiting.retry_at is not None
    sell_at_16_from_now(sandboxes, client, merchant)
    in_doubt = order_page(client, order_id)  # not known yet whether it arrived: what left, not today's reading
    assert "VAT €8.77" in in_doubt and "16 %" not in in_doubt and "As it was sent on " in in_doubt, in_doubt
    wait_for(lambda: utcnow() >= waiting.retry_at, timeout=120, message="the order's next try")
    process.process_order(order_id)
    assert reload(order_id).state == "posted"
    assert amounts_of(booked(sandboxes, merchant))[2] == {"VerkopenOverig": Decimal("8.77")}  # sent once, at 19 %
    page = order_page(client, order_id)
    assert "VAT €8.77" in page and "19 %" in page and "16 %" not in page, page


def test_an_order_not_posted_yet_and_one_posted_before_the_snapshot_show_todays_reading(sandboxes, client):
    merchant = german_seller(sandboxes, client, AT_19, overig=19)
    client.post("/language/en")
    posted = german_order_without_vat(merchant)
    waiting = place(merchant["spid"], item("24.95", 2, vat_rate="19", shipping="4.99"), marketplaceId=DE,
                    address=DE_ADDRESS, tax_populated=False, status="UNSHIPPED")  # not a status to transfer
    poll_and_post(merchant)
    orders = orders_of(merchant)
    assert (orders[posted["orderId"]].state, orders[waiting["orderId"]].state) == ("posted", "open")
    sell_at_16_from_now(sandboxes, client, merchant)

    page = order_page(client, orders[waiting["orderId"]].id)
    assert "VAT €7.57" in page and "16 %" in page, page  # what Process would book now
    assert "As Koppel would book it now, with your VAT settings of today." in page

    with db.session_scope() as session:  # a posting from before Koppel kept what it booked
        posting = session.query(Posting).filter_by(order_id=orders[posted["orderId"]].id).one()
        posting.booked = None
    page = order_page(client, orders[posted["orderId"]].id)
    assert "VAT €7.57" in page, page
    assert "this order was booked before Koppel kept a copy, so your books may differ." in page


def test_the_snapshot_gives_back_every_amount_exactly_as_decimal_and_the_notes_with_their_values():
    line = Line("product", "Mok", Decimal("3"), Decimal("12.10"), Decimal("10.00"), Decimal("21.00"),
                Decimal("36.30"), Decimal("30.00"), Decimal("6.30"), sku="MOK-1")
    note = Note(RULES["merchant_rate"], (("country", "DE"), ("rate", "19")))
    order = Order("1", "1001", dt.date(2026, 12, 1), "paid", "EUR", True, Customer("a@example.nl"), Address(), None,
                  (line,), Decimal("36.30"), Decimal("6.30"), "standard", vat_notes=(note,))
    stored = json.loads(json.dumps(booked_order.snapshot(order)))  # through JSONB, as the posting keeps it
    kept = booked_order.read(stored)
    assert kept.lines == (line,) and str(kept.lines[0].vat_rate) == "21.00"
    assert (kept.currency, kept.total_incl, kept.vat_total, kept.vat_notes) == ("EUR", Decimal("36.30"),
                                                                                Decimal("6.30"), (note,))
    assert booked_order.read(None) is None and booked_order.read({**stored, "version": 99}) is None
