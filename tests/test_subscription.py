"""The subscription: trial, offer, paying through Mollie's checkout, held orders resuming, stopping."""
from __future__ import annotations

import datetime as dt
import re

import requests
import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from worker import db, mail, subscription
from worker.models import Invoice, Order, OutboxEmail, Tenant

HX = {"HX-Request": "true"}


def end_trial(merchant, days_ago: int = 1) -> None:
    with db.session_scope() as session:
        session.get(Tenant, merchant["tenant_id"]).trial_ends_at = (
            dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago))


def state_of(number: str) -> str | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order.state).where(Order.number == number)).scalar()


def logged_in(web, merchant):
    client = web.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    return client


def test_after_the_trial_orders_are_kept_and_paying_sends_them_on(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    end_trial(merchant)
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    wait_for(lambda: state_of(shop_order["number"]) == "held")
    client = logged_in(web, merchant)
    dashboard = client.get("/").get_data(as_text=True)
    assert "trial has ended" in dashboard or "proefperiode" in dashboard
    assert shop_order["number"] in client.get("/tab/open", headers=HX).get_data(as_text=True)

    client.post("/profile/subscribe")
    with db.session_scope() as session:
        invoice = session.execute(sa.select(Invoice)).scalar_one()
    assert says(client.get(f"/profile/invoices/{invoice.id}/pay").get_data(as_text=True), "Pay now")
    to_checkout = client.post(f"/profile/invoices/{invoice.id}/pay")
    assert to_checkout.status_code == 302 and "/mollie/checkout/" in to_checkout.headers["Location"]
    paid = requests.post(to_checkout.headers["Location"], data={"status": "paid"}, allow_redirects=False, timeout=10)
    assert paid.status_code == 302  # back to Koppel
    sandboxes.mollie.wait_for_webhooks(timeout=10)
    wait_for(lambda: state_of(shop_order["number"]) == "posted")
    with db.session_scope() as session:
        invoice = session.get(Invoice, invoice.id)
        tenant = session.get(Tenant, merchant["tenant_id"])
        assert invoice.status == "paid" and tenant.paid_until > dt.datetime.now(dt.timezone.utc)


def test_a_failed_payment_changes_nothing(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    end_trial(merchant)
    client = logged_in(web, merchant)
    client.post("/profile/subscribe")
    with db.session_scope() as session:
        invoice = session.execute(sa.select(Invoice)).scalar_one()
    checkout = client.post(f"/profile/invoices/{invoice.id}/pay").headers["Location"]
    requests.post(checkout, data={"status": "failed"}, allow_redirects=False, timeout=10)
    sandboxes.mollie.wait_for_webhooks(timeout=10)
    with db.session_scope() as session:
        assert session.get(Invoice, invoice.id).status == "open"
        assert session.get(Tenant, merchant["tenant_id"]).paid_until is None


def test_the_offer_goes_out_once_near_the_end_of_the_trial_with_a_pay_link(database):
    merchant = make_merchant()
    end_trial(merchant, days_ago=-3)  # ends in three days
    with db.session_scope() as session:
        assert subscription.send_offers(session) == 1
        assert subscription.send_offers(session) == 0
    with db.session_scope() as session:
        [offer] = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "offer")).scalars().all()
        invoice = session.execute(sa.select(Invoice)).scalar_one()
    assert re.search(rf"/profile/invoices/{invoice.id}/pay", offer.body)
    # The amount as the merchant writes it: "€ 235,95" in Dutch, "€235.95" in English.
    assert re.search("€\\s?" + f"{invoice.total:.2f}".replace(".", "[.,]"), offer.body)
    assert invoice.total == invoice.amount_excl + invoice.vat


def test_invoice_pdf_is_a_pdf_and_only_for_its_own_tenant(sandboxes, web):
    a, b = make_merchant(sandboxes), make_merchant(sandboxes)
    client_a, client_b = logged_in(web, a), logged_in(web, b)
    client_a.post("/profile/subscribe")
    with db.session_scope() as session:
        invoice = session.execute(sa.select(Invoice)).scalar_one()
    pdf = client_a.get(f"/profile/invoices/{invoice.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client_b.get(f"/profile/invoices/{invoice.id}.pdf").status_code == 404
    assert client_b.get(f"/profile/invoices/{invoice.id}/pay").status_code == 404
    assert client_b.post(f"/profile/invoices/{invoice.id}/pay").status_code == 404


def test_stopping_takes_effect_today_and_keeps_the_data(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    before = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")
    wait_for(lambda: state_of(before["number"]) == "posted")
    client = logged_in(web, merchant)
    assert client.post("/profile/stop", data={}).status_code == 302  # needs the confirmation box
    with db.session_scope() as session:
        assert session.get(Tenant, merchant["tenant_id"]).stopped_at is None
    client.post("/profile/stop", data={"confirm": "yes"})
    with db.session_scope() as session:
        stopped = session.get(Tenant, merchant["tenant_id"]).stopped_at
    assert stopped.date() == dt.datetime.now(dt.timezone.utc).date()
    after = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")
    wait_for(lambda: state_of(after["number"]) == "held")
    assert before["number"] in client.get("/tab/report", headers=HX).get_data(as_text=True)


def test_the_extra_email_address_receives_messages_too(database):
    merchant = make_merchant()
    with db.session_scope() as session:
        tenant = session.get(Tenant, merchant["tenant_id"])
        tenant.extra_email = "boekhouder@example.com"
        assert mail.recipients_of(tenant) == [merchant["email"], "boekhouder@example.com"]
