"""Orders Amazon fulfils itself often carry no e-mail address, and debtors are matched on e-mail
(worker/pipeline/debtors.py): they wait in Errors saying what to do until the merchant chooses the debtor for
this marketplace's orders without e-mail, then Process books them on that debtor, once. An ICP order (intra-EU
business sale, reverse charge) never goes on that shared debtor, and Errors says so."""
from __future__ import annotations

import html
from decimal import Decimal

from tests.support.amazon import amazon_merchant, item, no_lag, place
from tests.support.language import says
from tests.support.snelstart import connect_snelstart, target
from tests.test_amazon_merchant_vat import DE_ADDRESS, log_in, poll_and_post
from tests.test_mijnwebwinkel_flow import orders_of, process_queued
from worker import db
from worker.connectors.snelstart import SnelStartTarget
from worker.models import Tenant
from worker.models.base import utcnow
from worker.pipeline.messages import problem

HX = {"HX-Request": "true"}
REGISTERED_IN_DE = "DE136695976"  # valid in the VIES sandbox's examples


def dutch_seller(sandboxes, client) -> dict:
    merchant = amazon_merchant(marketplace="NL", transfer="Shipped")
    books = connect_snelstart(merchant, sandboxes, document_type="entry")
    with db.session_scope() as session:
        session.get(Tenant, merchant["tenant_id"]).configured_at = utcnow()
    log_in(client, merchant)
    no_lag()
    return {**merchant, **books}


def advice(number: str) -> tuple[str, ...]:
    """What Errors tells the merchant to do, in either language."""
    return tuple(problem("NO_EMAIL_DEBTOR", language=language, detail=number, channel="Amazon NL").help
                 for language in ("en", "nl"))


def test_an_order_without_email_waits_in_errors_until_the_fixed_debtor_is_chosen_then_posts_once(sandboxes, client):
    merchant = dutch_seller(sandboxes, client)
    order = place(merchant["spid"], item("24.95", 2, vat_rate="21"), fulfilledBy="AMAZON", status="SHIPPED")
    poll_and_post(merchant)
    stored = orders_of(merchant)[order["orderId"]]
    assert (stored.state, stored.error_code) == ("failed", "NO_EMAIL_DEBTOR")
    errors = html.unescape(client.get("/tab/errors", headers=HX).get_data(as_text=True))
    assert any(text in errors for text in advice(stored.number)), errors
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 0

    # In SnelStart the merchant makes one debtor for these orders, then chooses it in Configuration.
    made = SnelStartTarget.client(target(merchant)).post("relaties", {"relatiesoort": ["Klant"],
                                                                      "naam": "Amazon NL klanten"})
    page = html.unescape(client.get("/config/").get_data(as_text=True))
    assert says(page, "Debtor for orders without an e-mail address from %(channel)s", channel="Amazon NL")
    found = client.post("/config/payments/debtors", data={"debtor_filter": "Amazon NL"}, headers=HX)
    found = found.get_data(as_text=True)
    assert f'value="{made["id"]}"' in found
    client.post("/config/payments", data={"method": "", "debtor": "", "no_email_debtor": made["id"]}, headers=HX)

    client.post(f"/orders/{stored.id}/process?tab=errors", headers=HX)
    process_queued(merchant)
    poll_and_post(merchant)  # the next hour's run finds the order again: nothing is booked twice
    assert orders_of(merchant)[order["orderId"]].state == "posted"
    [booking] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert booking["klant"]["id"] == made["id"] and Decimal(str(booking["factuurbedrag"])) == Decimal("49.90")
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 1
    assert len(sandboxes.snelstart.records(merchant["administration"], "relaties")) == 1  # no debtor was made

    # An order that does carry an e-mail address keeps its own debtor, matched on that address.
    other = place(merchant["spid"], item("5.00", 1, vat_rate="21"), status="SHIPPED")
    poll_and_post(merchant)
    assert orders_of(merchant)[other["orderId"]].state == "posted"
    own = next(b for b in sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
               if b["id"] != booking["id"])
    assert own["klant"]["id"] != made["id"]


def test_an_icp_order_without_email_never_goes_on_the_channels_debtor_and_errors_says_why(sandboxes, client):
    merchant = dutch_seller(sandboxes, client)
    shared = SnelStartTarget.client(target(merchant)).post("relaties", {"relatiesoort": ["Klant"],
                                                                        "naam": "Amazon NL klanten"})
    client.post("/config/payments", data={"method": "", "debtor": "", "no_email_debtor": shared["id"]}, headers=HX)
    order = place(merchant["spid"], item("100.00", 1), business=True, vat_number=REGISTERED_IN_DE,
                  tax_populated=False, address=DE_ADDRESS, fulfilledBy="AMAZON", status="SHIPPED")
    poll_and_post(merchant)
    stored = orders_of(merchant)[order["orderId"]]
    assert (stored.state, stored.error_code) == ("failed", "ICP_WITHOUT_EMAIL")
    errors = html.unescape(client.get("/tab/errors", headers=HX).get_data(as_text=True))
    icp = [problem("ICP_WITHOUT_EMAIL", language=language, detail=stored.number, channel="Amazon NL",
                   system="SnelStart") for language in ("en", "nl")]
    assert any(p.message in errors and p.help in errors for p in icp), errors
    assert not any(text in errors for text in advice(stored.number))  # not told to choose a shared debtor
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == 0
