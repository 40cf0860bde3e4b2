"""Whether a mirrored Visma customer is a private person: it decides whether a document's prices go incl. VAT.

Visma fills a document's ``CustomerIsPrivatePerson`` from the customer, whatever we send (targets.md
§2.9 item 6), so we must price in the customer's basis without reading the customer per order. The
mirror keeps ``IsPrivatePerson`` with each customer (``details``) from the fill, the delta sync and our
own creations. Between two syncs the merchant may have changed it: the document's answer then names
the other basis, the total check shows the difference to the merchant, and the mirror takes the
answer's value so the next order is priced right.
"""
from __future__ import annotations

from worker.connectors.errors import RemoteRejected
from worker.connectors.visma_eaccounting.client import VismaClient
from worker.connectors.visma_eaccounting.mirror import VismaMirror
from worker.mirror import store


def keep(connection_id: int, record: dict, email: str) -> None:
    """Remember a customer record as Visma answered it (made by us, or read), under the order's e-mail."""
    store.remember(connection_id, "debtor", [VismaMirror.row("debtor", {**record, "EmailAddress": email})])


def private(client: VismaClient, customer_id: str, email: str | None = None) -> bool:
    """The customer's ``IsPrivatePerson`` as mirrored; read from Visma (and kept, when it has an e-mail address
    to be mirrored under) when the mirror has no details of it: a fixed debtor without e-mail is read per order."""
    details = store.details(client.connection_id, "debtor", customer_id) or {}
    if "IsPrivatePerson" in details:
        return bool(details["IsPrivatePerson"])
    try:
        record = client.get_one(f"customers/{customer_id}")
    except RemoteRejected as exc:
        if exc.status == 404:  # deleted in Visma since: forget it, so the next try makes a new one
            store.forget(client.connection_id, "debtor", [customer_id])
        raise
    if email or record.get("EmailAddress"):
        keep(client.connection_id, record, email or record["EmailAddress"])
    return bool(record["IsPrivatePerson"])


def learn(connection_id: int, customer_id: str, email: str | None, assumed: bool, answer: dict) -> None:
    """Take the document answer's ``CustomerIsPrivatePerson`` when it differs from what the mirror said."""
    said = answer.get("CustomerIsPrivatePerson")
    if email and said is not None and bool(said) != assumed:
        store.remember(connection_id, "debtor", [VismaMirror.row("debtor", {
            "Id": customer_id, "EmailAddress": email, "IsPrivatePerson": bool(said)})])
