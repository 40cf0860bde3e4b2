"""Keeping a SnelStart sandbox across restarts of the development stack (tokens, limits and faults are not kept)."""
from __future__ import annotations

import json
import os
import secrets
from decimal import Decimal

from worker.sandbox_clock import Clock


def save(state, path: str) -> None:
    """Write the administrations, their keys and the subscription keys as JSON, atomically."""
    with state.lock:
        data = {"version": 1, "subscription_keys": sorted(state.subscription_keys),
                "administrations": state.administrations,
                "keys": {key: {**grant, "scopes": sorted(grant["scopes"])} for key, grant in state.keys.items()}}
        tmp = f"{path}.{secrets.token_hex(4)}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, default=lambda value: float(value) if isinstance(value, Decimal) else str(value))
        os.replace(tmp, path)


def load(cls, path: str, clock: Clock | None = None, **options):
    """A state of class ``cls`` restored from :func:`save`."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle, parse_float=Decimal)
    state = cls(clock=clock, **options)
    state.subscription_keys = set(data["subscription_keys"])
    state.administrations = data["administrations"]
    state.keys = {key: {**grant, "scopes": set(grant["scopes"])} for key, grant in data["keys"].items()}
    return state
