"""The web process's gunicorn worker: gunicorn's threaded worker that accepts only while a thread is free.

gunicorn's threaded worker accepts every connection it can hold, busy or not: when many kept-alive
connections open at once (shops delivering in parallel) one worker can take them all, queue their
requests behind its threads and its one GIL, while the other worker idles. Measured with 16 senders
on 2 workers: runs where one worker held 15 connections ran at 1,000 deliveries a second, even
splits at 1,250 (issue 15). This worker stops accepting while each of its threads has a request
and starts again when one is free, so new connections go to a worker that can serve them now.
Idle kept-alive connections do not count, so they never hold a worker closed.
"""
from __future__ import annotations

from gunicorn.workers import gthread


class ThreadWorker(gthread.ThreadWorker):
    """gunicorn's gthread worker whose accepting follows its free threads (the Procfile's ``--worker-class``)."""

    # gunicorn's loop accepts while ``nr_conns < worker_connections``; reading the limit here lets
    # the loop's own check pause accepting (gunicorn 27's gthread worker, pinned).
    @property
    def worker_connections(self) -> int:
        busy = self.nr_conns - len(self.keepalived_conns) - len(self.pending_conns)
        return self._connection_limit if busy < self.cfg.threads else self.nr_conns

    @worker_connections.setter
    def worker_connections(self, limit: int) -> None:
        self._connection_limit = limit
