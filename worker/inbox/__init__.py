"""Receiving a shop's webhook: verify, store raw, store the order, defer, answer — in one transaction.

The answer is a (status, text) pair the portal returns as it is. Nothing remote happens here, so
the shop gets its 2xx in milliseconds. Every signed delivery is kept raw and answered 2xx, however
malformed: an order we cannot read goes to Errors saying why, and a delivery without even an
order id is listed on the dashboard. A shop that stops retrying never takes an order with it.

Deliveries that arrive while another batch is being written are stored together, in one
transaction (``worker.groupcommit``, ``worker.inbox.batch``); a delivery that arrives alone is
stored at once. Either way its 2xx is sent only after the commit that holds it.
"""
from __future__ import annotations

from worker import connectors
from worker.groupcommit import GroupCommit
from worker.inbox import batch

MAX_BODY = 1024 * 1024
# One per process: gunicorn's threads of a worker share it. 16 covers the Procfile's 8 threads twice over.
# Under load a leader waits up to 1 ms for one delivery more than the last batch held: batches of 6–8
# instead of 3–5 cost a third less per delivery (bench/batches.py; 2 ms left the cores idle).
GROUP = GroupCommit(batch.store, max_batch=16, linger=0.001)


def receive(system: str, token: str, headers, body: bytes) -> tuple[int, str]:
    """Handle one delivery of the webhook source ``system`` to the webhook URL with ``token``."""
    if len(body) > MAX_BODY:
        return 413, "body too large"
    source_cls = connectors.SOURCES.get(system)
    if source_cls is None or source_cls.arrival != "webhook":
        return 404, "unknown webhook"
    return GROUP.submit(batch.Arrival(system, token, headers, body))
