"""A copy of each target administration's debtors and items, so orders find them without a lookup call.

A target declares the kinds it mirrors (``Target.mirrored``, e.g. ``("debtor", "item")``) and a
reader (``Target.mirror_reader``) that pages through one kind, whole or changed since a timestamp
of the target's own clock, and looks keys up in batches. Koppel fills the mirror when the
administration is connected and keeps it current with a delta sync (``worker.mirror.sync``, jobs in
``worker.mirror.jobs``); the target's documents code asks ``worker.mirror.store`` first and calls
the remote only for what the mirror cannot answer. What the mirror holds may be out of date (a
debtor deleted in the administration): the target's answer to the document says so, and the
connector repairs the row (``store.forget``) before sending again — never booking on a missing record.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Protocol


@dataclasses.dataclass(frozen=True)
class Row:
    """One remote record as the mirror keeps it: its id, its key (e-mail, item code), when it changed, and
    what else the target needs of it (``details``, JSON; None keeps what was stored)."""

    remote_id: str
    key: str
    modified: dt.datetime | None = None
    details: dict | None = None


def normal(key: str) -> str:
    """Keys compare trimmed and case-insensitively, as the targets' own databases compare them."""
    return (key or "").strip().lower()


class Reader(Protocol):
    """What a target provides to mirror one administration."""

    def pages(self, kind: str, since: dt.datetime | None, resume: str | None) -> Iterator[tuple[list[Row], str | None]]:
        """Every record of ``kind`` (changed at or after ``since`` when given), page by page, each page
        with where the next one starts (None after the last); ``resume`` continues an interrupted read."""

    def lookup(self, kind: str, keys: list[str]) -> list[Row]:
        """The records of ``kind`` with any of ``keys``, in as few calls as the target's URL limits allow."""
