"""Issue 15: remote calls at the floor. Debtors and items are mirrored from the Exact administration,
kept current by a delta sync, and a mirror that is wrong (a debtor deleted in Exact) is repaired from
Exact's answer, never booked on. Everything runs against a real Postgres and the Exact sandbox."""
from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.mirror import delta_synced, filled, orders, sync_reads
from tests.support.pipeline import calls_of, configure, post
from tests.support.waiting import wait_for
from worker import db
from worker.config import settings
from worker.connectors.errors import Throttled
from worker.connectors.exact import ExactOnlineTarget
from worker.connectors.exact.sandbox import FaultRule
from worker.mirror import store, sync
from worker.models import Connection, RemoteCall

order = orders("MI", 800_000)


def ready(sandboxes) -> tuple[dict, object]:
    """A connected, configured merchant and an Exact client of its administration."""
    merchant = make_merchant(sandboxes)
    configure(merchant)
    with db.session_scope() as session:
        return merchant, ExactOnlineTarget.client(session.get(Connection, merchant["target"].id))


def by_hand(client, entity: str, body: dict) -> str:
    """A record the merchant made in Exact themselves; returns its ID."""
    return client.post(entity, body)["ID"]


def invoices(sandboxes, merchant) -> list[dict]:
    return sandboxes.exact.documents(division_of(merchant), "SalesInvoices")


def test_a_known_customer_with_known_products_costs_exactly_one_call(sandboxes):
    merchant, client = ready(sandboxes)
    debtor = by_hand(client, "crm/Accounts", {"Name": "Vaste Klant", "Email": "Vaste@Example.test", "Status": "C"})
    by_hand(client, "logistics/Items", {"Code": "SKU-21-1", "Description": "Artikel 1"})
    by_hand(client, "logistics/Items", {"Code": "sku-21-2", "Description": "Artikel 2"})  # Exact ignores case
    read = sync.run(merchant["target"].id)
    assert read.filled == ["debtor", "item"] and read.read == {"debtor": 1, "item": 2}

    posted = post(merchant, order("vaste@example.test", lines=2))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    division = division_of(merchant)
    assert calls_of(posted.id) == [("POST", f"{division}/salesinvoice/SalesInvoices")]
    [invoice] = invoices(sandboxes, merchant)
    assert invoice["OrderedBy"] == debtor
    assert len(sandboxes.exact.documents(division, "Accounts")) == 1  # no second debtor made


def test_a_new_customer_costs_two_calls_plus_one_per_new_product(sandboxes):
    merchant, client = ready(sandboxes)
    by_hand(client, "logistics/Items", {"Code": "SKU-21-1", "Description": "Artikel 1"})
    sync.run(merchant["target"].id)
    division = division_of(merchant)

    first = post(merchant, order("nieuw@example.test", lines=1))
    assert first.state == "posted", (first.error_code, first.error_message)
    assert calls_of(first.id) == [("POST", f"{division}/crm/Accounts"), ("POST", f"{division}/salesinvoice/SalesInvoices")]

    second = post(merchant, order("ook-nieuw@example.test", lines=3))  # SKU-21-2 and SKU-21-3 are new
    assert second.state == "posted", (second.error_code, second.error_message)
    assert calls_of(second.id) == [("POST", f"{division}/crm/Accounts"), ("POST", f"{division}/logistics/Items"),
                                   ("POST", f"{division}/logistics/Items"),
                                   ("POST", f"{division}/salesinvoice/SalesInvoices")]
    again = post(merchant, order("NIEUW@example.test", lines=3))  # returning now, and every product known
    assert calls_of(again.id) == [("POST", f"{division}/salesinvoice/SalesInvoices")]
    assert len({i["OrderedBy"] for i in invoices(sandboxes, merchant)}) == 2


