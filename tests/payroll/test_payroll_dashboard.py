"""A payroll merchant's dashboard: journals in Report / Errors / Open with More info, Process and Report problem,
and the daily poll that checks (or sends) a run that appeared, through the real SOAP and REST clients."""
from __future__ import annotations

import copy
import re
import time

import sqlalchemy as sa

from tests.support.language import both, says
from tests.support.payroll import make_payroll_merchant, payroll_run, wait_for_state
from tests.support.staff import staff_client
from tests.support.waiting import wait_for
from worker import db, jobs, tasks  # noqa: F401  (tasks: registers the periodic ones on the app)
from worker.connectors.nmbrs.sandbox import month_lines
from worker.i18n import money
from worker.models import OutboxEmail, PayrollMapping, PayrollRun, Ticket
from worker.payroll import runs

HX = {"HX-Request": "true"}


def logged_in(web, merchant):
    client = web.test_client()
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}).status_code == 302
    return client


def send(merchant, year: int, run_id: str) -> None:
    with db.session_scope() as session:
        assert runs.send(session, merchant["tenant_id"], merchant["mapping_id"], year, run_id=run_id)


def row_of(page: str, payroll_run_id: int) -> str:
    """The journal's row on the page; fails when it is not listed."""
    found = re.search(rf'<tr id="journal-{payroll_run_id}".*?</tr>', page, re.S)
    assert found, f"journal {payroll_run_id} is not on the page"
    return found.group(0)


def shows_money(text: str, amount) -> bool:
    return any(money(amount, language) in text for language in ("en", "nl"))


def ledger_transactions(sandboxes, merchant) -> list[dict]:
    return sandboxes.vismanet.transactions(merchant["customer"], "1")


def test_a_posted_journal_is_listed_in_report_with_its_totals_and_the_ledger_number(sandboxes, web, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    send(merchant, year, "102")
    posted = wait_for_state(merchant["tenant_id"], "102")
    [booked] = ledger_transactions(sandboxes, merchant)
    client = logged_in(web, merchant)
    page = client.get("/").get_data(as_text=True)  # the whole dashboard opens on Report
    row = row_of(page, posted.id)
    assert "Bakkerij Visser BV" in row and booked["batchNumber"] in row and f"<td data-label" in row
    assert posted.total_debit == posted.total_credit and shows_money(row, posted.total_debit)
    assert says(page, "Transaction in %(system)s", system="Visma.net")
    assert not says(page, "No orders transferred yet.") and not says(page, "Search by order number")
    for tab in ("errors", "open"):
        assert f'id="journal-{posted.id}"' not in client.get(f"/tab/{tab}", headers=HX).get_data(as_text=True)
    info = client.get(f"/journals/{posted.id}/info").get_data(as_text=True)
    assert says(info, "Period %(period)s", period=f"{year}02") and "Brutoloon" in info and "2410" in info


def test_a_missing_account_shows_in_errors_and_process_posts_it_once_after_it_exists(sandboxes, web, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    company = sandboxes.vismanet.company(merchant["customer"], "1")
    with sandboxes.vismanet.lock:
        net_pay = company["accounts"].pop("2410")
    send(merchant, year, "101")
    failed = wait_for_state(merchant["tenant_id"], "101")
    client = logged_in(web, merchant)
    errors = client.get("/tab/errors", headers=HX).get_data(as_text=True)
    row = row_of(errors, failed.id)
    assert "LEDGER_ACCOUNTS_MISSING" in row and says(row, failed.error_message, **failed.error_params)
    # the merchant's sentence leads; the code follows small and muted, for webcare
    assert "<strong>LEDGER_ACCOUNTS_MISSING" not in row and '<small class="muted error-code">' in row
    sentence = next(text for text in both(failed.error_message, **failed.error_params) if text in row)
    assert row.index(sentence) < row.index("LEDGER_ACCOUNTS_MISSING")
    assert failed.error_params["accounts"] == "2410"
    assert failed.total_debit == failed.total_credit and shows_money(row, failed.total_debit)  # what it would book
    info = client.get(f"/journals/{failed.id}/info").get_data(as_text=True)
    assert says(info, "Every ledger account exists in %(ledger)s", ledger="Visma.net")
    assert says(info, "Debits equal credits in every period") and "✗" in info and "2410" in info

    with sandboxes.vismanet.lock:
        company["accounts"]["2410"] = net_pay
    first = client.post(f"/journals/{failed.id}/process?tab=errors").get_data(as_text=True)
    client.post(f"/journals/{failed.id}/process?tab=errors")  # a double click
    assert 'hx-trigger="every 2s"' in first or "posted" in first
    assert wait_for_state(merchant["tenant_id"], "101").state == "posted"
    wait_for(lambda: not _jobs_waiting(), message="every posting job to finish")
    assert len(ledger_transactions(sandboxes, merchant)) == 1
    report = client.get("/tab/report", headers=HX).get_data(as_text=True)
    assert ledger_transactions(sandboxes, merchant)[0]["batchNumber"] in row_of(report, failed.id)
    assert f'id="journal-{failed.id}"' not in client.get("/tab/errors", headers=HX).get_data(as_text=True)


def test_report_problem_on_a_journal_opens_one_ticket_the_staff_console_shows(sandboxes, web, worker):
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    with sandboxes.vismanet.lock:
        del sandboxes.vismanet.company(merchant["customer"], "1")["accounts"]["2400"]
    send(merchant, year, "101")
    failed = wait_for_state(merchant["tenant_id"], "101")
    client = logged_in(web, merchant)
    fragment = client.post(f"/journals/{failed.id}/report?tab=errors").get_data(as_text=True)
    again = client.post(f"/journals/{failed.id}/report?tab=errors").get_data(as_text=True)
    with db.session_scope() as session:
        ticket = session.execute(sa.select(Ticket)).scalar_one()
        mails = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind.like("ticket%"))
                                .order_by(OutboxEmail.id)).scalars().all()
        session.expunge_all()
    assert ticket.payroll_run_id == failed.id and ticket.snapshot["journal"]["error_code"] == "LEDGER_ACCOUNTS_MISSING"
    assert says(fragment, "Thank you: ticket %(ticket)s was received. Webcare answers by e-mail.", ticket=ticket.id)
    assert says(again, "Ticket %(ticket)s about this journal is already with webcare; they answer by e-mail.",
                ticket=ticket.id)
    assert [m.kind for m in mails] == ["ticket", "ticket-receipt"] and mails[1].recipients == [merchant["email"]]
    staff, _ = staff_client(web)
    inbox = staff.get("/staff/tickets").get_data(as_text=True)
    assert f"journal PR-1-{year}-01" in inbox and "LEDGER_ACCOUNTS_MISSING" in inbox
    page = staff.get(f"/staff/tickets/{ticket.id}").get_data(as_text=True)
    assert f"Payroll journal PR-1-{year}-01" in page and "2400" in page


