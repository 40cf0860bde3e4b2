"""The connector registry: every system Koppel talks to, listed explicitly."""
from __future__ import annotations

from worker.connectors.base import Connector, Setting, Source, Target
from worker.connectors.exact import ExactOnlineTarget
from worker.connectors.factuursturen import FactuursturenTarget
from worker.connectors.kmoshops import KmoShopsSource
from worker.connectors.snelstart import SnelStartTarget
from worker.connectors.visma_eaccounting import VismaEAccountingTarget

SOURCES: dict[str, type[Source]] = {cls.key: cls for cls in (KmoShopsSource,)}
TARGETS: dict[str, type[Target]] = {cls.key: cls for cls in (ExactOnlineTarget, VismaEAccountingTarget,
                                                               FactuursturenTarget, SnelStartTarget)}
REGISTRY: dict[str, type[Connector]] = {**SOURCES, **TARGETS}


def get(key: str) -> type[Connector]:
    """The connector class registered under ``key``; KeyError when there is none."""
    return REGISTRY[key]


__all__ = ["Connector", "REGISTRY", "SOURCES", "Setting", "Source", "TARGETS", "Target", "get"]
