"""A Postgres server of a test's own that the test can stop and start (pgserver's pg_ctl), with a migrated database."""
from __future__ import annotations

import shutil
import tempfile

import pgserver

from tests.support import postgres


class RestartablePostgres:
    """An embedded Postgres in a temporary directory; ``url`` is a migrated database on it."""

    def __init__(self):
        self._dir = tempfile.mkdtemp(prefix="koppel-pg-restart-")
        self.server = pgserver.get_server(self._dir, cleanup_mode="delete")
        admin = self.server.get_uri()
        postgres.create_template(admin)
        self.url = postgres.create_test_database(admin)

    def stop(self) -> None:
        """Stop the server the way an operator does (fast: open connections are cut)."""
        pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user,
                        timeout=60)

    def start(self) -> None:
        """Start it again on the same socket, with the same data."""
        self.server.ensure_postgres_running()

    def close(self) -> None:
        self.server.cleanup()
        shutil.rmtree(self._dir, ignore_errors=True)
