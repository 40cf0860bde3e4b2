"""How fast a target may be back-filled by a migration (worker/staff/migrations.py), declared by each target."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Pace:
    """How a target may be back-filled: calls an order costs, the share of each window kept back, a cap."""

    calls_per_order: int
    reserve: float  # of each rate window, kept for new orders
    max_orders: int | None = None


# Exact's limits as the cautious default: 5,000 calls a day and 60 a minute, half kept for new orders.
DEFAULT_PACE = Pace(3, 0.5)
