"""`make run` restarts keep the payroll sandboxes: users, companies, the ledger's tokens and its transactions."""
from __future__ import annotations

from tests.support.payroll import make_payroll_merchant, wait_for_state
from worker import db
from worker.payroll import runs


def test_a_restart_keeps_the_payroll_logins_the_ledger_authorisation_and_what_was_booked(sandboxes, worker, tmp_path):
    sandboxes.state_dir = tmp_path  # as `make run` starts them: kept in files under .data/sandboxes
    try:
        sandboxes.reset()
        merchant = make_payroll_merchant(sandboxes)
        sandboxes.reset()  # the restart
        assert len(sandboxes.nmbrs.users) == 1 and len(sandboxes.vismanet.users) == 1
        with db.session_scope() as session:  # the ledger tokens Koppel stored before the restart still work
            runs.send(session, merchant["tenant_id"], merchant["mapping_id"], sandboxes.nmbrs.year, run_id="101")
        assert wait_for_state(merchant["tenant_id"], "101").state == "posted"
        sandboxes.reset()  # and once more: the transaction is still in the ledger
        [booked] = sandboxes.vismanet.transactions(merchant["customer"])
        assert booked["financialPeriod"] == f"{sandboxes.nmbrs.year}01" and booked["debitTotal"] == booked["creditTotal"]
        assert sandboxes.nmbrs.companies[1]["runs"][101]["RunAt"].year == sandboxes.nmbrs.year  # types come back
    finally:
        sandboxes.state_dir = None
        sandboxes.reset()
