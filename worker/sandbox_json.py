"""Development only: a sandbox state's data as a JSON file, written atomically, read back with its types.

JSON has no Decimal, set or datetime, and turns integer keys into strings; values of those types are
written tagged (``{"$decimal": "12.34"}``) and restored on reading. Integer keys are the caller's to restore.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from decimal import Decimal

_TAGS = {"$decimal": Decimal, "$set": set, "$datetime": dt.datetime.fromisoformat}


def _tagged(value):
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (set, frozenset)):
        return {"$set": sorted(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not kept by the sandbox's file")


def _untagged(obj: dict):
    if len(obj) == 1:
        (key, value), = obj.items()
        if key in _TAGS:
            return _TAGS[key](value)
    return obj


def write(path: str, data: dict) -> None:
    """Write ``data`` to ``path`` (a temporary file renamed over it, so a crash never leaves half a file)."""
    tmp = f"{path}.{secrets.token_hex(4)}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, default=_tagged)
    os.replace(tmp, path)


def read(path: str) -> dict:
    """What :func:`write` wrote, with its Decimals, sets and datetimes back."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle, object_hook=_untagged)


def int_keys(mapping: dict) -> dict:
    """``mapping`` with its keys made integers again (JSON wrote them as strings)."""
    return {int(key): value for key, value in mapping.items()}
