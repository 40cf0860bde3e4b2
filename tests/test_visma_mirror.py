"""Issue 15 for Visma eAccounting: customers and articles are mirrored from the company, kept current by a
delta sync on ``ChangedUtc``, and a customer deleted in Visma is repaired from Visma's answer, never booked
on. Real Postgres, the Visma sandbox, orders through the pipeline."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.connectors.test_visma_client import connect_visma, connection
from tests.connectors.test_visma_documents import vat_settings
from tests.support.mirror import delta_synced, filled, orders, sync_reads
from tests.support.pipeline import post
from worker import db
from worker.connectors.visma_eaccounting import VismaEAccountingTarget
from worker.mirror import store, sync
from worker.models import Connection, RemoteCall

order = orders("VM", 900_000)


def ready(sandboxes) -> tuple[dict, object]:
    """A merchant connected to a Visma company through OAuth and configured; and a client of that company."""
    merchant = connect_visma(sandboxes)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target_id"])
        client = VismaEAccountingTarget.client(target)
        reference = VismaEAccountingTarget.reference_data(target)
        unit = next(u["Id"] for u in reference["units"] if u["Code"] == "PCE")
        target.settings = {**target.settings, **vat_settings(client), "reference": reference, "default_unit": unit,
                           "document_type": "invoice",
                           "company_id": reference["company"].get("CorporateIdentityNumber")}
    return merchant, client


def by_hand_article(client, number: str) -> str:
    """An article the merchant made in Visma themselves (21 % coding); returns its Id."""
    reference = connection_reference(client)
    coding = next(c["Id"] for c in reference["codings"] if c.get("IsActive") and Decimal(str(c["VatRatePercent"])) ==
                  Decimal("0.21"))
    unit = next(u["Id"] for u in reference["units"] if u["Code"] == "PCE")
    return client.post("articles", {"Number": number, "Name": f"Artikel {number}", "CodingId": coding,
                                    "UnitId": unit, "IsActive": True})["Id"]


def connection_reference(client) -> dict:
    return connection(client.connection_id).settings["reference"]


def by_hand_customer(client, name: str, email: str) -> str:
    """A customer the merchant made in Visma themselves; returns its Id."""
    terms = connection_reference(client)["company"]["TermsOfPaymentId"]
    return client.post("customers", {"Name": name, "EmailAddress": email, "InvoiceCity": "Utrecht",
                                     "InvoicePostalCode": "3511 AA", "TermsOfPaymentId": terms,
                                     "IsPrivatePerson": True, "IsActive": True})["Id"]


def calls_of(order_id: int) -> list[tuple[str, str]]:
    """(method, collection path) of every remote call made for the order, oldest first."""
    with db.session_scope() as session:
        rows = session.execute(sa.select(RemoteCall.method, RemoteCall.url).where(
            RemoteCall.order_id == order_id).order_by(RemoteCall.id)).all()
    return [(method, url.split("/v2/", 1)[-1].split("?", 1)[0]) for method, url in rows]


def drafts(sandboxes, merchant) -> list[dict]:
    return sandboxes.visma.records(merchant["company"], "customerinvoicedrafts")


def test_a_known_customer_with_known_products_costs_exactly_one_call(sandboxes):
    merchant, client = ready(sandboxes)
    customer = by_hand_customer(client, "Vaste Klant", "Vaste@Example.test")
    by_hand_article(client, "SKU-21-1")
    by_hand_article(client, "SKU-21-2")
    read = sync.run(merchant["target_id"])
    assert read.filled == ["debtor", "item"] and read.read == {"debtor": 1, "item": 2}

    posted = post(merchant, order("vaste@example.test", lines=2))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    assert calls_of(posted.id) == [("POST", "customerinvoicedrafts")]
    [draft] = drafts(sandboxes, merchant)
    assert draft["CustomerId"] == customer and Decimal(str(draft["TotalAmount"])) == Decimal("24.20")
    assert len(sandboxes.visma.records(merchant["company"], "customers")) == 1  # no second customer made


def test_a_new_customer_costs_two_calls_plus_one_per_new_product(sandboxes):
    merchant, client = ready(sandboxes)
    by_hand_article(client, "SKU-21-1")
    sync.run(merchant["target_id"])

    first = post(merchant, order("nieuw@example.test", lines=1))
    assert first.state == "posted", (first.error_code, first.error_message)
    assert calls_of(first.id) == [("POST", "customers"), ("POST", "customerinvoicedrafts")]

    second = post(merchant, order("ook-nieuw@example.test", lines=3))  # SKU-21-2 and SKU-21-3 are new
    assert second.state == "posted", (second.error_code, second.error_message)
    assert calls_of(second.id) == [("POST", "customers"), ("POST", "articles"), ("POST", "articles"),
                                   ("POST", "customerinvoicedrafts")]
    again = post(merchant, order("NIEUW@example.test", lines=3))  # returning now, and every product known
    assert again.state == "posted", (again.error_code, again.error_message)
    assert calls_of(again.id) == [("POST", "customerinvoicedrafts")]
    assert len({d["CustomerId"] for d in drafts(sandboxes, merchant)}) == 2
    assert len(sandboxes.visma.records(merchant["company"], "articles")) == 3


def test_a_customer_deleted_in_visma_is_made_again_never_booked_on(sandboxes):
    merchant, client = ready(sandboxes)
    sync.run(merchant["target_id"])
    first = post(merchant, order("weg@example.test"))
    assert first.state == "posted", (first.error_code, first.error_message)
    [gone] = [c["Id"] for c in sandboxes.visma.records(merchant["company"], "customers")]
    client.send("DELETE", f"customers/{gone}")  # the merchant deleted the customer; our mirror still has it

    again = post(merchant, order("weg@example.test"))
    assert again.state == "posted", (again.error_code, again.error_message)
    [customer] = sandboxes.visma.records(merchant["company"], "customers")
    assert customer["Id"] != gone and customer["EmailAddress"] == "weg@example.test"
    booked = [d for d in drafts(sandboxes, merchant) if d["YourReference"] == again.number]
    assert len(booked) == 1 and booked[0]["CustomerId"] == customer["Id"]
    # refused for the missing customer (3000), looked up by e-mail to be sure, made again, booked
    assert calls_of(again.id) == [("POST", "customerinvoicedrafts"), ("GET", "customers"), ("POST", "customers"),
                                  ("POST", "customerinvoicedrafts")]
    assert store.known(merchant["target_id"], "debtor", ["weg@example.test"])[0] == {"weg@example.test": customer["Id"]}


def test_the_delta_sync_job_picks_up_customers_changed_in_visma(sandboxes, worker):
    merchant, client = ready(sandboxes)
    target_id = merchant["target_id"]
    moved = by_hand_customer(client, "Verhuisd", "oud@example.test")
    sync.run(target_id)
    # After the fill, the merchant changes one customer's e-mail address in Visma and makes another customer.
    client.send("PUT", f"customers/{moved}", json={"EmailAddress": "nieuw-adres@example.test"})
    made = by_hand_customer(client, "Met De Hand", "hand@example.test")
    delta_synced(target_id, worker, "hand@example.test")  # the job the periodic sync queues every 15 minutes

    assert store.known(target_id, "debtor", ["nieuw-adres@example.test", "oud@example.test"])[0] == {
        "nieuw-adres@example.test": moved}
    reads = sync_reads(target_id, "/customers")
    assert reads[-1]["$filter"].startswith("ChangedUtc ge 20")  # the delta reads only what changed
    assert reads[-1]["$select"] == "Id,EmailAddress,ChangedUtc,IsPrivatePerson"
    for email, customer in (("nieuw-adres@example.test", moved), ("hand@example.test", made)):
        posted = post(merchant, order(email))
        assert posted.state == "posted", (posted.error_code, posted.error_message)
        assert [c for c in calls_of(posted.id) if c[1] == "customers"] == []
        assert drafts(sandboxes, merchant)[-1]["CustomerId"] == customer
    assert len(sandboxes.visma.records(merchant["company"], "customers")) == 2


def test_a_customer_made_a_company_between_two_syncs_is_priced_right_from_the_next_order(sandboxes):
    merchant, client = ready(sandboxes)
    customer = by_hand_customer(client, "Wordt Bedrijf", "bedrijf@example.test")
    by_hand_article(client, "SKU-21-1")
    sync.run(merchant["target_id"])
    client.send("PUT", f"customers/{customer}", json={"IsPrivatePerson": False})  # before the next delta sync

    first = post(merchant, order("bedrijf@example.test"))
    # Priced incl. VAT as the mirror said; Visma reads a company's prices excl. VAT: 12.10 + 21 % = 14.64.
    assert first.state == "posted" and first.total_difference == Decimal("2.54")  # shown to the merchant
    second = post(merchant, order("bedrijf@example.test"))
    assert second.state == "posted" and second.total_difference is None
    assert calls_of(second.id) == [("POST", "customerinvoicedrafts")]
    assert Decimal(str(drafts(sandboxes, merchant)[-1]["TotalAmount"])) == Decimal("12.10")


def test_an_article_deleted_in_visma_is_made_again(sandboxes):
    merchant, client = ready(sandboxes)
    gone = by_hand_article(client, "SKU-21-1")
    sync.run(merchant["target_id"])
    with sandboxes.visma.lock:  # deleted in eAccounting's web app (the API has no DELETE for articles)
        sandboxes.visma.docs(merchant["company"], "articles").pop(gone)
    posted = post(merchant, order("artikel-weg@example.test"))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    [article] = sandboxes.visma.records(merchant["company"], "articles")
    assert article["Id"] != gone and drafts(sandboxes, merchant)[0]["Rows"][0]["ArticleId"] == article["Id"]
    assert calls_of(posted.id) == [("POST", "customers"), ("POST", "customerinvoicedrafts"), ("GET", "articles"),
                                   ("POST", "articles"), ("POST", "customerinvoicedrafts")]


def test_before_the_mirror_is_filled_new_products_are_looked_up_in_one_call(sandboxes):
    merchant, client = ready(sandboxes)
    by_hand_article(client, "SKU-21-2")  # the merchant has this one already
    posted = post(merchant, order("vroeg@example.test", lines=3))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    assert calls_of(posted.id) == [("GET", "customers"), ("POST", "customers"), ("GET", "articles"),
                                   ("POST", "articles"), ("POST", "articles"), ("POST", "customerinvoicedrafts")]
    with db.session_scope() as session:
        [lookup] = session.execute(sa.select(RemoteCall.request_body).where(
            RemoteCall.order_id == posted.id, RemoteCall.method == "GET",
            RemoteCall.url.contains("/articles"))).scalars().all()
    assert lookup["$filter"] == "Number eq 'sku-21-1' or Number eq 'sku-21-2' or Number eq 'sku-21-3'"
    assert len(sandboxes.visma.records(merchant["company"], "articles")) == 3


def test_a_fill_reads_every_page_and_a_fill_cut_short_goes_on_later(sandboxes):
    from worker.connectors.errors import RemoteUnavailable
    from worker.connectors.visma_eaccounting.sandbox import FaultRule

    merchant, client = ready(sandboxes)
    target_id = merchant["target_id"]
    for n in range(105):  # more than the 100 a page we ask for
        by_hand_customer(client, f"Klant {n}", f"klant{n}@example.test")
    sandboxes.visma.add_fault(FaultRule("GET", "articles", mode="status", status=503, count=1))
    try:
        sync.run(target_id)
    except RemoteUnavailable:
        pass
    else:
        raise AssertionError("the articles' read should have failed")
    assert filled(target_id, "debtor") and not filled(target_id, "item")
    assert len(store.known(target_id, "debtor", [f"klant{n}@example.test" for n in range(105)])[0]) == 105
    pages = sync_reads(target_id, "/customers")
    assert [(p["$page"], p["$pagesize"]) for p in pages] == [(1, 100), (2, 100)]
    reader = VismaEAccountingTarget.mirror_reader(connection(target_id))
    [(rest, following)] = list(reader.pages("debtor", None, "2"))  # a fill cut short resumes at its page
    assert len(rest) == 5 and following is None
    sync.run(target_id)
    assert filled(target_id, "item")
