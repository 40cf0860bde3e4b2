"""Payroll runs into the ledger through the real SOAP client, the real ledger client and both sandboxes."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.support.payroll import make_payroll_merchant, payroll_run, transactions, wait_for_state
from tests.support.waiting import wait_for
from worker import config, db
from worker.connectors.visma_net.sandbox import FaultRule
from worker.connectors.nmbrs import Run
from worker.models import Connection, PayrollMapping, PayrollRun, RemoteCall
from worker.payroll import poll, runs
from worker.connectors.nmbrs.sandbox import line, month_lines


def send(merchant, year: int, run_id=None, period=None) -> None:
    with db.session_scope() as session:
        queued = runs.send(session, merchant["tenant_id"], merchant["mapping_id"], year, run_id=run_id, period=period)
        assert queued


def ledger_transactions(sandboxes, merchant) -> list[dict]:
    return sandboxes.vismanet.transactions(merchant["customer"], "1")


def test_a_march_run_with_twk_for_two_earlier_months_books_three_periods(sandboxes, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    send(merchant, year, period=3)
    posted = wait_for_state(merchant["tenant_id"], "103")
    assert posted.state == "posted", (posted.error_code, posted.error_params)
    booked = {t["financialPeriod"]: t for t in ledger_transactions(sandboxes, merchant)}
    assert sorted(booked) == [f"{year}01", f"{year}02", f"{year}03"]
    reference = f"PR-1-{year}-03"
    for transaction in booked.values():
        assert transaction["debitTotal"] == transaction["creditTotal"]
        assert {l["referenceNumber"] for l in transaction["journalTransactionLines"]} == {reference}
    assert Decimal(str(booked[f"{year}01"]["debitTotal"])) == Decimal("150.00")  # the TWK raise, in January
    assert Decimal(str(booked[f"{year}03"]["debitTotal"])) == Decimal("10500.00")
    assert posted.total_debit == posted.total_credit == Decimal("10800.00")
    assert [t.batch_number for t in transactions(posted.id)] == [booked[p]["batchNumber"] for p in sorted(booked)]


def test_a_missing_ledger_account_blocks_the_post_and_is_named(sandboxes, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    with sandboxes.vismanet.lock:
        accounts = sandboxes.vismanet.company(merchant["customer"], "1")["accounts"]
        del accounts["2410"], accounts["2400"]
    send(merchant, year, run_id="101")
    failed = wait_for_state(merchant["tenant_id"], "101")
    assert failed.state == "failed" and failed.error_code == "LEDGER_ACCOUNTS_MISSING"
    assert failed.error_params["accounts"] == "2400, 2410"
    assert "%(accounts)s" in failed.error_message and ledger_transactions(sandboxes, merchant) == []


def test_an_unbalanced_run_is_refused_before_anything_is_sent(sandboxes, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    sandboxes.nmbrs.reopen_run(1, 101, month_lines(1, 1, "10000.00", "2000.00") + [line(1, 1, "4100", "Premie", debit="0.01")])
    send(merchant, year, run_id="101")
    failed = wait_for_state(merchant["tenant_id"], "101")
    assert failed.error_code == "JOURNAL_UNBALANCED"
    assert (failed.error_params["debit"], failed.error_params["credit"]) == ("10000.01", "10000.00")
    assert ledger_transactions(sandboxes, merchant) == []


@pytest.mark.parametrize(("arrange", "code"), [
    (lambda company, customer: company.update(test_company=True), "LEDGER_TEST_COMPANY"),
    (lambda company, customer: customer.update(blocked=True), "LEDGER_CUSTOMER_BLOCKED"),
])
def test_a_refusal_becomes_advice(sandboxes, worker, arrange, code):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    with sandboxes.vismanet.lock:
        customer = sandboxes.vismanet.customers[merchant["customer"]]
        arrange(customer["companies"]["1"], customer)
    send(merchant, year, run_id="101")
    failed = wait_for_state(merchant["tenant_id"], "101")
    assert failed.state == "failed" and failed.error_code == code
    assert failed.error_params["ledger"] == "Visma.net"


def test_a_run_is_posted_once_however_often_it_is_sent(sandboxes, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    send(merchant, year, run_id="102")
    first = wait_for_state(merchant["tenant_id"], "102")
    send(merchant, year, run_id="102")
    send(merchant, year, period=2)
    wait_for_state(merchant["tenant_id"], "102")
    assert first.state == "posted" and len(ledger_transactions(sandboxes, merchant)) == 1
    with pytest.raises(sa.exc.IntegrityError), db.session_scope() as session:
        session.add(PayrollRun(tenant_id=merchant["tenant_id"], mapping_id=merchant["mapping_id"],
                               payroll_company_id="1", year=year, run_id="102", run_number=2, period=2,
                               reference="again", state="queued"))


@pytest.mark.parametrize(("fault", "statuses"), [
    # the ledger committed, the answer came too late: the look-up finds it, nothing is sent again
    (FaultRule("POST", "journaltransaction", mode="commit_then_hang", hang_seconds=3), [None, 200]),
    # the ledger committed, then answered 500: the same
    (FaultRule("POST", "journaltransaction", mode="commit_then_status", status=500), [500, 200]),
    # the ledger did nothing and answered 504 late: the look-up finds nothing, so it is sent once more
    (FaultRule("POST", "journaltransaction", mode="hang", hang_seconds=3, status=504), [None, 200, 201]),
], ids=["timeout-after-commit", "500-after-commit", "timeout-without-commit"])
def test_an_unknown_outcome_is_resolved_by_our_reference_before_anything_is_sent_again(sandboxes, worker, fault,
                                                                                       statuses):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    old = config.override(http_timeout=1.0, settle_seconds=1.0)
    try:
        sandboxes.vismanet.add_fault(fault)
        send(merchant, year, run_id="101")
        posted = wait_for_state(merchant["tenant_id"], "101")
    finally:
        config.override(**old)
        sandboxes.vismanet.faults.clear()
    booked = ledger_transactions(sandboxes, merchant)
    assert posted.state == "posted" and len(booked) == 1
    assert transactions(posted.id)[0].batch_number == booked[0]["batchNumber"]
    with db.session_scope() as session:
        calls = session.execute(sa.select(RemoteCall.status).where(
            RemoteCall.tenant_id == merchant["tenant_id"], RemoteCall.url.contains("journaltransaction"))
            .order_by(RemoteCall.id)).scalars().all()
    assert calls == statuses  # the POST in doubt, the look-up, and a second POST only when nothing was found


def test_a_reopened_run_that_changed_is_reported_not_posted_again(sandboxes, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    send(merchant, year, run_id="102")
    assert wait_for_state(merchant["tenant_id"], "102").state == "posted"
    sandboxes.nmbrs.reopen_run(1, 102, month_lines(2, 2, "10100.00", "2020.00"))
    send(merchant, year, run_id="102")
    changed = wait_for_state(merchant["tenant_id"], "102", states=("changed",))
    booked = ledger_transactions(sandboxes, merchant)
    assert changed.error_code == "PAYROLL_RUN_CHANGED" and changed.error_params["batches"] == booked[0]["batchNumber"]
    assert len(booked) == 1


def test_the_daily_poll_checks_new_runs_without_sending_and_reports_a_changed_one(sandboxes, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    with sandboxes.vismanet.lock:
        del sandboxes.vismanet.company(merchant["customer"], "1")["accounts"]["2400"]
    assert poll.poll(merchant["tenant_id"]) == 3
    checked = wait_for(lambda: (lambda r: r if r.error_code else None)(payroll_run(merchant["tenant_id"], "101")))
    assert checked.state == "failed" and checked.error_params["accounts"] == "2400"  # the Errors tab, with advice
    assert ledger_transactions(sandboxes, merchant) == []
    with sandboxes.vismanet.lock:
        sandboxes.vismanet.company(merchant["customer"], "1")["accounts"]["2400"] = {"description": "LH", "active": True}
    send(merchant, year, run_id="101")
    assert wait_for_state(merchant["tenant_id"], "101").state == "posted"
    sandboxes.nmbrs.reopen_run(1, 101, month_lines(1, 1, "9000.00", "1800.00"))
    assert poll.poll(merchant["tenant_id"]) == 0
    assert wait_for_state(merchant["tenant_id"], "101", states=("changed",)).error_code == "PAYROLL_RUN_CHANGED"
    assert len(ledger_transactions(sandboxes, merchant)) == 1


def test_a_payroll_token_withdrawn_turns_the_connection_red_and_fails_the_run(sandboxes, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    with sandboxes.nmbrs.lock:
        for user in sandboxes.nmbrs.users.values():
            user["token"] = "withdrawn"
    # the runs cannot even be listed now: queue the run as it was listed before the token was withdrawn
    with db.session_scope() as session:
        mapping = session.get(PayrollMapping, merchant["mapping_id"])
        runs.request_send(session, mapping, year, Run(101, 1, year, 1, 1, "", True))
    failed = wait_for_state(merchant["tenant_id"], "101")
    assert failed.error_code == "PAYROLL_REFUSED" and failed.error_params["value"].startswith("1001:")
    with db.session_scope() as session:
        payroll = session.get(Connection, merchant["payroll_id"])
        assert payroll.status == "error" and "1001" in payroll.status_reason


def test_switching_a_dimension_on_after_sending_is_not_a_change(sandboxes, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    send(merchant, year, run_id="101")
    assert wait_for_state(merchant["tenant_id"], "101").state == "posted"
    with db.session_scope() as session:
        session.get(PayrollMapping, merchant["mapping_id"]).cost_center_dimension = "Kostenplaats"
    send(merchant, year, run_id="101")
    wait_for(lambda: not _jobs_waiting(), message="the re-check to run")
    assert payroll_run(merchant["tenant_id"], "101").state == "posted"
    assert len(ledger_transactions(sandboxes, merchant)) == 1


def _jobs_waiting() -> int:
    with db.session_scope() as session:
        return session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'post_payroll_run' "
                                       "AND status IN ('todo', 'doing')")).scalar()
