"""Payroll journals: which payroll company goes to which ledger company, and each run sent (once).

``payroll_runs`` is unique per (tenant, payroll company, year, run): a run is posted at most once,
whatever is pressed twice. A run becomes one ledger transaction per period it has lines for (TWK
lines book in their own period); ``payroll_transactions`` is unique per (run, period), so a run
interrupted half-way resumes without posting a period twice.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql

from worker.models.base import Base, created_column, updated_column

# Where a run is: open (appeared, checked, not sent), queued (job deferred), sending, posted, failed (a code and advice), changed (posted,
# then re-opened and changed in the payroll system: reported, never posted again).
RUN_STATES = ("open", "queued", "sending", "posted", "failed", "changed")


class PayrollMapping(Base):
    """One payroll company mapped to one ledger company, with the dimensions switched on."""

    __tablename__ = "payroll_mappings"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "payroll_company_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    payroll_company_id: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    payroll_company_name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    ledger_company_id: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    ledger_company_name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    # The dimension's description exactly as in the ledger (None: not used).
    cost_center_dimension: orm.Mapped[str | None] = orm.mapped_column(sa.String(100))
    cost_unit_dimension: orm.Mapped[str | None] = orm.mapped_column(sa.String(100))
    # Runs that appear are sent by themselves once their check passes (off: they wait in Open for Process).
    auto_send: orm.Mapped[bool] = orm.mapped_column(default=False, server_default=sa.false())
    created_at: orm.Mapped[dt.datetime] = created_column()
    updated_at: orm.Mapped[dt.datetime] = updated_column()


class PayrollRun(Base):
    """One payroll run sent (or being sent) to the ledger."""

    __tablename__ = "payroll_runs"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "payroll_company_id", "year", "run_id"),
                      sa.Index("ix_payroll_runs_tenant_state", "tenant_id", "state", "created_at"),
                      sa.Index("ix_payroll_runs_tenant_state_id", "tenant_id", "state", "created_at", "id"))

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    mapping_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("payroll_mappings.id", ondelete="CASCADE"))
    payroll_company_id: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    year: orm.Mapped[int]
    run_id: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    run_number: orm.Mapped[int]
    period: orm.Mapped[int]  # the run's own period (PeriodEnd)
    reference: orm.Mapped[str] = orm.mapped_column(sa.String(60))
    state: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="queued")
    fingerprint: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))  # of the journal as posted
    total_debit: orm.Mapped[Decimal | None] = orm.mapped_column(sa.Numeric(14, 2))
    total_credit: orm.Mapped[Decimal | None] = orm.mapped_column(sa.Numeric(14, 2))
    error_code: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    error_message: orm.Mapped[str | None] = orm.mapped_column(sa.Text)  # an N_ text, translated where shown
    error_params: orm.Mapped[dict | None] = orm.mapped_column(postgresql.JSONB)
    sent_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()
    updated_at: orm.Mapped[dt.datetime] = updated_column()


class PayrollTransaction(Base):
    """One ledger transaction of a run: the run's lines for one financial period."""

    __tablename__ = "payroll_transactions"
    __table_args__ = (sa.UniqueConstraint("run_id", "financial_period"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    run_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("payroll_runs.id", ondelete="CASCADE"), index=True)
    financial_period: orm.Mapped[str] = orm.mapped_column(sa.String(6))  # YYYYMM
    # sending: POST about to go out or in doubt (look it up before sending again); posted: batch known.
    state: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="sending")
    batch_number: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    debit: orm.Mapped[Decimal] = orm.mapped_column(sa.Numeric(14, 2))
    credit: orm.Mapped[Decimal] = orm.mapped_column(sa.Numeric(14, 2))
    sent_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()
