"""The Factuursturen client against its sandbox over a real socket: connecting, limits, failures."""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from worker import config, configuration, db, ratelimit, secrets
from worker.connectors.errors import OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled
from worker.connectors.factuursturen import FactuursturenTarget, limits
from worker.connectors.factuursturen.sandbox import FaultRule
from worker.models import Connection, RemoteCall
from worker.models.base import utcnow

_accounts = itertools.count(1)


def connect_factuursturen(sandboxes, **connection_settings) -> dict:
    """A merchant whose target is a fresh Factuursturen sandbox account, connected through ``connect``."""
    merchant = make_merchant(sandboxes, connect_exact=False)
    username, api_key = f"winkel{next(_accounts)}", "fs-key-" + "x" * 24
    sandboxes.factuursturen.add_account(username, api_key)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.system, target.settings = "factuursturen", {**FactuursturenTarget.defaults(), **connection_settings}
        FactuursturenTarget.connect(target, {"username": f" {username} ", "api_key": api_key})
    return {**merchant, "username": username, "api_key": api_key, "target_id": merchant["target"].id}


def connection(target_id: int) -> Connection:
    with db.session_scope() as session:
        found = session.get(Connection, target_id)
        session.expunge(found)
        return found


def test_connecting_stores_the_key_encrypted_and_reads_the_accounts_lists(sandboxes):
    merchant = connect_factuursturen(sandboxes)
    target = connection(merchant["target_id"])
    assert target.status == "connected" and FactuursturenTarget.is_ready(target)
    assert target.settings["username"] == merchant["username"]  # trimmed
    assert secrets.read(target)["api_key"] == merchant["api_key"] and merchant["api_key"] not in str(target.settings)
    reference = target.settings["reference"]
    assert FactuursturenTarget.vat_code_rates(reference) == {"21": 21, "9": 9, "0": 0}
    assert [row["value"] for row in FactuursturenTarget.revenue_accounts(reference)] == ["1", "2", "3"]
    assert FactuursturenTarget.general_choices(reference)[0].rows == (("1", "Standaard"), ("2", "Webwinkel"))
    assert FactuursturenTarget.connected_text % target.settings == f"Connected as {merchant['username']}."
    FactuursturenTarget.test_connection(target)
    with db.session_scope() as session:
        calls = session.execute(sa.select(RemoteCall).where(RemoteCall.connection_id == target.id)).scalars().all()
    assert calls and all(merchant["api_key"] not in str(call.__dict__) for call in calls)


def test_wrong_details_are_refused_with_a_sentence_that_says_where_to_look(sandboxes):
    sandboxes.factuursturen.add_account("bakker", "goede-sleutel")
    FactuursturenTarget.test_credentials({"username": "bakker", "api_key": "goede-sleutel"})
    with pytest.raises(ReauthRequired) as caught:
        FactuursturenTarget.test_credentials({"username": "bakker", "api_key": "oude-sleutel"})
    assert "Instellingen > Verbindingen" in FactuursturenTarget.refusal(caught.value)
    sandboxes.factuursturen.set_active("bakker", False)  # key switched off: refused the same way
    with pytest.raises(ReauthRequired):
        FactuursturenTarget.test_credentials({"username": "bakker", "api_key": "goede-sleutel"})


def test_an_unreachable_factuursturen_is_a_passing_failure(sandboxes):
    old = config.override(factuursturen_api_url="http://127.0.0.1:9/api/v1")
    try:
        with pytest.raises(RemoteUnavailable) as caught:
            FactuursturenTarget.test_credentials({"username": "a", "api_key": "b"})
    finally:
        config.override(**old)
    assert "%(error)s" in FactuursturenTarget.refusal(caught.value)


def test_the_remaining_calls_are_recorded_and_a_403_with_none_left_is_throttled(sandboxes):
    merchant = connect_factuursturen(sandboxes)
    target = connection(merchant["target_id"])
    client = FactuursturenTarget.client(target)
    remote = {b["window"]: b for b in ratelimit.budgets(target.id)}["factuursturen:remote:hour"]
    assert remote["remaining"] == 60 and remote["limit"] == 60
    sandboxes.factuursturen.limit.windows[merchant["username"]] = [sandboxes.factuursturen.clock.now(), 60]
    with pytest.raises(Throttled) as caught:
        client.create("invoices", {"action": "send"})
    budgets = {b["window"]: b for b in ratelimit.budgets(target.id)}
    assert budgets["factuursturen:remote:hour"]["remaining"] == 0
    assert budgets["factuursturen:invoices:hour"]["remaining"] == 0
    assert caught.value.retry_at == budgets["factuursturen:remote:hour"]["resets_at"]
    with pytest.raises(Throttled):  # the next invoice is not even tried
        limits.take_invoice(target.id)


