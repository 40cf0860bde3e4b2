"""Group commit: requests that arrive while one transaction is being written share the next one.

Postgres already groups the WAL flushes of concurrent commits; this groups the work before them
(issue 15). Each request adds its item and tries to become the leader: the leader stores every
item waiting (up to ``max_batch``) in one go, hands each its own result, and wakes the next waiting
request to lead the items that arrived meanwhile. A request that finds nobody writing leads at once,
so a lone delivery never waits for company; under load, batches form by themselves, and with
``linger`` a leader whose last batch held more than one waits that long at most for one item more
(Postgres' own ``commit_delay`` does the same for WAL flushes).
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence


class _Ticket:
    """One item on its way: its result (or the exception to raise) once a leader has stored it."""

    __slots__ = ("item", "result", "done", "turn")

    def __init__(self, item: object) -> None:
        self.item, self.result, self.done = item, None, False
        self.turn = threading.Event()  # set when the item is stored, or when it is this ticket's turn to lead


class GroupCommit:
    """Stores items in batches with ``store(items) -> results`` (same order; an exception is raised to its caller)."""

    def __init__(self, store: Callable[[list], Sequence[object]], max_batch: int = 64, linger: float = 0.0) -> None:
        self._store, self.max_batch, self.linger = store, max_batch, linger
        self._waiting: list[_Ticket] = []
        self._mutex = threading.Lock()  # guards _waiting
        self._arrived = threading.Condition(self._mutex)
        self._last = 0  # the size of the last batch: above 1, requests are arriving together
        self.leading = threading.Lock()  # held by the one request storing a batch
        self.largest = 0  # the largest batch stored so far (the tests check that batches form)

    def submit(self, item: object) -> object:
        """Store ``item`` (with whatever else is waiting) and return its result."""
        ticket = _Ticket(item)
        with self._mutex:
            self._waiting.append(ticket)
            self._arrived.notify()
        while not ticket.done:
            if self.leading.acquire(blocking=False):
                try:
                    self._lead()
                finally:
                    self.leading.release()
                self._wake_next()
            else:
                ticket.turn.wait()
                ticket.turn.clear()
        if isinstance(ticket.result, BaseException):
            raise ticket.result
        return ticket.result

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Keep the items arriving meanwhile waiting, then let them be stored together (tests use it)."""
        with self.leading:
            yield
        self._wake_next()

    def waiting(self) -> int:
        """How many items wait for a leader."""
        with self._mutex:
            return len(self._waiting)

    def _lead(self) -> None:
        with self._mutex:
            self._linger()
            batch, self._waiting = self._waiting[:self.max_batch], self._waiting[self.max_batch:]
            self._last = len(batch)
        if not batch:
            return
        try:
            results = list(self._store([ticket.item for ticket in batch]))
        except BaseException as exc:  # noqa: BLE001  (each waiting request raises it, as it would have alone)
            results = [exc] * len(batch)
        self.largest = max(self.largest, len(batch))
        for ticket, result in zip(batch, results, strict=True):
            ticket.result, ticket.done = result, True
            ticket.turn.set()

    def _linger(self) -> None:
        # Under load (the last batch held more than one), wait a moment for one more than it held: the
        # requests gunicorn's other threads are reading join this batch instead of forming a small next one.
        if self.linger <= 0 or self._last < 2:
            return
        deadline = time.monotonic() + self.linger
        wanted = min(self._last + 1, self.max_batch)
        while len(self._waiting) < wanted and (left := deadline - time.monotonic()) > 0:
            self._arrived.wait(left)

    def _wake_next(self) -> None:
        # The first request still waiting leads the next batch (it may find another already leading:
        # then that leader takes its item, and wakes the next in turn when it is done).
        with self._mutex:
            first = self._waiting[0] if self._waiting else None
        if first is not None:
            first.turn.set()
