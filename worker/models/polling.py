"""Where each polled source connection stands: its watermark, its last run and its next one."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from worker.models.base import Base, updated_column


class PollState(Base):
    """One polled connection's schedule and watermark (worker.pipeline.polling); shown on the dashboard."""

    __tablename__ = "poll_states"

    connection_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True)
    # Orders changed at or after this moment (the shop's clock) are fetched next run, minus an overlap.
    watermark: orm.Mapped[dt.datetime | None]
    next_run_at: orm.Mapped[dt.datetime | None]
    last_started_at: orm.Mapped[dt.datetime | None]
    last_finished_at: orm.Mapped[dt.datetime | None]  # when it last looked (a run that ended)
    last_found: orm.Mapped[int | None]  # orders the last run fetched (new, changed or re-read)
    last_new: orm.Mapped[int | None]  # of which Koppel had not seen before
    last_error: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    updated_at: orm.Mapped[dt.datetime] = updated_column()
