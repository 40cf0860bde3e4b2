"""Helpers shared by the mirror tests of each target (tests/test_mirror.py, tests/test_visma_mirror.py)."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal

from tests.support.orders import Amount, build
from worker.mirror import store

PRICE = Amount(Decimal("12.10"), Decimal("21"))


def orders(prefix: str, first_shop_id: int) -> Callable[..., dict]:
    """A maker of numbered orders ``<prefix>-0001``…; each test module its own prefix so numbers never clash."""
    ids = itertools.count(1)

    def order(email: str, lines: int = 1) -> dict:
        """An order of ``email`` for products SKU-21-1 … SKU-21-<lines>, without shipping costs."""
        n = next(ids)
        payload, _ = build(f"{prefix}-{n:04d}", first_shop_id + n, [PRICE] * lines, True, email)
        return payload

    return order


def filled(connection_id: int, kind: str) -> bool:
    """Whether the mirror of ``kind`` has been read whole."""
    return bool(store.state(connection_id, kind).get("complete_at"))
