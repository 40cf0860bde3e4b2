"""Keeping the Amazon sandbox's sellers, grants and orders across restarts of ``make run`` (development only)."""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile


def save(state, path: str) -> None:
    """Write the state to ``path`` as JSON, atomically (a crash leaves the old file)."""
    with state.lock:
        data = {"sellers": {k: sorted(v) for k, v in state.sellers.items()},
                "grants": {k: dataclasses.asdict(v) for k, v in state.grants.items()},
                "access": state.access, "orders": state.orders, "order_numbers": state._order_numbers}
        folder = os.path.dirname(path) or "."
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(handle.name, path)


def load(state, path: str) -> None:
    """Read back what ``save`` wrote into a fresh ``state``."""
    from worker.connectors.amazon.sandbox.state import Grant
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    state.sellers = {k: set(v) for k, v in data["sellers"].items()}
    state.grants = {k: Grant(**v) for k, v in data["grants"].items()}
    state.access, state.orders = data["access"], data["orders"]
    state._order_numbers = data["order_numbers"]
