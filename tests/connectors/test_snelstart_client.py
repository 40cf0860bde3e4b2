"""The SnelStart client and connector against the sandbox over a real socket: keys, tokens, limits, errors."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from tests.support.language import says
from tests.support.snelstart import snelstart_merchant, target
from worker import db, ratelimit, secrets
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled
from worker.connectors.snelstart import SnelStartTarget
from worker.connectors.snelstart.sandbox import FaultRule
from worker.models import Connection, OutboxEmail, RemoteCall


def client(merchant):
    return SnelStartTarget.client(target(merchant))


def test_a_key_is_tested_by_exchanging_it_and_a_wrong_one_is_explained(sandboxes, database):
    _, key = sandboxes.snelstart.add_administration("Proef BV")
    SnelStartTarget.test_credentials({"client_key": key})
    with pytest.raises(ReauthRequired) as refused:
        SnelStartTarget.test_credentials({"client_key": "bm9ib2R5Om5vdGhpbmc="})
    assert "refused this connection key" in SnelStartTarget.refusal(refused.value)


def test_connecting_keeps_the_key_secret_and_reads_the_administration(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    connection = target(merchant)
    assert connection.status == "connected" and SnelStartTarget.is_ready(connection)
    assert merchant["client_key"] not in str(connection.settings)
    assert secrets.read(connection)["client_key"] == merchant["client_key"]
    assert SnelStartTarget.administration_key(connection) == f"snelstart:{merchant['administration']}"
    reference = connection.settings["reference"]
    offered = {row["value"]: str(rate) for row in SnelStartTarget.vat_code_rows(reference, None)
               for rate in [SnelStartTarget.vat_code_rates(reference)[row["value"]]]}
    assert {code: rate for code, rate in offered.items() if not code.startswith("OSS:")} == {
        "Hoog": "21.00", "Laag": "9.00", "Geen": "0.00", "Verlegd": "0.00"}
    assert offered["OSS:19.00"] == "19.00" and "OSS:0.00" not in offered  # foreign VAT has codes of its own
    revenue = [row["label"] for row in SnelStartTarget.revenue_accounts(reference)]
    assert "8000 Omzet hoog" in revenue and "1300 Debiteuren" not in revenue
    assert not any(label.startswith("8900") for label in revenue)  # inactive ledgers are not offered
    general = {choice.name: choice for choice in SnelStartTarget.general_choices(reference)}
    assert {label for _, label in general["journal"].rows} == {"70 Verkoop", "90 Memoriaal"}
    assert "Standaard factuur" in {label for _, label in general["invoice_layout"].rows}


def test_an_inkaart_administration_offers_sales_bookings_only(sandboxes, database):
    merchant = snelstart_merchant(sandboxes, package="InKaart")
    reference = target(merchant).settings["reference"]
    assert reference["orders_allowed"] is False
    assert "invoice_layout" not in {choice.name for choice in SnelStartTarget.general_choices(reference)}


def test_an_expired_token_is_renewed_once_and_the_call_goes_through(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    client(merchant).get_one("companyInfo")
    calls = sandboxes.snelstart.token_calls
    sandboxes.snelstart.expire_tokens()  # SnelStart forgot our token before we expected
    assert client(merchant).get_one("companyInfo")["administratieIdentifier"] == merchant["administration"]
    assert sandboxes.snelstart.token_calls == calls + 1


def test_a_token_about_to_expire_is_renewed_before_the_call(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    with db.session_scope() as session:
        connection = session.get(Connection, merchant["target"].id)
        old = secrets.read(connection)["access_token"]
        secrets.update(connection, token_expires_at=time.time() + 30)
    calls = sandboxes.snelstart.token_calls
    client(merchant).get_one("companyInfo")
    assert sandboxes.snelstart.token_calls == calls + 1
    assert secrets.read(target(merchant))["access_token"] != old


def test_a_revoked_key_asks_the_merchant_for_a_new_one(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    sandboxes.snelstart.revoke(merchant["client_key"])
    sandboxes.snelstart.expire_tokens()
    with pytest.raises(ReauthRequired) as gone:
        client(merchant).get_one("companyInfo")
    assert "koppelsleutel" in str(gone.value)
    assert target(merchant).status == "error"
    calls = sandboxes.snelstart.token_calls
    with pytest.raises(ReauthRequired):  # the next order asks nothing of SnelStart and mails nobody again
        client(merchant).get_one("companyInfo")
    with db.session_scope() as session:
        mails = session.execute(sa.select(OutboxEmail).where(OutboxEmail.tenant_id == merchant["tenant_id"])).scalars()
        assert sum("SnelStart" in mail.body for mail in mails) == 1
    assert sandboxes.snelstart.token_calls == calls


def test_a_429_waits_until_retry_after_and_every_worker_knows(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    sandboxes.snelstart.limits["minute"] = (1, 60.0)
    sandboxes.snelstart.calls.clear()
    client(merchant).get_one("companyInfo")
    before = dt.datetime.now(dt.timezone.utc)
    with pytest.raises(Throttled) as throttled:
        client(merchant).get_one("companyInfo")
    assert before + dt.timedelta(seconds=50) < throttled.value.retry_at <= before + dt.timedelta(seconds=62)
    [window] = ratelimit.budgets(merchant["target"].id)
    assert window["remaining"] == 0
    with pytest.raises(Throttled):  # not even sent: our own budget says wait
        client(merchant).get_one("companyInfo")


def test_refusals_carry_snelstarts_field_and_message_in_each_shape(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    api = client(merchant)
    with pytest.raises(RemoteRejected) as booking:
        api.post("verkoopboekingen", {"factuurnummer": "X1", "boekingsregels": []})
    assert booking.value.status == 400 and "Verkoopboeking.Klant:" in booking.value.message
    with pytest.raises(RemoteRejected) as relation:
        api.post("relaties", {"relatiesoort": ["Klant"], "naam": "N" * 60})
    assert "relatie.Naam: Maximaal 50 tekens." in relation.value.message
    with pytest.raises(RemoteRejected) as missing:
        api.get_one("relaties/00000000-0000-0000-0000-000000000000")
    assert missing.value.status == 404 and missing.value.message == "Resource not found"


def test_a_server_error_is_unavailable_for_reads_and_in_doubt_for_writes(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    sandboxes.snelstart.add_fault(FaultRule("GET", "grootboeken", status=503))
    with pytest.raises(RemoteUnavailable):
        client(merchant).get("grootboeken")
    sandboxes.snelstart.add_fault(FaultRule("POST", "relaties", mode="commit_then_status", status=500))
    with pytest.raises(OutcomeUnknown) as doubt:
        client(merchant).post("relaties", {"relatiesoort": ["Klant"], "naam": "Twijfel"})
    assert doubt.value.status == 500
    assert sandboxes.snelstart.post_count(merchant["administration"], "relaties") == 1


def test_the_subscription_key_is_sent_but_never_logged(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    client(merchant).get("grootboeken")
    with db.session_scope() as session:
        logged = [str([call.url, call.request_body, call.response_body]) for call in session.execute(
            sa.select(RemoteCall).where(RemoteCall.connection_id == merchant["target"].id)).scalars()]
    assert logged and not any(settings.snelstart_subscription_key in text for text in logged)
    assert not any(merchant["client_key"] in text for text in logged)


def test_the_connect_form_asks_for_the_key_and_says_where_it_is_made():
    [field] = SnelStartTarget.connect_fields()
    assert field.name == "client_key" and field.secret and "Koppelingen" in field.help
    assert says(SnelStartTarget.connect_help, "Koppelingen")


def test_workers_renewing_at_once_ask_for_one_token(sandboxes, database):
    import concurrent.futures

    merchant = snelstart_merchant(sandboxes)
    with db.session_scope() as session:
        secrets.update(session.get(Connection, merchant["target"].id), token_expires_at=time.time() - 1)
    calls = sandboxes.snelstart.token_calls
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: client(merchant).get_one("companyInfo"), range(4)))
    assert {answer["administratieIdentifier"] for answer in answers} == {merchant["administration"]}
    assert sandboxes.snelstart.token_calls == calls + 1  # the others waited on the row lock and took it


def test_a_refused_subscription_key_is_ours_to_fix_not_the_merchants(sandboxes, database):
    merchant = snelstart_merchant(sandboxes)
    sandboxes.snelstart.subscription_keys.clear()  # as if our key were rotated away in the developer portal
    calls = sandboxes.snelstart.token_calls
    with pytest.raises(RemoteRejected) as refused:
        client(merchant).get_one("companyInfo")
    assert refused.value.status == 401 and "subscription key" in refused.value.message
    assert sandboxes.snelstart.token_calls == calls and target(merchant).status == "connected"
