"""At phone width (390 px) the Administrations tab's tables stack into cards instead of scrolling sideways."""
from __future__ import annotations

from tests.support.browser import BASE, log_in
from tests.browser.test_phone import WIDE
from tests.support.language import says
from tests.support.payroll import make_payroll_merchant


def test_the_administrations_tab_fits_a_phone(live_portal, sandboxes, phone):
    merchant = make_payroll_merchant(sandboxes, cost_center_dimension="Kostenplaats")
    log_in(phone, merchant)
    phone.goto(BASE + "/administrations/")
    assert phone.evaluate(WIDE) <= 0, f"{phone.evaluate(WIDE)} px too wide for a phone"
    ledger = phone.locator("table.stack tbody tr").first.locator("td").nth(1)
    assert ledger.inner_text() == "Visser Holding"  # each value keeps its column's name, shown before it
    assert says(ledger.get_attribute("data-label"), "Ledger company")
    assert phone.locator("table.stack thead").first.is_hidden()
    phone.screenshot(path="/tmp/koppel-phone-administrations.png", full_page=True)
