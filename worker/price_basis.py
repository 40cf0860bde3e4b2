"""The basis (incl. or excl. VAT) a shop's prices are on, as its connector declares it.

A target that lets the merchant choose which prices it receives (``Target.price_modes``) stops every order
whose prices are on the other basis (worker.pipeline.prechecks.check_price_basis); a source that always
sends one basis (``Source.prices_include_vat``) therefore decides the target's starting choice.
"""
from __future__ import annotations

from worker import connectors


def declared(source_system: str) -> str | None:
    """"incl" or "excl" when every order of ``source_system`` is on that basis; None when the shop decides."""
    basis = getattr(connectors.REGISTRY.get(source_system), "prices_include_vat", None)
    return None if basis is None else ("incl" if basis else "excl")


def starting_price_mode(source_system: str, target_system: str) -> dict:
    """The target's price_mode setting to start with: the source's declared basis when the target offers it."""
    basis, modes = declared(source_system), getattr(connectors.REGISTRY.get(target_system), "price_modes", ())
    return {"price_mode": basis} if basis in modes else {}
