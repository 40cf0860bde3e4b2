"""A company's runs show right after it is mapped (or the payroll system is connected again), not the next
morning: the portal queues one poll of the tenant, which follows the morning poll's rules."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from tests.support.payroll import connect_ledger, connect_payroll, make_payroll_merchant, payroll_run, wait_for_state
from tests.support.waiting import wait_for
from tests.support.workers import WorkerThread
from worker import db
from worker.models import PayrollRun

HX = {"HX-Request": "true"}
MAPPING = {"payroll_company": "1", "ledger_company": "1"}


def logged_in(web, merchant):
    client = web.test_client()
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}).status_code == 302
    return client


def connected_merchant(sandboxes) -> dict:
    """Both systems connected, no company mapped yet: what a merchant has just before the first mapping."""
    merchant = make_merchant(sandboxes, connect_exact=False)
    connect_payroll(sandboxes, merchant["tenant_id"])
    _, customer = connect_ledger(sandboxes, merchant["tenant_id"])
    return {**merchant, "customer": customer}


def polls_waiting(tenant_id: int) -> int:
    with db.session_scope() as session:
        return session.execute(sa.text(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'poll_tenant_payroll' "
            "AND status IN ('todo', 'doing') AND (args->>'tenant_id')::int = :tenant"), {"tenant": tenant_id}).scalar()


def checked_runs(tenant_id: int) -> dict[str, str]:
    """Run id → state of the tenant's runs whose before-send check has finished (totals known)."""
    with db.session_scope() as session:
        return dict(session.execute(sa.select(PayrollRun.run_id, PayrollRun.state).where(
            PayrollRun.tenant_id == tenant_id, PayrollRun.total_debit.is_not(None))).all())


def with_worker(database, action):
    """Run ``action()`` while a real worker works this test's queue (started only now, so what the portal
    queued before is counted while it still waits)."""
    worker = WorkerThread(database).start()
    try:
        return action()
    finally:
        worker.stop()


def test_a_mapped_companys_runs_are_in_open_at_once_and_two_saves_queue_one_poll(sandboxes, web, database):
    merchant = connected_merchant(sandboxes)
    client = logged_in(web, merchant)
    page = client.post("/administrations/mappings", data=MAPPING, follow_redirects=True).get_data(as_text=True)
    client.post("/administrations/mappings", data={**MAPPING, "cost_center_on": "1",
                                                   "cost_center_description": "Kostenplaats"})
    assert says(page, "Koppel is fetching the payroll runs of %(company)s now.", company="Bakkerij Visser BV")
    assert polls_waiting(merchant["tenant_id"]) == 1  # the second save found the first one's poll waiting

    def shown_in_open():
        wait_for(lambda: len(checked_runs(merchant["tenant_id"])) == 3, timeout=60, message="the three runs checked")
        return client.get("/tab/open", headers=HX).get_data(as_text=True)

    open_tab = with_worker(database, shown_in_open)
    assert checked_runs(merchant["tenant_id"]) == {"101": "open", "102": "open", "103": "open"}
    ids = [payroll_run(merchant["tenant_id"], run_id).id for run_id in ("101", "102", "103")]
    assert all(f'id="journal-{run_id}"' in open_tab for run_id in ids)
    assert sandboxes.vismanet.transactions(merchant["customer"], "1") == []  # open: nothing sent


def test_with_automatic_sending_a_mapped_companys_runs_are_sent_at_once(sandboxes, web, database):
    merchant = connected_merchant(sandboxes)
    client = logged_in(web, merchant)
    client.post("/administrations/mappings", data={**MAPPING, "auto_send": "1"})
    posted = with_worker(database, lambda: [wait_for_state(merchant["tenant_id"], run_id, timeout=60)
                                            for run_id in ("101", "102", "103")])
    assert [run.state for run in posted] == ["posted"] * 3, [run.error_params for run in posted]


def test_connecting_the_payroll_system_again_fetches_the_mapped_companys_runs(sandboxes, web, database):
    merchant = make_payroll_merchant(sandboxes)
    sandboxes.nmbrs.add_user("nieuw@visser.nl", "nieuw-token")
    page = logged_in(web, merchant).post("/administrations/payroll", follow_redirects=True, data={
        "system": "nmbrs", "username": "nieuw@visser.nl", "token": "nieuw-token", "domain": ""}).get_data(as_text=True)
    assert says(page, "Koppel is fetching the payroll runs of your mapped companies now.")
    assert polls_waiting(merchant["tenant_id"]) == 1
    with_worker(database, lambda: wait_for(lambda: len(checked_runs(merchant["tenant_id"])) == 3, timeout=60,
                                           message="the three runs checked"))