def add_run(sandboxes, run_id: int, period: int) -> None:
    """A new locked run in the monthly company, as the payroll office finishes it."""
    with sandboxes.nmbrs.lock:
        record = copy.deepcopy(sandboxes.nmbrs.run(1, 102))
        record.update(ID=run_id, Number=period, PeriodStart=period, PeriodEnd=period,
                      lines=month_lines(period, period, "11000.00", "2200.00"))
        sandboxes.nmbrs.add_run(1, record)


def run_daily_poll() -> None:
    """The periodic task, deferred as the scheduler defers it each morning, run by the real worker."""
    with db.session_scope() as session:
        job_id = jobs.defer(session, "poll_payroll_runs", timestamp=int(time.time()))
    # The worker deletes a job that succeeded (worker/jobs.py): gone means done, "failed" would stay.
    wait_for(lambda: _job_status(job_id) not in ("todo", "doing"), timeout=30, message="the daily payroll poll")
    assert _job_status(job_id) is None


def test_the_daily_poll_is_scheduled_and_lists_a_new_run_in_open_checked(sandboxes, web, worker):
    cron = {key[1]: task.cron for key, task in jobs.app.periodic_registry.periodic_tasks.items()}
    assert cron["poll-payroll-runs"].split()[2:] == ["*", "*", "*"]  # every day
    merchant, year = make_payroll_merchant(sandboxes), sandboxes.nmbrs.year
    run_daily_poll()
    wait_for(lambda: _checked(merchant["tenant_id"]) == 3, message="the three runs checked")
    add_run(sandboxes, 104, 4)
    run_daily_poll()
    new = wait_for(lambda: (lambda r: r if r is not None and r.total_debit else None)(
        payroll_run(merchant["tenant_id"], "104")), message="run 104 checked")
    assert new.state == "open" and new.error_code is None and ledger_transactions(sandboxes, merchant) == []
    page = logged_in(web, merchant).get("/tab/open", headers=HX).get_data(as_text=True)
    row = row_of(page, new.id)
    assert says(row, "Checked, ready to send") and shows_money(row, new.total_debit)
    assert ">April<" in row or ">april<" in row  # period 4, as the month's name


