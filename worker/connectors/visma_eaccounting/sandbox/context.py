"""What a REST handler works with: the state, the caller's company, the time and the query."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from .state import VismaState


@dataclasses.dataclass
class Ctx:
    """One API call's context; handlers run with the state lock held."""

    state: VismaState
    company_id: str
    now: float
    args: dict

    @property
    def company(self) -> dict:
        """The caller's company record."""
        return self.state.company(self.company_id)

    def docs(self, collection: str) -> dict:
        """The caller's live records of one collection."""
        return self.state.docs(self.company_id, collection)

    def stamp(self) -> str:
        """The current sandbox time as Visma writes it (UTC, ISO)."""
        return dt.datetime.fromtimestamp(self.now, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def today(self) -> dt.date:
        """The sandbox's current date (UTC)."""
        return dt.datetime.fromtimestamp(self.now, dt.timezone.utc).date()

    @staticmethod
    def new_id() -> str:
        """A fresh GUID, as Visma gives every record."""
        return str(uuid.uuid4())
