"""A KMO Shops order through the real pipeline into a SnelStart sandbox administration: booked once, to the cent."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.support.orders import Amount, build
from tests.support.pipeline import post
from tests.support.snelstart import snelstart_merchant
from worker import db
from worker.connectors.snelstart.sandbox import FaultRule
from worker.models import Connection, Posting, RemoteCall


def shop_order(number: str, email: str = "klant@example.nl") -> dict:
    payload, _ = build(number, int(number.rsplit("-", 1)[1]), [Amount(Decimal("24.95"), Decimal(21), 2),
                                                               Amount(Decimal("3.49"), Decimal(9), 3)],
                       incl=True, email=email, shipping=Amount(Decimal("6.95"), Decimal(21)),
                       discount=Amount(Decimal("5.00"), Decimal(21)))
    payload["billing_address"]["country_code"] = "NL"
    return payload


def snelstart_calls(order_id: int) -> list[tuple[str, str]]:
    """(method, collection) of every SnelStart call made for the order."""
    with db.session_scope() as session:
        rows = session.execute(sa.select(RemoteCall.method, RemoteCall.url).where(
            RemoteCall.order_id == order_id).order_by(RemoteCall.id)).all()
    return [(method, url.split("/v2/", 1)[1].split("?", 1)[0]) for method, url in rows if "/snelstart/v2/" in url]


def test_an_order_becomes_one_sales_booking_with_the_orders_total(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    payload = shop_order("KMO-2026-00101")
    order = post(merchant, payload)
    assert order.state == "posted", (order.error_code, order.error_message)
    [stored] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert Decimal(str(stored["factuurbedrag"])) == Decimal(payload["totals"]["total_incl_vat"])
    assert stored["factuurnummer"] == "KMO-2026-00101"
    with db.session_scope() as session:
        posting = session.execute(sa.select(Posting)).scalar_one()
        assert posting.remote_id == stored["id"] and order.total_difference is None


def test_a_booking_that_times_out_after_snelstart_committed_is_looked_up_not_sent_again(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    sandboxes.snelstart.add_fault(FaultRule("POST", "verkoopboekingen", mode="commit_then_hang", hang_seconds=8))
    order = post(merchant, shop_order("KMO-2026-00102"))  # 8 s is longer than our 5 s client timeout
    assert order.state == "posted", (order.error_code, order.error_message)
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 1
    calls = [call for call in snelstart_calls(order.id) if call[1] in ("verkoopboekingen", "verkoopfacturen")]
    assert calls == [("POST", "verkoopboekingen"), ("GET", "verkoopfacturen")]
    [stored] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    with db.session_scope() as session:
        posting = session.execute(sa.select(Posting)).scalar_one()
        assert posting.remote_id == stored["id"] and posting.attempts == 1


def test_a_booking_snelstart_refuses_lands_in_errors_with_its_words(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    ledger = next(row["id"] for row in merchant["reference"]["ledgers"] if row["nummer"] == 8000)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        vat_map = dict(target.settings["vat_map"])
        vat_map["NL:9.00"] = {"vat_code": "Laag", "gl_account": ledger}  # a low-rate line on the high-rate ledger
        target.settings = {**target.settings, "vat_map": vat_map}
    order = post(merchant, shop_order("KMO-2026-00103"))
    assert order.state == "failed" and order.error_code == "TARGET_REJECTED"
    assert "Btw-soort 'Laag' is niet toegestaan op grootboek 8000" in order.error_message
    assert order.error_message.startswith("SnelStart ")  # "SnelStart refused the document: …" in the merchant's language


def test_an_order_becomes_one_sales_order_to_the_cent_even_after_a_lost_answer(sandboxes, database):
    merchant = snelstart_merchant(sandboxes, document_type="order", price_mode="excl")
    payload, _ = build("KMO-2026-00104", 104, [Amount(Decimal("12.40"), Decimal(21), 3),
                                               Amount(Decimal("2.10"), Decimal(9), 4)],
                       incl=False, email="winkel@example.nl", shipping=Amount(Decimal("4.13"), Decimal(21)),
                       discount=Amount(Decimal("5.00"), Decimal(21)))
    payload["billing_address"]["country_code"] = "NL"
    sandboxes.snelstart.add_fault(FaultRule("POST", "verkooporders", mode="commit_then_status", status=500))
    order = post(merchant, payload)
    assert order.state == "posted", (order.error_code, order.error_message)
    [stored] = sandboxes.snelstart.records(merchant["administration"], "verkooporders")
    assert Decimal(str(stored["totaalInclusiefBtw"])) == Decimal(payload["totals"]["total_incl_vat"])
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkooporders") == 1
    assert [c for c in snelstart_calls(order.id) if c[1] == "verkooporders"] == [("POST", "verkooporders"),
                                                                                 ("GET", "verkooporders")]
    assert order.total_difference is None


def test_an_order_that_meets_snelstarts_quota_waits_and_is_booked_once(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    sandboxes.snelstart.limits["minute"] = (2, 3.0)  # a tight quota: the third call of the order is refused
    sandboxes.snelstart.calls.clear()
    order = post(merchant, shop_order("KMO-2026-00105"))
    assert order.state == "posted", (order.error_code, order.error_message)
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 1
    posts = [c for c in snelstart_calls(order.id) if c == ("POST", "verkoopboekingen")]
    assert len(posts) == 2  # refused with 429 (nothing stored), then sent again after Retry-After
