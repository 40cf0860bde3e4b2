"""A Visma endpoint that keeps refusing is paused at 9 refusals an hour, as Exact's are, and the dashboard says so."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.language import both
from tests.support.waiting import wait_for
from tests.test_visma_flow import installed_visma_merchant
from worker import db
from worker.connectors.visma_eaccounting.sandbox import FaultRule
from worker.models import Order, RemoteCall

PAUSED = ("%(system)s refused too many requests to %(endpoint)s in the last hour, so we paused sending to it "
          "until %(time)s UTC, before %(system)s blocks the connection. Orders wait and are not lost; see the "
          "Errors tab for the cause.")


def states(numbers: list[str]) -> list[str]:
    with db.session_scope() as session:
        return [session.execute(sa.select(Order.state).where(Order.number == n)).scalar() for n in numbers]


def test_a_visma_endpoint_refusing_every_draft_is_paused_after_nine_and_the_dashboard_says_until_when(
        sandboxes, web, worker):
    client = web.test_client()
    merchant = installed_visma_merchant(client, sandboxes, "weigeraar@example.nl")
    sandboxes.visma.add_fault(FaultRule("POST", "customerinvoicedrafts", mode="status", status=400, count=50))
    numbers = [sandboxes.kmo.create_order(merchant["shop"], kind="b2c", status="paid")["number"] for _ in range(11)]
    wait_for(lambda: states(numbers).count("failed") == 9, timeout=60, message="nine refused drafts")
    wait_for(lambda: states(numbers).count("queued") == 2, timeout=30, message="two orders waiting")
    with db.session_scope() as session:
        posts = session.execute(sa.select(sa.func.count()).select_from(RemoteCall).where(
            RemoteCall.method == "POST", RemoteCall.url.like("%/customerinvoicedrafts"))).scalar_one()
    assert posts == 9  # the tenth draft was never sent: the endpoint is paused for the hour
    assert sorted(states(numbers)) == ["failed"] * 9 + ["queued"] * 2  # waiting, not failed
    status = client.get("/status").get_data(as_text=True)
    assert "customerinvoicedrafts" in status
    tails = [text.rsplit(")s", 1)[-1].strip() for text in both(PAUSED)]  # after the last placeholder
    assert any(tail in " ".join(status.split()) for tail in tails), status
    assert "Visma eAccounting" in status
