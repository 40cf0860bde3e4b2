"""The nightly reconciliation: what is in the merchant's administration twice, or was never sent by us."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.postings import INVOICES, state_of
from tests.support.waiting import wait_for
from worker import db, digest
from worker.connectors.exact import ExactOnlineTarget
from worker.models import Connection, OutboxEmail, Posting, ReconciliationFinding, RemoteCall
from worker.pipeline import reconcile


def findings() -> dict[str, ReconciliationFinding]:
    with db.session_scope() as session:
        return {f.kind: f for f in session.execute(sa.select(ReconciliationFinding)).scalars()}


def post_behind_our_back(merchant: dict, reference: str, your_ref: str) -> None:
    """Create an invoice straight through Exact's API (a second app, or a person), copying ours."""
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        body = session.execute(sa.select(Posting.last_request).where(Posting.reference == reference)).scalar_one()
        client = ExactOnlineTarget.client(target)
    client.post(INVOICES, {**body, "YourRef": your_ref})


def test_the_nightly_reconciliation_finds_a_duplicate_and_an_unknown_reference(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    numbers = [sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")["number"] for _ in range(2)]
    wait_for(lambda: all(state_of(n) == "posted" for n in numbers))
    post_behind_our_back(merchant, numbers[0], numbers[0])
    post_behind_our_back(merchant, numbers[0], "HAND-0001")
    sandboxes.exact.page_size = 2  # four invoices: the listing has to follow the pages

    assert reconcile.defer_all() == 1  # what the periodic task does each night: one job per administration
    found = wait_for(lambda: len(findings()) == 2 and findings(), timeout=30)
    invoices = sandboxes.exact.documents(division_of(merchant), "SalesInvoices")
    twice = sorted(str(i["InvoiceNumber"]) for i in invoices if i["YourRef"] == numbers[0])
    [unknown] = [str(i["InvoiceNumber"]) for i in invoices if i["YourRef"] == "HAND-0001"]
    assert found["duplicate"].reference == numbers[0] and len(twice) == 2
    assert sorted(d["number"] for d in found["duplicate"].documents) == twice
    assert found["unknown"].reference == "HAND-0001" and [d["number"] for d in found["unknown"].documents] == [unknown]
    with db.session_scope() as session:
        listed = session.execute(sa.select(RemoteCall.request_body).where(
            RemoteCall.method == "GET", RemoteCall.url.like(f"%{INVOICES}"))).scalars().all()
    assert any(body and "$select" in body and "Created ge" in body["$filter"] for body in listed)

    client = web.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    notice = client.get("/").get_data(as_text=True).split('class="missing findings"')[1].split("</div>")[0]
    for text in (numbers[0], "HAND-0001", unknown, *twice):
        assert text in notice
    assert numbers[1] not in notice  # posted once, known: nothing to report

    assert digest.queue_all() == 1
    with db.session_scope() as session:
        mail = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "digest")).scalar_one()
    for text in (numbers[0], "HAND-0001", unknown, *twice):
        assert text in mail.body
    assert digest.queue_all() == 0  # the same findings are not mailed again

    extra = max((i for i in invoices if i["YourRef"] == numbers[0]), key=lambda i: i["InvoiceNumber"])
    sandboxes.exact.delete_document(division_of(merchant), "SalesInvoices", extra["InvoiceID"])
    reconcile.reconcile(merchant["target"].id)
    assert set(findings()) == {"unknown"}  # the merchant deleted the extra invoice: resolved
