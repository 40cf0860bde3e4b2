"""The Visma.net client over Visma Connect: refusals turned into advice, rate headers kept, the logged-in error."""
from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.support.language import says
from tests.support.payroll import REDIRECT, consent, make_payroll_merchant
from worker import db, ratelimit, secrets
from worker.config import settings
from worker.connectors.errors import ReauthRequired, RemoteRejected, Throttled
from worker.connectors.visma_net import VismaNetLedger, oauth, tokens
from worker.models import Connection, OutboxEmail
from worker.payroll.journal import LedgerLine, PeriodJournal, period_end


def ledger_of(merchant) -> Connection:
    with db.session_scope() as session:
        found = session.get(Connection, merchant["ledger_id"])
        session.expunge(found)
        return found


def one_period(year: int, period: int, account: str = "2410", amount: str = "1234.57") -> PeriodJournal:
    value = Decimal(amount)
    return PeriodJournal(period, f"{year}{period:02d}", period_end(year, period), (
        LedgerLine("4000", "Brutoloon", value, Decimal("0.00"), "100", "P1"),
        LedgerLine(account, "Netto loon", Decimal("0.00"), value)))


def test_a_journal_is_posted_to_the_cent_with_its_dimensions(sandboxes):
    merchant = make_payroll_merchant(sandboxes)
    year, ledger = sandboxes.vismanet.year, ledger_of(merchant)
    batch = VismaNetLedger.post_journal(ledger, "1", one_period(year, 4), "PR-1-X", "Payroll", {"cost_center": 1})
    stored = sandboxes.vismanet.transactions(merchant["customer"])[0]
    assert stored["batchNumber"] == batch and stored["debitTotal"] == Decimal("1234.57")
    assert stored["journalTransactionLines"][0]["subaccount"] == [{"segmentId": 1, "segmentValue": "100"}]
    assert VismaNetLedger.find_journal(ledger, "1", "PR-1-X", f"{year}04") == batch
    assert VismaNetLedger.find_journal(ledger, "1", "PR-1-X", f"{year}05") is None
    assert any(b["window"] == "vismanet:1" and b["remaining"] < 500 for b in ratelimit.budgets(ledger.id))


@pytest.mark.parametrize(("arrange", "journal", "code", "value"), [
    (lambda company, year: company["periods"][f"{year}04"].update(closed=True), {}, "LEDGER_PERIOD_CLOSED", "04"),
    (lambda company, year: None, {"account": "9999"}, "LEDGER_ACCOUNT_MISSING", "9999"),
    (lambda company, year: company.update(test_company=True), {}, "LEDGER_TEST_COMPANY", ""),
])
def test_each_refusal_is_turned_into_its_advice(sandboxes, arrange, journal, code, value):
    merchant = make_payroll_merchant(sandboxes)
    year = sandboxes.vismanet.year
    with sandboxes.vismanet.lock:
        arrange(sandboxes.vismanet.company(merchant["customer"], "1"), year)
    with pytest.raises(RemoteRejected) as refused:
        VismaNetLedger.post_journal(ledger_of(merchant), "1", one_period(year, 4, **journal), "PR", "Payroll", {})
    advice = VismaNetLedger.advise(refused.value)
    assert advice.code == code and advice.value.endswith(value) and advice.message


def test_a_company_outside_the_authorisation_has_no_licence(sandboxes):
    merchant = make_payroll_merchant(sandboxes)
    with pytest.raises(RemoteRejected) as refused:
        VismaNetLedger.reference_data(ledger_of(merchant), "7")
    assert VismaNetLedger.advise(refused.value).code == "LEDGER_NO_LICENSE"


def test_being_logged_in_to_visma_net_sends_the_merchant_back_with_an_error(sandboxes):
    sandboxes.vismanet.add_user("busy@visma.test", "pw")
    sandboxes.vismanet.users["busy@visma.test"]["session_open"] = True
    url, _, _ = oauth.authorization_url(settings.public_url + REDIRECT)
    back = consent(url, "busy@visma.test", "pw")
    assert back["error"] == "access_denied" and "code" not in back


def test_an_expired_access_token_is_refreshed_once_and_rotated(sandboxes):
    merchant = make_payroll_merchant(sandboxes)
    ledger = ledger_of(merchant)
    before = secrets.read(ledger)
    with db.session_scope() as session:
        secrets.update(session.get(Connection, ledger.id), expires_at=time.time() - 1)
    sandboxes.vismanet.expire_tokens()
    assert VismaNetLedger.companies(ledger) == [{"id": "1", "name": "Visser Holding"}]
    after = secrets.read(ledger_of(merchant))
    assert after["refresh_token"] != before["refresh_token"] and after["access_token"] != before["access_token"]
    assert sandboxes.vismanet.refresh[before["refresh_token"]]["used"] is True


def test_a_refused_refresh_token_marks_the_ledger_red_and_asks_to_connect_again(sandboxes):
    merchant = make_payroll_merchant(sandboxes)
    ledger = ledger_of(merchant)
    with db.session_scope() as session:
        secrets.update(session.get(Connection, ledger.id), expires_at=time.time() - 1)
    sandboxes.vismanet.refresh[secrets.read(ledger)["refresh_token"]]["used"] = True  # spent elsewhere
    with pytest.raises(ReauthRequired):
        VismaNetLedger.companies(ledger)
    after = ledger_of(merchant)
    assert after.status == "error" and after.status_reason == tokens.REAUTH_MESSAGE
    with pytest.raises(ReauthRequired):  # refused again in the same incident: no second e-mail
        VismaNetLedger.companies(ledger)
    with db.session_scope() as session:
        mails = session.execute(sa.select(OutboxEmail).where(OutboxEmail.tenant_id == merchant["tenant_id"],
                                                             OutboxEmail.kind == "reauth")).scalars().all()
    assert len(mails) == 1 and says(mails[0].subject, "Koppel: log in to %(system)s again", system="Visma.net")
    assert says(mails[0].body, "Nothing is lost: journals Koppel could not send are listed in the Errors tab "
                               "with what to do.")  # a payroll merchant reads about journals, not orders


def test_a_used_up_window_is_throttled_until_visma_net_says(sandboxes):
    merchant = make_payroll_merchant(sandboxes)
    sandboxes.vismanet.rate_limit = 1
    client = VismaNetLedger.client(ledger_of(merchant), "1")
    client.rows("v1/account")
    with pytest.raises(Throttled) as throttled:
        client.rows("v1/account")
    assert throttled.value.retry_at > dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=50)
