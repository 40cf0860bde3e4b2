"""The journal tabs' search, as a payroll administrator uses it: by company name or Nmbrs company number, by
Visma.net transaction number, by year and period; keyset paging with a search; the period as a month's name."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.payroll.test_payroll_dashboard import HX, logged_in
from tests.support.language import says
from tests.support.payroll import make_payroll_merchant
from worker import db
from worker.connectors.nmbrs import NmbrsPayroll
from worker.models import Connection, PayrollMapping, PayrollRun, PayrollTransaction


def ids(page: str) -> set[int]:
    """The journals listed on the page."""
    return {int(i) for i in re.findall(r'<tr id="journal-(\d+)"', page)}


def add_company(sandboxes, merchant, company_id: int, number: int, name: str) -> None:
    """A company whose Nmbrs number differs from its id, opened to the merchant's API user; the payroll
    connection is made again through the real client, so it stores the company as Nmbrs lists it."""
    with db.session_scope() as session:
        payroll = session.get(Connection, merchant["payroll_id"])
        username = payroll.settings["username"]
        with sandboxes.nmbrs.lock:
            sandboxes.nmbrs.companies[company_id] = {
                "ID": company_id, "Number": number, "Name": name, "LoonaangifteTijdvak": 1, "KvkNr": "11223344",
                "current_period": 1, "cost_centers": [], "cost_units": [], "runs": {}}
            user = sandboxes.nmbrs.users[username]
            user["companies"].add(company_id)
        NmbrsPayroll.connect(payroll, {"username": username, "token": user["token"], "domain": ""})
    with db.session_scope() as session:
        listed = session.get(Connection, merchant["payroll_id"]).settings["companies"]
    assert {"id": company_id, "number": number, "name": name, "monthly": True} in listed


def mapping(merchant, company_id: str, name: str) -> int:
    with db.session_scope() as session:
        row = PayrollMapping(tenant_id=merchant["tenant_id"], payroll_company_id=company_id, payroll_company_name=name,
                             ledger_company_id="1", ledger_company_name="Visser Holding")
        session.add(row)
        session.flush()
        return row.id


def journal(merchant, mapping_id: int, company_id: str, year: int, period: int, state: str = "posted",
            batches: dict[str, str] | None = None) -> int:
    """A journal of the company as the poll and the posting job leave it; ``batches``: financial period → batch."""
    with db.session_scope() as session:
        number = session.execute(sa.select(sa.func.count()).select_from(PayrollRun)).scalar() + 1
        run = PayrollRun(tenant_id=merchant["tenant_id"], mapping_id=mapping_id, payroll_company_id=company_id,
                         year=year, run_id=str(50_000 + number), run_number=number, period=period,
                         reference=f"PR-{company_id}-{year}-{number:02d}", state=state,
                         total_debit=100, total_credit=100)
        session.add(run)
        session.flush()
        for financial_period, batch in (batches or {}).items():
            session.add(PayrollTransaction(run_id=run.id, financial_period=financial_period, state="posted",
                                           batch_number=batch, debit=50, credit=50))
        return run.id


@pytest.fixture
def office(sandboxes):
    """A payroll office with three companies and journals across years and periods (names → journal ids)."""
    merchant = make_payroll_merchant(sandboxes)  # company id 1, number 1: Bakkerij Visser BV
    add_company(sandboxes, merchant, 5171, 7, "Molen de Hoop BV")
    bakery = merchant["mapping_id"]
    logistics = mapping(merchant, "2", "Visser Logistiek BV")
    mill = mapping(merchant, "5171", "Molen de Hoop BV")
    found = {
        "bakery 2025-12": journal(merchant, bakery, "1", 2025, 12, batches={"202512": "000101"}),
        "bakery 2026-01": journal(merchant, bakery, "1", 2026, 1, batches={"202601": "000102"}),
        "bakery 2026-02": journal(merchant, bakery, "1", 2026, 2, state="failed"),
        # March with a TWK correction for January: two transactions in the ledger
        "bakery 2026-03": journal(merchant, bakery, "1", 2026, 3, batches={"202601": "000104", "202603": "000103"}),
        "logistics 2026-03": journal(merchant, logistics, "2", 2026, 3, batches={"202603": "000105"}),
        "logistics 2026-13": journal(merchant, logistics, "2", 2026, 13, state="open"),
        "mill 2025-03": journal(merchant, mill, "5171", 2025, 3, batches={"202503": "000107"}),
        "mill 2026-03": journal(merchant, mill, "5171", 2026, 3, batches={"202603": "000106"}),
    }
    return merchant, found


def reference(run_id: int) -> str:
    with db.session_scope() as session:
        return session.get(PayrollRun, run_id).reference


def searched(client, tab: str = "report", **args) -> str:
    return client.get(f"/tab/{tab}", query_string=args, headers=HX).get_data(as_text=True)


def test_each_search_finds_exactly_the_journals_it_names(web, office):
    merchant, journals = office
    client = logged_in(web, merchant)
    names = lambda *keys: {journals[key] for key in keys}  # noqa: E731
    unfiltered = searched(client)
    assert 'name="q"' in unfiltered and 'name="period"' in unfiltered and 'name="year"' in unfiltered
    assert says(unfiltered, "Search by company name, %(payroll)s company number or %(system)s transaction number",
                payroll="Nmbrs", system="Visma.net")
    report = names("bakery 2025-12", "bakery 2026-01", "bakery 2026-03", "logistics 2026-03", "mill 2025-03",
                   "mill 2026-03")
    assert ids(unfiltered) == report
    expected = [
        ({"q": "logistiek"}, names("logistics 2026-03")),                               # part of a name, any case
        ({"q": "VISSER"}, names("bakery 2025-12", "bakery 2026-01", "bakery 2026-03", "logistics 2026-03")),
        ({"q": "7"}, names("mill 2025-03", "mill 2026-03")),                            # Nmbrs number, not its id
        ({"q": "2"}, names("logistics 2026-03")),
        ({"q": "000105"}, names("logistics 2026-03")),                                  # Visma.net transaction
        ({"q": "105"}, names("logistics 2026-03")),                                     # without the leading zeros
        ({"q": "000104"}, names("bakery 2026-03")),                                     # its TWK transaction
        ({"period": "2026-03"}, names("bakery 2026-03", "logistics 2026-03", "mill 2026-03")),
        ({"year": "2026", "period": "3"}, names("bakery 2026-03", "logistics 2026-03", "mill 2026-03")),
        ({"period": "3"}, names("bakery 2026-03", "logistics 2026-03", "mill 2026-03", "mill 2025-03")),
        ({"year": "2025"}, names("bakery 2025-12", "mill 2025-03")),
        ({"q": "2026-03"}, names("bakery 2026-03", "logistics 2026-03", "mill 2026-03")),  # in the one box
        ({"period": "202512"}, names("bakery 2025-12")),                                # as Visma.net writes it
        ({"q": reference(journals["mill 2025-03"]).lower()}, names("mill 2025-03")),  # our reference in Visma.net
        ({"q": "bakkerij", "period": "2026-01"}, names("bakery 2026-01")),
        ({"q": "molen", "year": "2025", "period": "3"}, names("mill 2025-03")),
    ]
    for args, wanted in expected:
        assert ids(searched(client, **args)) == wanted, args
    assert ids(searched(client, "errors", q="bakkerij")) == names("bakery 2026-02")
    assert ids(searched(client, "open", q="logistiek", period="13")) == names("logistics 2026-13")


def test_a_search_that_finds_nothing_says_so_and_the_full_page_keeps_the_search(web, office):
    merchant, journals = office
    client = logged_in(web, merchant)
    nothing = searched(client, "errors", q="molen")
    assert ids(nothing) == set() and says(nothing, "No journals with errors matching your search.")
    assert says(searched(client, q="Bakkerij Jansen"), "No journals sent yet matching your search.")
    assert says(searched(client, "open", year="2024"), "No journals waiting to be sent matching your search.")
    for wrong in (searched(client, period="2026-14"), searched(client, year="2025", period="2026-03")):
        assert ids(wrong) == set() and says(wrong, "We cannot read that as a year and period. Write the period as "
                                                   "a number from 1 to 13 (with the year beside it) or as 2026-03.")
    # Without htmx (a shared link, a refresh) the whole dashboard opens with the search filled in and applied.
    page = client.get("/tab/report?q=molen&period=2026-03").get_data(as_text=True)
    assert "<html" in page and 'value="molen"' in page and 'value="2026-03"' in page
    assert ids(page) == {journals["mill 2026-03"]}


def test_paging_keeps_the_search_and_the_tab_polls_with_it(web, office):
    merchant, journals = office
    with db.session_scope() as session:
        mill = session.execute(sa.select(PayrollMapping.id).where(
            PayrollMapping.tenant_id == merchant["tenant_id"], PayrollMapping.payroll_company_id == "5171")).scalar()
    wanted, others = set(), set()
    for n in range(30):  # the mill's May journals over the years, between another company's
        wanted.add(journal(merchant, mill, "5171", 2024, 5, batches={"202405": f"{300 + n:06d}"}))
        others.add(journal(merchant, merchant["mapping_id"], "1", 2024, 5))
    journal(merchant, mill, "5171", 2024, 5, state="queued")  # on its way: the tab reloads itself
    client = logged_in(web, merchant)
    first = searched(client, q="molen", period="2024-05")
    assert len(ids(first)) == 25 and ids(first) <= wanted and says(first, "Page %(page)d of %(pages)d", page=1, pages=2)
    poll = re.search(r'hx-get="([^"]*)"\s+hx-trigger="every 2s"', first).group(1).replace("&amp;", "&")
    assert "q=molen" in poll and "period=2024-05" in poll
    older = re.search(r'hx-get="(/tab/report\?[^"]*after=\d+[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "q=molen" in older and "period=2024-05" in older
    second = client.get(older, headers=HX).get_data(as_text=True)
    assert ids(first) | ids(second) == wanted and not ids(first) & ids(second) and len(ids(second)) == 5
    newer = re.search(r'hx-get="(/tab/report\?[^"]*)"[^>]*>← ', second).group(1).replace("&amp;", "&")
    assert "q=molen" in newer and ids(client.get(newer, headers=HX).get_data(as_text=True)) == ids(first)


def test_the_rows_show_the_period_as_the_month_in_the_merchants_language(web, office):
    merchant, journals = office
    client = logged_in(web, merchant)
    client.post("/language/en")
    row = lambda page, key: re.search(rf'<tr id="journal-{journals[key]}".*?</tr>', page, re.S).group(0)  # noqa: E731
    assert ">February<" in row(searched(client, "errors"), "bakery 2026-02")
    open_row = row(searched(client, "open"), "logistics 2026-13")
    assert says(open_row, "period %(number)s", number=13)  # a 4-weekly company's 13th period has no month
    four_weekly = row(searched(client), "logistics 2026-03")  # nor has its 3rd: weeks 9-12 are not March
    assert says(four_weekly, "period %(number)s", number=3) and ">March<" not in four_weekly
    client.post("/language/nl")
    assert ">februari<" in row(searched(client, "errors"), "bakery 2026-02")
    assert ">maart<" in row(searched(client), "mill 2026-03")
