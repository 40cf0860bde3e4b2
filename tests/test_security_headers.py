"""CSP with a strict form-action, no caching of merchants' pages and PDFs, and no state change on GET."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal import create_app
from tests.support.language import says
from tests.support.merchants import make_merchant
from worker import db, subscription
from worker.config import settings
from worker.models import Invoice, Tenant


def csp(response) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in response.headers["Content-Security-Policy"].split(";"))
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def log_in(client, merchant):
    assert client.post("/login", data={"username": merchant["email"],
                                       "password": merchant["password"]}).status_code == 302


def test_pages_only_submit_forms_to_the_portal_and_are_never_framed(client, database):
    policy = csp(client.get("/login"))
    assert policy["form-action"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"


def test_the_page_with_the_connect_button_may_submit_to_exact_and_nowhere_else(client, database):
    log_in(client, make_merchant())
    exact = re.match(r"https?://[^/]+", settings.exact_base_url).group(0)
    assert csp(client.get("/"))["form-action"] == f"'self' {exact}"
    assert csp(client.get("/config/"))["form-action"] == "'self'"


def test_merchants_pages_and_pdfs_are_not_stored_by_browsers_or_proxies(sandboxes, client):
    log_in(client, make_merchant(sandboxes))
    assert "no-store" not in client.get("/static/css/koppel.css").headers.get("Cache-Control", "")
    for path in ("/", "/profile/", "/config/", "/tab/errors"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    client.post("/profile/subscribe")
    with db.session_scope() as session:
        invoice = session.execute(sa.select(Invoice)).scalar_one()
    pdf = client.get(f"/profile/invoices/{invoice.id}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.headers["Cache-Control"] == "no-store"


@pytest.fixture
def csrf_client(database):
    """A client of the portal with CSRF protection on, as in production."""
    return create_app({"TESTING": True, "DATABASE_URL": database}).test_client()


def token_of(page) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_pay_link_shows_a_button_and_only_a_post_with_csrf_creates_a_payment(sandboxes, csrf_client):
    merchant = make_merchant(sandboxes)
    with db.session_scope() as session:
        invoice_id = subscription.open_invoice(session, session.get(Tenant, merchant["tenant_id"])).id
    token = token_of(csrf_client.get("/login"))
    csrf_client.post("/login", data={"csrf_token": token, "username": merchant["email"],
                                     "password": merchant["password"]})
    page = csrf_client.get(f"/profile/invoices/{invoice_id}/pay")
    assert page.status_code == 200 and says(page.get_data(as_text=True), "Pay now")
    assert csrf_client.post(f"/profile/invoices/{invoice_id}/pay").status_code == 400  # no token
    with db.session_scope() as session:
        assert session.get(Invoice, invoice_id).payment_id is None  # neither the GET nor the forged POST paid
    paying = csrf_client.post(f"/profile/invoices/{invoice_id}/pay", data={"csrf_token": token_of(page)})
    assert paying.status_code == 302 and "/mollie/checkout/" in paying.headers["Location"]
    mollie = re.match(r"https?://[^/]+", paying.headers["Location"]).group(0)
    assert csp(page)["form-action"] == f"'self' {mollie}"  # the checkout's site, on this page only