def test_the_delta_sync_job_picks_up_debtors_changed_in_the_administration(sandboxes, worker):
    merchant, client = ready(sandboxes)
    target_id = merchant["target"].id
    moved = by_hand(client, "crm/Accounts", {"Name": "Verhuisd", "Email": "oud@example.test", "Status": "C"})
    sync.run(target_id)
    # After the fill, the merchant changes one debtor's e-mail in Exact and makes another debtor.
    client.send("PUT", client.url(f"crm/Accounts(guid'{moved}')"), json={"Email": "nieuw-adres@example.test"})
    made = by_hand(client, "crm/Accounts", {"Name": "Met De Hand", "Email": "hand@example.test", "Status": "C"})
    delta_synced(target_id, worker, "hand@example.test")  # the job the periodic sync queues every 15 minutes

    assert store.known(target_id, "debtor", ["nieuw-adres@example.test", "oud@example.test"])[0] == {
        "nieuw-adres@example.test": moved}
    reads = sync_reads(target_id, "crm/Accounts")
    assert reads[-1]["$filter"].startswith("Modified ge datetime'")  # the delta reads only what changed
    division = division_of(merchant)
    for email, debtor in (("nieuw-adres@example.test", moved), ("hand@example.test", made)):
        posted = post(merchant, order(email))
        assert posted.state == "posted", (posted.error_code, posted.error_message)
        assert [c for c in calls_of(posted.id) if "Accounts" in c[1]] == []
        assert invoices(sandboxes, merchant)[-1]["OrderedBy"] == debtor
    assert len(sandboxes.exact.documents(division, "Accounts")) == 2


def test_a_debtor_deleted_in_the_administration_is_made_again_never_booked_on(sandboxes):
    merchant, _ = ready(sandboxes)
    sync.run(merchant["target"].id)
    division = division_of(merchant)
    first = post(merchant, order("weg@example.test"))
    [gone] = [a["ID"] for a in sandboxes.exact.documents(division, "Accounts")]
    response = requests.delete(f"{settings.exact_base_url}/_sandbox/documents",
                               params={"division": division, "entity": "Accounts", "id": gone}, timeout=5)
    assert response.status_code == 204  # the merchant deleted the debtor in Exact; our mirror still has it

    again = post(merchant, order("weg@example.test"))
    assert first.state == again.state == "posted", (again.error_code, again.error_message)
    [account] = sandboxes.exact.documents(division, "Accounts")
    assert account["ID"] != gone and account["Email"] == "weg@example.test"
    booked = [i for i in invoices(sandboxes, merchant) if i["YourRef"] == again.number]
    assert len(booked) == 1 and booked[0]["OrderedBy"] == account["ID"]
    methods = [(method, path.split("/", 1)[1]) for method, path in calls_of(again.id)]
    # refused for the missing debtor, which is read back to be sure, looked up by e-mail, made, booked
    assert methods == [("POST", "salesinvoice/SalesInvoices"), ("GET", "crm/Accounts"), ("GET", "crm/Accounts"),
                       ("POST", "crm/Accounts"), ("POST", "salesinvoice/SalesInvoices")]
    assert store.known(merchant["target"].id, "debtor", ["weg@example.test"])[0] == {"weg@example.test": account["ID"]}


def test_a_debtor_creation_without_an_answer_is_looked_up_not_made_twice(sandboxes):
    merchant, _ = ready(sandboxes)
    sync.run(merchant["target"].id)
    sandboxes.exact.add_fault(FaultRule(method="POST", path="crm/Accounts", mode="commit_then_hang",
                                        hang_seconds=7, count=1))  # Exact stores it; our 5 s timeout passes
    posted = post(merchant, order("twijfel@example.test"), tries=6)
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    division = division_of(merchant)
    accounts = [a for a in sandboxes.exact.documents(division, "Accounts") if a["Email"] == "twijfel@example.test"]
    assert len(accounts) == 1 and invoices(sandboxes, merchant)[0]["OrderedBy"] == accounts[0]["ID"]
    methods = [(method, path.split("/", 1)[1]) for method, path in calls_of(posted.id)]
    assert methods.count(("POST", "crm/Accounts")) == 1 and ("GET", "crm/Accounts") in methods


