"""The connector registry: every system Koppel talks to, listed explicitly."""
from __future__ import annotations

from worker.connectors.amazon import AmazonSource
from worker.connectors.base import Connector, Setting, Source, Target
from worker.connectors.exact import ExactOnlineTarget
from worker.connectors.factuursturen import FactuursturenTarget
from worker.connectors.kmoshops import KmoShopsSource
from worker.connectors.mijnwebwinkel import MijnwebwinkelSource
from worker.connectors.nmbrs import NmbrsPayroll
from worker.connectors.snelstart import SnelStartTarget
from worker.connectors.visma_eaccounting import VismaEAccountingTarget
from worker.connectors.visma_net import VismaNetLedger

SOURCES: dict[str, type[Source]] = {cls.key: cls for cls in (KmoShopsSource, MijnwebwinkelSource, AmazonSource)}
TARGETS: dict[str, type[Target]] = {cls.key: cls for cls in (ExactOnlineTarget, VismaEAccountingTarget,
                                                               FactuursturenTarget, SnelStartTarget)}
# Payroll: a payroll system's journals into a general ledger (worker/payroll), beside the order pipeline.
PAYROLL: dict[str, type[Connector]] = {cls.key: cls for cls in (NmbrsPayroll, VismaNetLedger)}
REGISTRY: dict[str, type[Connector]] = {**SOURCES, **TARGETS, **PAYROLL}


def get(key: str) -> type[Connector]:
    """The connector class registered under ``key``; KeyError when there is none."""
    return REGISTRY[key]


__all__ = ["Connector", "PAYROLL", "REGISTRY", "SOURCES", "Setting", "Source", "TARGETS", "Target", "get"]
