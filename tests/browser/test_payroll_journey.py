"""A payroll merchant in a real browser: sign-up choosing the payroll pair → the payroll system's key form →
the ledger's own consent page → the Administrations tab: a company mapped with its cost-centre dimension,
March sent with its TWK corrections for January and February, seen as sent with the ledger's transaction
numbers; then a run whose ledger account is missing shows that account's number. Screenshots go to
/tmp/payrollonboard/. Selectors use names and ids, so the journey holds in Dutch and English."""
from __future__ import annotations

import pathlib
import re

from tests.browser.test_merchant_journey import BASE, signed_up
from tests.support.language import both
from tests.support.waiting import wait_for
from worker.connectors.visma_net import oauth

SHOTS = pathlib.Path("/tmp/payrollonboard")
NMBRS_USER, NMBRS_TOKEN, LEDGER_USER = "api@visser.nl", "nmbrs-api-token-visser", "boekhouder@visser.nl"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_up_for_payroll(page) -> str:
    """Choose the payroll pair on the sign-up form itself; returns the installation link."""
    page.goto(f"{BASE}/signup/")
    page.select_option("select[name=shop_system]", "nmbrs")
    page.select_option("select[name=accounting_system]", "visma_net")
    page.fill("input[name=name]", "Bakkerij Visser")
    page.fill("input[name=email]", "salaris@visser.nl")
    page.select_option("select[name=country]", "NL")
    page.check("input[name=terms]")
    shot(page, "01-signup")
    page.click("form button.primary")
    page.wait_for_url(re.compile(r"/signup/done"))
    page.goto(f"{BASE}/dev/outbox/")
    return re.search(r"(http\S+/install/\S+)", page.inner_text("article.mail pre")).group(1)


def connect_payroll(page, sandboxes) -> None:
    """The key form: a wrong token is refused with Nmbrs' own fault, the right one connects."""
    sandboxes.nmbrs.add_user(NMBRS_USER, NMBRS_TOKEN)
    page.fill("input[name=username]", NMBRS_USER)
    page.fill("input[name=token]", "not-the-token")
    page.click("form.key-form button.primary")
    page.wait_for_selector(".field-error")
    assert "1001" in page.inner_text(".field-error")
    shot(page, "03-payroll-refused")
    page.fill("input[name=token]", NMBRS_TOKEN)
    page.click("form.key-form button.primary")
    page.wait_for_selector("ol.steps li.done:nth-child(2)")


def connect_ledger(page, sandboxes) -> str:
    """Through the ledger's consent page; the advice to log out shows before the redirect. Returns the customer."""
    customer = sandboxes.vismanet.add_user(LEDGER_USER, "pw")
    assert any(text in page.inner_text("ol.steps") for text in both(oauth.BEFORE_REDIRECT))
    shot(page, "04-install-ledger")
    page.click("form[action$='/connect/vismanet'] button")
    page.wait_for_selector("input[name=username]")  # Visma Connect's page, not ours
    assert "/vismanet/" in page.url
    page.fill("input[name=username]", LEDGER_USER)
    page.fill("input[name=password]", "pw")
    page.click("button")
    page.wait_for_url(re.compile(r"/administrations/"))
    return customer


def map_company(page) -> None:
    """Payroll company 1 to ledger company 1, with the cost centres as the ledger's "Kostenplaats" dimension."""
    shot(page, "05-administrations-connected")
    page.select_option("select[name=payroll_company]", "1")
    page.select_option("select[name=ledger_company]", "1")
    page.check("input[name=cost_center_on]")
    page.fill("input[name=cost_center_description]", "Kostenplaats")
    page.click("form.mapping button")
    page.wait_for_selector("select[name=period] option[value='3']", state="attached")


def send_period(page, period: str) -> None:
    page.select_option("select[name=period]", period)
    page.click("form[action$='/administrations/send'] button")


def journal_row(page, run: str):
    page.goto(f"{BASE}/administrations/")
    return page.locator("tr.journal", has=page.locator("td:nth-child(3)", has_text=re.compile(rf"^{run}$")))


def test_a_payroll_merchant_from_sign_up_to_a_sent_journal(live_portal, sandboxes, worker, page):
    link = sign_up_for_payroll(page)
    page.goto(link)
    page.fill("input[name=password]", "brood en banket sinds 1921")
    page.fill("input[name=confirm]", "brood en banket sinds 1921")
    page.click("form button.primary")
    page.wait_for_selector("ol.steps")
    shot(page, "02-install")
    assert page.locator("a[href$='/config/']").count() == 0  # journals need no VAT configuration
    connect_payroll(page, sandboxes)
    customer = connect_ledger(page, sandboxes)
    assert page.locator(".status .dot.green").count() == 2  # both connections' dots
    map_company(page)
    page.goto(link)  # the installation is finished by the first mapping
    assert page.locator("ol.steps li.done").count() == 4 and page.locator("p.flash.success").count() == 1
    shot(page, "05b-install-complete")
    page.goto(f"{BASE}/")
    assert page.locator(".missing").count() == 0 and page.locator("#status .dot.green").count() == 2
    shot(page, "05c-dashboard")
    page.goto(f"{BASE}/administrations/")

    send_period(page, "3")  # March: its own lines, and TWK corrections for January and February
    wait_for(lambda: "posted" in (journal_row(page, "3").get_attribute("class") or ""), timeout=40, interval=0.5)
    booked = sandboxes.vismanet.transactions(customer)
    assert sorted(t["financialPeriod"] for t in booked) == [f"{sandboxes.nmbrs.year}{m:02d}" for m in (1, 2, 3)]
    lines = [line for t in booked for line in t["journalTransactionLines"]]
    assert {line["referenceNumber"] for line in lines} == {f"PR-1-{sandboxes.nmbrs.year}-03"}  # as the run
    assert {"segmentId": 1, "segmentValue": "200"} in [s for line in lines for s in line["subaccount"]]
    row = journal_row(page, "3").inner_text()
    assert "Bakkerij Visser BV" in row  # the company by its name, not its number in the payroll system
    assert all(re.search(rf"\b{t['batchNumber']}\b", row) for t in booked)  # the ledger's transaction numbers
    shot(page, "06-sent")

    with sandboxes.vismanet.lock:  # the accountant removed the net-wages account
        del sandboxes.vismanet.company(customer, "1")["accounts"]["2410"]
    page.goto(f"{BASE}/administrations/")
    send_period(page, "1")
    wait_for(lambda: "failed" in (journal_row(page, "1").get_attribute("class") or ""), timeout=40, interval=0.5)
    assert "2410" in journal_row(page, "1").inner_text()
    shot(page, "07-missing-account")