def test_our_own_hourly_invoice_budget_holds_back_the_sixty_first(sandboxes):
    merchant = connect_factuursturen(sandboxes)
    target_id = merchant["target_id"]
    old = config.override(factuursturen_invoices_per_hour=3)
    try:
        for _ in range(3):
            limits.take_invoice(target_id)
        with pytest.raises(Throttled) as caught:
            limits.take_invoice(target_id)
    finally:
        config.override(**old)
    assert caught.value.retry_at > utcnow()  # a time to wait for, not a failure
    assert caught.value.retry_at == limits.reset_of(target_id, limits.invoices())


def test_a_5xx_on_a_post_is_an_unknown_outcome_and_on_a_get_a_passing_failure(sandboxes):
    merchant = connect_factuursturen(sandboxes)
    client = FactuursturenTarget.client(connection(merchant["target_id"]))
    sandboxes.factuursturen.add_fault(FaultRule("POST", "clients", status=500))
    with pytest.raises(OutcomeUnknown) as caught:
        client.create("clients", {"contact": "A"})
    assert caught.value.status == 500
    sandboxes.factuursturen.add_fault(FaultRule("GET", "clients", status=503))
    with pytest.raises(RemoteUnavailable):
        client.get("clients")


def test_a_post_without_an_answer_is_an_unknown_outcome(sandboxes):
    merchant = connect_factuursturen(sandboxes)
    client = FactuursturenTarget.client(connection(merchant["target_id"]))
    sandboxes.factuursturen.add_fault(FaultRule("POST", "clients", mode="commit_then_hang", hang_seconds=10))
    try:
        with pytest.raises(OutcomeUnknown):
            client.create("clients", {"contact": "Traag"})
    finally:
        sandboxes.factuursturen.clear_faults()
    assert [c["contact"] for c in sandboxes.factuursturen.records(merchant["username"], "clients")] == ["Traag"]


def test_a_refusal_carries_factuursturens_message(sandboxes):
    merchant = connect_factuursturen(sandboxes)
    client = FactuursturenTarget.client(connection(merchant["target_id"]))
    with pytest.raises(RemoteRejected) as caught:
        client.create("clients", {"contact": "A", "zipcode": "12345678"})
    assert caught.value.status == 400 and "zipcode" in caught.value.message


def test_the_configuration_offers_factuursturens_rates_categories_and_layouts_and_saves_them(sandboxes):
    merchant = connect_factuursturen(sandboxes)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target_id"])
        assert configuration.vat_code_choices(target)["21.00"] == [{"value": "21", "label": "21 % (high)"}]
        assert [c["value"] for c in configuration.vat_code_choices(target)["0.00"]] == ["0"]
        rows = [{"key": "NL:21.00", "country": "NL", "rate": "21", "vat_code": "21", "gl_account": "1"},
                {"key": "NL:9.00", "country": "NL", "rate": "9", "vat_code": "9", "gl_account": "2"},
                {"key": "ICP", "country": "ICP", "rate": "0", "vat_code": "0", "gl_account": "3"},
                {"key": "DE:19.00", "country": "DE", "rate": "19", "vat_code": "21", "gl_account": "1"}]
        errors = configuration.save_vat_table(target, rows)
        assert list(errors) == ["DE:19.00"]  # 21 % is not 19 %
        assert configuration.save_vat_table(target, rows[:3]) == {}
        assert target.settings["vat_map"]["ICP"] == {"vat_code": "0", "gl_account": "3"}
        assert configuration.save_general(target, {"document_type": "invoice", "profile": "9"}) == {
            "profile": "Not in your administration; reload the data from your accounting system."}
        assert configuration.save_general(target, {"document_type": "invoice", "profile": "2"}) == {}
        assert configuration.is_configured(target, "NL")
