"""The pairs a merchant can choose at sign-up, read from the connector registry.

Two kinds: orders (a webshop into an accounting system) and payroll (a payroll system's journals
into a general ledger). A connector's ``role`` says which side of which kind it is; the tenant's
connection for it gets the role below, so the portal can install either kind without naming a system.
"""
from __future__ import annotations

from worker import connectors

ORDERS, PAYROLL = "orders", "payroll"
# Connector role → (kind, the role of the tenant's connection, first or second of the pair).
SIDES = {"source": (ORDERS, "source", 0), "target": (ORDERS, "target", 1),
         "payroll_source": (PAYROLL, "payroll", 0), "ledger": (PAYROLL, "ledger", 1)}
ROLES = {ORDERS: ("source", "target"), PAYROLL: ("payroll", "ledger")}
SIDES_BY_ROLE = {role: (kind, side) for kind, roles in ROLES.items() for side, role in enumerate(roles)}


def kind_of(system: str) -> str | None:
    """The kind of integration ``system`` belongs to; None for a key that is not registered."""
    cls = connectors.REGISTRY.get(system)
    side = SIDES.get(getattr(cls, "role", ""))
    return side[0] if side else None


def connection_role(system: str) -> str:
    """The role of the tenant's connection to ``system`` ("source", "target", "payroll", "ledger")."""
    return SIDES[connectors.REGISTRY[system].role][1]


def systems(kind: str, side: int) -> dict[str, type]:
    """The registered connectors of one side (0 = where data comes from, 1 = where it goes) of ``kind``."""
    return {key: cls for key, cls in connectors.REGISTRY.items()
            if SIDES.get(getattr(cls, "role", ""), (None, None, None))[0::2] == (kind, side)}


def is_pair(first: str, second: str) -> bool:
    """Whether ``first`` → ``second`` is a pair Koppel installs: both of one kind, in that order."""
    a, b = (SIDES.get(getattr(connectors.REGISTRY.get(k), "role", "")) for k in (first, second))
    return bool(a and b and a[0] == b[0] and (a[2], b[2]) == (0, 1))


def kind_of_connections(connections: dict) -> str:
    """The kind of a tenant's installation, from its connections' roles (orders when it has none)."""
    return PAYROLL if not {"source", "target"} & set(connections) and set(ROLES[PAYROLL]) & set(connections) \
        else ORDERS
