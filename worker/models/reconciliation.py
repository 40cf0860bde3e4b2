"""What the nightly reconciliation found in a target administration that should not be there."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql

from worker.models.base import Base, created_column

# duplicate: two or more documents carry the same reference; unknown: a document carries a
# reference Koppel has no posting for.
FINDING_KINDS = ("duplicate", "unknown")


class ReconciliationFinding(Base):
    """One reference that is in the books twice, or that Koppel never sent; gone once resolved."""

    __tablename__ = "reconciliation_findings"
    __table_args__ = (sa.UniqueConstraint("connection_id", "kind", "reference"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    connection_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"))
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    reference: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    document_type: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    # [{"id": remote id, "number": document number}, ...] as the target lists them.
    documents: orm.Mapped[list] = orm.mapped_column(postgresql.JSONB)
    first_seen_at: orm.Mapped[dt.datetime] = created_column()
    last_seen_at: orm.Mapped[dt.datetime] = created_column()
