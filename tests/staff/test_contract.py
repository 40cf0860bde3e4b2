"""Contract settings on request, stop as of today, resume, trial extension, removing an old licence key."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from worker import configuration, connectors, db
from worker.models import Connection, Tenant, User
from worker.models.base import utcnow
from worker.pipeline import prechecks


def target_settings(merchant) -> dict:
    with db.session_scope() as session:
        return session.get(Connection, merchant["target"].id).settings


def tenant(merchant) -> Tenant:
    with db.session_scope() as session:
        return session.get(Tenant, merchant["tenant_id"])


def test_contract_options_are_stored_where_the_pipeline_reads_them(app, database):
    merchant = make_merchant()
    client, _ = staff_client(app, "admin")
    response = client.post(f"/staff/merchants/{merchant['tenant_id']}/contract", data={
        "document_types": ["invoice", "entry", "bogus"], "currencies": "usd, gbp",
        "direct_sales_invoices": "yes"})
    assert response.status_code == 302
    saved = target_settings(merchant)
    assert saved["contract_currencies"] == ["GBP", "USD"] and saved["contract_document_types"] == ["invoice", "entry"]
    assert saved["contract_direct_sales_invoices"] is True and saved["contract_no_revenue_account"] is False
    assert saved["sales_journal"] == merchant["target"].settings["sales_journal"]  # the merchant's own stay
    exact = connectors.get("exact_online")
    # The pre-check reads only the order's currency: the pipeline now books USD and still stops JPY.
    assert prechecks.check_currency(SimpleNamespace(currency="USD"), saved, exact) is None
    assert prechecks.check_currency(SimpleNamespace(currency="JPY"), saved, exact).code == "CURRENCY_NOT_EUR"


def test_bad_currency_codes_save_nothing(app, database):
    merchant = make_merchant()
    client, _ = staff_client(app, "admin")
    client.post(f"/staff/merchants/{merchant['tenant_id']}/contract", data={"currencies": "US Dollar"})
    assert "contract_currencies" not in target_settings(merchant)


def test_stop_is_as_of_today_and_resume_undoes_it(app, database):
    merchant = make_merchant()
    client, _ = staff_client(app, "admin")
    url = f"/staff/merchants/{merchant['tenant_id']}"
    client.post(f"{url}/stop", data={"confirm": "", "date": "2099-01-01"})
    assert tenant(merchant).stopped_at is None  # unconfirmed: nothing
    client.post(f"{url}/stop", data={"confirm": "yes", "date": "2099-01-01"})
    stopped = tenant(merchant).stopped_at
    assert stopped is not None and abs(stopped - utcnow()) < dt.timedelta(minutes=1)  # today, whatever was asked
    client.post(f"{url}/resume")
    assert tenant(merchant).stopped_at is None and tenant(merchant).transfers_allowed()


def test_a_trial_is_extended_from_its_end_within_limits(app, database):
    merchant = make_merchant()
    before = tenant(merchant).trial_ends_at
    client, _ = staff_client(app, "admin")
    client.post(f"/staff/merchants/{merchant['tenant_id']}/trial", data={"days": "14"})
    assert tenant(merchant).trial_ends_at - before == dt.timedelta(days=14)
    client.post(f"/staff/merchants/{merchant['tenant_id']}/trial", data={"days": "400"})
    assert tenant(merchant).trial_ends_at - before == dt.timedelta(days=14)


def test_an_old_licence_key_loses_its_logins_and_stops_but_a_strangers_cannot_be_removed(app, database):
    merchant, stranger = make_merchant(), make_merchant()
    with db.session_scope() as session:
        old = Tenant(name="Old", email=merchant["email"])
        session.add(old)
        session.flush()
        session.add(User(tenant_id=old.id, username="KOP-OLD", email=merchant["email"], password_hash="x"))
        old_id = old.id
    client, _ = staff_client(app, "admin")
    page = client.get(f"/staff/merchants/{merchant['tenant_id']}").get_data(as_text=True)
    assert f"/retire/{old_id}" in page
    client.post(f"/staff/merchants/{merchant['tenant_id']}/retire/{stranger['tenant_id']}")
    assert tenant(stranger).retired_at is None
    client.post(f"/staff/merchants/{merchant['tenant_id']}/retire/{old_id}")
    with db.session_scope() as session:
        retired = session.get(Tenant, old_id)
        assert retired.retired_at is not None and retired.stopped_at is not None
        assert session.execute(sa.select(User).where(User.tenant_id == old_id)).first() is None
    own = app.test_client()  # the e-mail now names one installation again
    assert own.post("/login", data={"username": merchant["email"], "password": merchant["password"]}
                    ).status_code == 302


def test_allowed_document_types_limit_what_the_merchant_can_choose_in_configuration(app, database):
    merchant = make_merchant()
    client, _ = staff_client(app, "admin")
    client.post(f"/staff/merchants/{merchant['tenant_id']}/contract", data={"document_types": ["invoice"]})
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        assert [key for key, _ in configuration.allowed_document_types(target)] == ["invoice"]
        errors = configuration.save_general(target, {**target.settings, "document_type": "entry"})
        assert "document_type" in errors and target.settings["document_type"] == "invoice"
    client.post(f"/staff/merchants/{merchant['tenant_id']}/contract", data={})
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        assert len(configuration.allowed_document_types(target)) == 3  # none ticked: all the target offers