def test_an_item_deleted_in_the_administration_is_made_again(sandboxes):
    merchant, client = ready(sandboxes)
    gone = by_hand(client, "logistics/Items", {"Code": "SKU-21-1", "Description": "Artikel 1"})
    sync.run(merchant["target"].id)
    division = division_of(merchant)
    requests.delete(f"{settings.exact_base_url}/_sandbox/documents",
                    params={"division": division, "entity": "Items", "id": gone}, timeout=5).raise_for_status()
    posted = post(merchant, order("artikel-weg@example.test"))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    [item] = sandboxes.exact.documents(division, "Items")
    assert item["ID"] != gone and invoices(sandboxes, merchant)[0]["SalesInvoiceLines"][0]["Item"] == item["ID"]


def test_a_fill_follows_every_page_and_a_throttled_fill_goes_on_later(unthrottled):
    merchant, client = ready(unthrottled)
    target_id = merchant["target"].id
    for n in range(65):  # more than Exact's 60 a page
        by_hand(client, "crm/Accounts", {"Name": f"Klant {n}", "Email": f"klant{n}@example.test", "Status": "C"})
    unthrottled.exact.add_fault(FaultRule(method="GET", path="logistics/Items", mode="status", status=429, count=1))
    with pytest.raises(Throttled):  # the job is retried at the reset
        sync.run(target_id)
    assert filled(target_id, "debtor") and not filled(target_id, "item")
    assert len(store.known(target_id, "debtor", [f"klant{n}@example.test" for n in range(65)])[0]) == 65
    with db.session_scope() as session:
        urls = session.execute(sa.select(RemoteCall.url).where(
            RemoteCall.connection_id == target_id, RemoteCall.url.contains("crm/Accounts"),
            RemoteCall.method == "GET").order_by(RemoteCall.id)).scalars().all()
    assert len(urls) == 2 and "skiptoken" in urls[1]  # the second page came from Exact's __next link
    sync.run(target_id)
    assert filled(target_id, "item")


def test_connecting_the_administration_fills_its_mirror(sandboxes, client, worker):
    from tests.test_connect import consent, start

    merchant = make_merchant(sandboxes, connect_exact=False)
    sandboxes.exact.add_user(username="mirror@example.test", password="pw", division=None)
    back = consent(start(client, merchant), "mirror@example.test", "pw")
    client.get(back[back.index("/connect/"):], follow_redirects=True)
    target_id = merchant["target"].id
    wait_for(lambda: filled(target_id, "debtor") and filled(target_id, "item"),
             message="the mirror filled by the job queued on connecting")


def test_a_connection_moved_to_another_division_never_uses_the_old_divisions_mirror(sandboxes):
    merchant, client = ready(sandboxes)
    by_hand(client, "crm/Accounts", {"Name": "Oude Divisie", "Email": "verhuis@example.test", "Status": "C"})
    sync.run(merchant["target"].id)
    other = sandboxes.exact.add_division()
    sandboxes.exact.users[merchant["exact_user"]]["divisions"].append(other)
    with db.session_scope() as session:  # the merchant typed another division in the settings
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "division": str(other), "reference": None}
    configure(merchant)  # the new division's VAT codes and ledger accounts
    posted = post(merchant, order("verhuis@example.test"))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    [account] = sandboxes.exact.documents(other, "Accounts")
    assert sandboxes.exact.documents(other, "SalesInvoices")[0]["OrderedBy"] == account["ID"]
    # the old division's debtor was never sent: its mirror is gone, the new one is not filled yet
    assert [(method, path.split("/", 1)[1]) for method, path in calls_of(posted.id)] == [
        ("GET", "crm/Accounts"), ("POST", "crm/Accounts"), ("GET", "logistics/Items"), ("POST", "logistics/Items"),
        ("POST", "salesinvoice/SalesInvoices")]


def test_the_periodic_sync_queues_one_run_per_administration_at_a_time(sandboxes):
    merchant, _ = ready(sandboxes)
    make_merchant(sandboxes, connect_exact=False)  # no administration yet: nothing to mirror
    assert sync.mirrored_ids() == [merchant["target"].id]
    assert sync.defer_all() == 1
    assert sync.defer_all() == 0  # queueing_lock mirror:<id>: a run already waits
