"""Finding your way and fixing many errors (issue 14): tabs in the URL with counts, Process that says what
happened, Process all, one ticket per order, errors in the viewer's language, the order page, CSV export."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import sqlalchemy as sa

from tests.support.language import both, says
from tests.support.merchants import division_of, make_merchant
from tests.support.waiting import wait_for
from tests.test_errors_workflow import drop_vat_row, failed_orders, logged_in, only_21, restore_vat_row
from worker import db
from worker.models import Order, OutboxEmail, Ticket

HX = {"HX-Request": "true"}


def fail_three(sandboxes, merchant) -> tuple[dict, list[str]]:
    """Three orders that fail for one cause: the 21 % row of the VAT table is missing."""
    row = drop_vat_row(merchant, "BE:21.00")
    shop_id = merchant["shop"]["shop_id"]
    numbers = [sandboxes.kmo.create_order(shop_id, status="paid", **only_21(i))["number"] for i in range(3)]
    wait_for(lambda: len(failed_orders()) == 3)
    return row, numbers


def test_the_tab_is_in_the_url_counts_its_orders_and_the_menu_knows_where_you_are(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    fail_three(sandboxes, merchant)
    client = logged_in(web, merchant)
    page = client.get("/tab/errors").get_data(as_text=True)  # a refresh of the pushed URL: the whole page
    assert "<html" in page
    assert re.findall(r'<a href="(/tab/\w+)"[^>]*aria-current="page"', page) == ["/tab/errors"]
    assert re.search(r'href="/tab/errors"[^>]*>\s*\w+ <span class="count">3</span>', page)
    assert 'hx-push-url="true"' in page
    assert re.search(r'<nav class="main">.*?href="/"[^>]*aria-current="page"', page, re.S)  # Dashboard is lit
    config = client.get("/config/").get_data(as_text=True)
    assert re.search(r'href="/config/"[^>]*aria-current="page"', config)


def test_process_on_an_order_that_still_fails_says_when_it_tried_and_why(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    fail_three(sandboxes, merchant)  # the cause is not fixed
    first = failed_orders()[0]
    client = logged_in(web, merchant)
    answer = client.post(f"/orders/{first.id}/process?tab=errors", headers=HX).get_data(as_text=True)
    polled = re.search(r'hx-get="([^"]+)"', answer).group(1).replace("&amp;", "&")
    assert "tried=" in polled

    def row_settled():
        text = client.get(polled).get_data(as_text=True)
        return text if "every 2s" not in text else None
    row = wait_for(row_settled)
    note = re.search(r'<p class="note"[^>]*>([^<]+)</p>', row).group(1)
    assert any(word in note for word in ("Tried again at", "Opnieuw geprobeerd om"))
    assert any(cause in note for cause in ("no VAT code and revenue account", "geen btw-code en omzetrekening"))


def test_process_all_sends_a_whole_group_once_its_cause_is_fixed(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    row, numbers = fail_three(sandboxes, merchant)
    client = logged_in(web, merchant)
    page = client.get("/tab/errors", headers=HX).get_data(as_text=True)
    button = re.search(r'<form method="post" action="/orders/process-all".*?</form>', page, re.S).group(0)
    assert any(label in button for label in both("Process all %(num)d", num=3))
    fields = dict(re.findall(r'name="(code|message)" value="([^"]*)"', button))

    restore_vat_row(merchant, "BE:21.00", row)
    answer = client.post("/orders/process-all", data={k: html.unescape(v) for k, v in fields.items()})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/tab/errors")
    wait_for(lambda: len(sandboxes.exact.documents(division_of(merchant), "SalesInvoices")) == 3, timeout=60)
    assert sorted(i["YourRef"] for i in sandboxes.exact.documents(division_of(merchant), "SalesInvoices")) == sorted(numbers)
    assert failed_orders() == []


def test_report_problem_twice_is_one_ticket_and_one_receipt(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    fail_three(sandboxes, merchant)
    first = failed_orders()[0]
    client = logged_in(web, merchant)
    client.post(f"/orders/{first.id}/report?tab=errors", headers=HX)
    again = client.post(f"/orders/{first.id}/report?tab=errors", headers=HX).get_data(as_text=True)
    with db.session_scope() as session:
        tickets = session.execute(sa.select(Ticket).where(Ticket.order_id == first.id)).scalars().all()
        receipts = session.execute(sa.select(sa.func.count()).select_from(OutboxEmail).where(
            OutboxEmail.kind == "ticket-receipt")).scalar_one()
    assert len(tickets) == 1 and receipts == 1
    assert says(again, "Ticket %(ticket)s about this order is already with webcare; they answer by e-mail.",
                ticket=tickets[0].id)
    page = client.get("/tab/errors", headers=HX).get_data(as_text=True)
    assert 'hx-disabled-elt="closest td"' in page  # a double click cannot send twice


def test_an_error_is_shown_in_the_language_of_whoever_reads_it(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)  # Belgian: the error was made in Dutch
    fail_three(sandboxes, merchant)
    client = logged_in(web, merchant)
    dutch = client.get("/tab/errors", headers=HX).get_data(as_text=True)
    assert "geen btw-code en omzetrekening" in dutch
    client.post("/language/en")
    english = client.get("/tab/errors", headers=HX).get_data(as_text=True)
    shown = re.sub(r'<input type="hidden"[^>]*>', "", english)  # what the eye reads, not the form's key
    assert "no VAT code and revenue account set for" in shown and "geen btw-code" not in shown


def test_the_order_page_shows_lines_actions_and_goes_back_to_its_tab(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    fail_three(sandboxes, merchant)
    first = failed_orders()[0]
    client = logged_in(web, merchant)
    page = client.get(f"/orders/{first.id}?tab=errors").get_data(as_text=True)
    assert 'href="/tab/errors"' in page.split("<section", 1)[0]  # back to where the merchant came from
    assert "Tuinslang 20 m" in page and "SKU-0" in page  # the order's lines
    assert f'/orders/{first.id}/process' in page and f'/orders/{first.id}/report' in page


def test_report_exports_as_csv_for_a_period(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    numbers = [sandboxes.kmo.create_order(shop_id, status="paid", **only_21(i))["number"] for i in range(2)]
    wait_for(lambda: len(sandboxes.exact.documents(division_of(merchant), "SalesInvoices")) == 2, timeout=60)
    with db.session_scope() as session:  # one of them was ordered last year
        session.execute(sa.update(Order).where(Order.number == numbers[1]).values(order_date=dt.date(2025, 12, 30)))
    client = logged_in(web, merchant)
    today = dt.date.today().isoformat()
    answer = client.get(f"/export/report.csv?since={dt.date.today().replace(month=1, day=1)}&until={today}")
    assert answer.mimetype == "text/csv" and "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True)), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [numbers[0]]
    assert rows[1][3] == "50.00" and rows[1][7]  # the total and the document number in the books


def test_a_refused_configuration_keeps_what_the_merchant_chose(sandboxes, web):
    merchant = make_merchant(sandboxes)
    client = logged_in(web, merchant)
    general = {"document_type": "order", "price_mode": "excl", "sales_journal": "70", "cash_journal": "10",
               "payment_condition": "30", "warehouse": ""}  # a sales order without a warehouse is refused
    page = client.post("/config/general", data=general, headers=HX).get_data(as_text=True)
    assert 'class="field-error"' in page
    assert re.search(r'<option value="order" selected>', page)  # not jumped back to the invoice
    assert re.search(r'<option value="excl" selected>', page)
    statuses = client.post("/config/statuses", data={"status": ["shipped", "completed"],
                                                     "reference_prefix": "B 1!"}, headers=HX).get_data(as_text=True)
    assert 'class="field-error"' in statuses and 'value="B 1!"' in statuses
    assert re.search(r'value="shipped"\s+checked', statuses) and not re.search(r'value="paid"\s+checked', statuses)