def test_with_automatic_sending_a_new_run_is_posted_and_a_failing_one_lands_in_errors(sandboxes, web, worker):
    merchant, year = make_payroll_merchant(sandboxes, auto_send=True), sandboxes.nmbrs.year
    with sandboxes.vismanet.lock:  # February closed: run 102 and run 103's TWK line for February cannot go
        sandboxes.vismanet.company(merchant["customer"], "1")["periods"][f"{year}02"]["closed"] = True
    run_daily_poll()
    assert wait_for_state(merchant["tenant_id"], "101").state == "posted"
    blocked = wait_for_state(merchant["tenant_id"], "102")
    assert blocked.state == "failed" and blocked.error_code == "LEDGER_PERIODS_CLOSED"
    assert wait_for_state(merchant["tenant_id"], "103").error_params["periods"] == f"{year}02"
    assert [t["financialPeriod"] for t in ledger_transactions(sandboxes, merchant)] == [f"{year}01"]
    errors = logged_in(web, merchant).get("/tab/errors", headers=HX).get_data(as_text=True)
    assert says(row_of(errors, blocked.id), blocked.error_message, **blocked.error_params)
    add_run(sandboxes, 104, 4)
    run_daily_poll()
    assert wait_for_state(merchant["tenant_id"], "104").state == "posted"
    assert len(ledger_transactions(sandboxes, merchant)) == 2


def _checked(tenant_id: int) -> int:
    with db.session_scope() as session:
        return session.execute(sa.select(sa.func.count()).select_from(PayrollRun).where(
            PayrollRun.tenant_id == tenant_id, PayrollRun.total_debit.is_not(None))).scalar()


def _job_status(job_id: int) -> str:
    with db.session_scope() as session:
        return session.execute(sa.text("SELECT status FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}).scalar()


def _jobs_waiting() -> int:
    with db.session_scope() as session:
        return session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'post_payroll_run' "
                                       "AND status IN ('todo', 'doing')")).scalar()


def test_journal_tabs_page_by_keyset_and_another_tenants_journal_is_404(sandboxes, web):
    merchant, other = make_payroll_merchant(sandboxes), make_payroll_merchant(sandboxes)
    with db.session_scope() as session:
        for n in range(1, 31):  # 30 journals sent earlier (more than one page of 25)
            session.add(PayrollRun(tenant_id=merchant["tenant_id"], mapping_id=merchant["mapping_id"],
                                   payroll_company_id="1", year=2020, run_id=str(9000 + n), run_number=n, period=1,
                                   reference=f"PR-1-2020-{n:02d}", state="posted", total_debit=n, total_credit=n))
    client = logged_in(web, merchant)
    first = client.get("/tab/report", headers=HX).get_data(as_text=True)
    assert first.count('<tr id="journal-') == 25
    older = re.search(r'hx-get="(/tab/report\?[^"]*after=\d+[^"]*)"', first).group(1).replace("&amp;", "&")
    second = client.get(older, headers=HX).get_data(as_text=True)
    ids = lambda page: set(re.findall(r'<tr id="journal-(\d+)"', page))  # noqa: E731
    assert len(ids(second)) == 5 and not ids(first) & ids(second)
    stranger = logged_in(web, other)
    some = sorted(ids(first))[0]
    for answer in (stranger.get(f"/journals/{some}/info"), stranger.post(f"/journals/{some}/process"),
                   stranger.post(f"/journals/{some}/report")):
        assert answer.status_code == 404
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Ticket)).scalar() == 0


def test_the_merchant_switches_automatic_sending_on_for_a_mapping(sandboxes, web):
    merchant = make_payroll_merchant(sandboxes)
    client = logged_in(web, merchant)
    form = client.get("/administrations/").get_data(as_text=True)
    assert 'name="auto_send"' in form
    answer = client.post("/administrations/mappings", data={"payroll_company": "1", "ledger_company": "1",
                                                            "auto_send": "1"})
    assert answer.status_code == 302
    with db.session_scope() as session:
        assert session.get(PayrollMapping, merchant["mapping_id"]).auto_send is True
    assert says(client.get("/administrations/").get_data(as_text=True), "sends new runs by itself")
