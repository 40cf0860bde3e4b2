"""How many refused calls one endpoint of a target may answer in an hour before we stop calling it.

Exact Online blocks an endpoint for an hour after 10 refused calls in an hour (targets.md §1.3), so
its client stops at 9. Visma eAccounting documents no such block, but a call that keeps being
refused only burns its rate budget and fills the call log, so its client counts the same way. The
count lives in Postgres (``rate_budgets``, through ``worker.ratelimit``) so every worker shares it;
an exhausted window pauses the endpoint (``ErrorBudgetExhausted``: the order waits, it is not
failed) and shows on the dashboard under the target's ``error_budget_prefix``.
"""
from __future__ import annotations

import dataclasses

from worker import ratelimit

# 400 bad request, 401 unauthorised, 403 forbidden, 404 not found: the answers Exact counts.
COUNTED_ERRORS = frozenset({400, 401, 403, 404})
ERRORS_PER_HOUR = 9
NAME_LENGTH = 40  # rate_budgets.window


@dataclasses.dataclass(frozen=True)
class ErrorBudget:
    """The error budget of one target: windows named ``<prefix><endpoint>``."""

    prefix: str
    per_hour: int = ERRORS_PER_HOUR
    counted: frozenset[int] = COUNTED_ERRORS

    def window(self, endpoint: str) -> ratelimit.Window:
        """The window of one endpoint (its name cut to the column's length)."""
        return ratelimit.Window((self.prefix + endpoint)[:NAME_LENGTH], self.per_hour, 3600)

    def check(self, connection_id: int, endpoint: str, conn=None) -> None:
        """Raise ``ratelimit.ErrorBudgetExhausted`` while the endpoint has no refusals left this hour."""
        ratelimit.check_errors(connection_id, self.window(endpoint), conn=conn)

    def count(self, connection_id: int, endpoint: str, status: int, conn=None) -> None:
        """Count the answer when it is a refusal of the counted kinds (in ``conn``'s transaction when given)."""
        if status in self.counted:
            ratelimit.spend_error(connection_id, self.window(endpoint), conn=conn)
