"""`make run` restarts keep the payroll sandboxes: users, companies, the ledger's tokens and its transactions."""
from __future__ import annotations

import html

import requests

from tests.conftest import SANDBOX_PORT
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


def test_the_back_office_lists_the_payroll_logins_and_makes_new_ones(sandboxes):
    root = f"http://127.0.0.1:{SANDBOX_PORT}"
    sandboxes.nmbrs.add_user("salaris@visser.nl", "nmbrs-token-visser")
    sandboxes.vismanet.add_user("boekhouder@visser.nl", "ledger-pw")
    text = html.unescape(requests.get(f"{root}/", timeout=10).text)
    for value in ("salaris@visser.nl", "nmbrs-token-visser", "Bakkerij Visser BV (1)", "boekhouder@visser.nl",
                  "ledger-pw", "1: Visser Holding"):
        assert value in text, value
    requests.post(f"{root}/nmbrs-users", data={"username": "nieuw@visser.nl"}, timeout=10)
    requests.post(f"{root}/vismanet-users", data={"username": "nieuw@visma.test", "password": "pw"}, timeout=10)
    token = sandboxes.nmbrs.users["nieuw@visser.nl"]["token"]
    text = html.unescape(requests.get(f"{root}/", timeout=10).text)
    assert token in text and "nieuw@visma.test" in text
