"""The nightly reconciliation of a target administration against our postings.

Exactly once is what the pipeline aims for; this checks it from the other side. The documents the
administration holds from the last ``KOPPEL_RECONCILE_DAYS`` days are listed (only key, number and
reference, page by page); a reference on two or more documents is a duplicate, and a reference
we have no posting for is unknown. Findings are kept until a later run no longer sees them, and
shown on the dashboard and in the daily digest.
"""
from __future__ import annotations

import collections
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from worker import connectors, db, jobs
from worker.config import settings
from worker.i18n import N_
from worker.models import Connection, Posting, ReconciliationFinding
from worker.models.base import utcnow

HEADING = N_("Our nightly check of your administration found:")
TEXTS = {
    "duplicate": N_("Order %(reference)s is in your administration %(count)d times (document numbers "
                    "%(numbers)s). Delete the extra document in your accounting system."),
    "unknown": N_("Document %(numbers)s carries the reference %(reference)s, which Koppel did not send. "
                  "If it is an order from your shop, check that it is not in your books twice."),
}


def defer_all() -> int:
    """One ``reconcile_target`` job per target connection with an administration; returns how many."""
    with db.session_scope() as session:
        targets = session.execute(sa.select(Connection).where(Connection.role == "target")).scalars().all()
        ids = [t.id for t in targets if connectors.get(t.system).is_ready(t)]
        for connection_id in ids:
            jobs.defer(session, "reconcile_target", connection_id=connection_id)
    return len(ids)


def reconcile(connection_id: int, now: dt.datetime | None = None) -> list[dict]:
    """List, compare and store the findings of one target connection; returns them."""
    now = now or utcnow()
    with db.session_scope() as session:
        target = session.get(Connection, connection_id)
        if target is None or not connectors.get(target.system).is_ready(target):
            return []
        tenant_id, documents = target.tenant_id, connectors.get(target.system).documents(target)
        types = set(session.execute(sa.select(Posting.document_type).distinct().where(
            Posting.target_connection_id == connection_id)).scalars())
        types.add(target.settings.get("document_type", "invoice"))
    since = now - dt.timedelta(days=settings.reconcile_days)
    listed = {document_type: documents.listed(document_type, since) for document_type in sorted(types)}
    found = findings(listed, known_references(connection_id, {d["reference"] for rows in listed.values()
                                                               for d in rows}))
    store(tenant_id, connection_id, found, now)
    return found


def known_references(connection_id: int, references: set[str]) -> set[str]:
    """Which of ``references`` Koppel has a posting for in this connection."""
    with db.session_scope() as session:
        return set(session.execute(sa.select(Posting.reference).where(
            Posting.target_connection_id == connection_id, Posting.reference.in_(references))).scalars())


def findings(listed: dict[str, list[dict]], known: set[str]) -> list[dict]:
    """Duplicates (a reference on several documents) and unknown references, per document type."""
    found = []
    for document_type, rows in listed.items():
        by_reference = collections.defaultdict(list)
        for row in rows:
            by_reference[row["reference"]].append({"id": row["id"], "number": row["number"]})
        for reference, docs in sorted(by_reference.items()):
            if len(docs) > 1:
                found.append({"kind": "duplicate", "reference": reference, "document_type": document_type,
                              "documents": docs})
            if reference not in known:
                found.append({"kind": "unknown", "reference": reference, "document_type": document_type,
                              "documents": docs})
    return found


def store(tenant_id: int, connection_id: int, found: list[dict], now: dt.datetime) -> None:
    """Keep the findings of this run (first seen stays), and drop those no longer found."""
    with db.session_scope() as session:
        for item in found:
            session.execute(insert(ReconciliationFinding).values(
                tenant_id=tenant_id, connection_id=connection_id, first_seen_at=now, last_seen_at=now, **item,
            ).on_conflict_do_update(index_elements=["connection_id", "kind", "reference"], set_={
                "documents": item["documents"], "document_type": item["document_type"], "last_seen_at": now}))
        session.execute(sa.delete(ReconciliationFinding).where(
            ReconciliationFinding.connection_id == connection_id, ReconciliationFinding.last_seen_at < now))


def current(session, tenant_id: int, since: dt.datetime | None = None) -> list[ReconciliationFinding]:
    """The tenant's open findings (first seen after ``since`` when given), for the dashboard and digest."""
    query = sa.select(ReconciliationFinding).where(ReconciliationFinding.tenant_id == tenant_id)
    if since is not None:
        query = query.where(ReconciliationFinding.first_seen_at > since)
    return session.execute(query.order_by(ReconciliationFinding.kind, ReconciliationFinding.reference)).scalars().all()


def describe(finding: ReconciliationFinding, translate) -> str:
    """One finding as a sentence for the merchant, in the language of ``translate`` (a gettext)."""
    numbers = ", ".join(doc["number"] or doc["id"] for doc in finding.documents)
    return translate(TEXTS[finding.kind]) % {"reference": finding.reference, "count": len(finding.documents),
                                             "numbers": numbers}
