"""Round trips to Postgres of one request, read from libpq's protocol trace (procrastinate's statements too)."""
from __future__ import annotations

import re
import tempfile

import psycopg
import sqlalchemy as sa

# Each Sync (the end of an extended-protocol statement) or simple Query waits for Postgres once.
_WAIT = re.compile(r"^F\t\d+\t(Sync|Query)\b(.*)$")
_STATEMENT = re.compile(r'^F\t\d+\t(?:Parse\t "[^"]*" |Query\t )"([^"]{0,70})')


def traced(engine: sa.Engine, request) -> tuple[int, list[str]]:
    """(round trips, statements) while ``request()`` runs; the pool's pre-ping is counted apart by SQLAlchemy."""
    connections = []

    def trace(dbapi_connection, *_):
        dbapi_connection.pgconn.trace(log.fileno())
        dbapi_connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        connections.append(dbapi_connection)

    with tempfile.NamedTemporaryFile("w+", prefix="koppel-trace-") as log:
        sa.event.listen(engine, "checkout", trace)
        try:
            request()
        finally:
            sa.event.remove(engine, "checkout", trace)
            for connection in connections:
                connection.pgconn.untrace()
        log.seek(0)
        lines = log.read().splitlines()
    waits = sum(1 for line in lines if _WAIT.match(line))
    statements = [" ".join(match[1].split()) for line in lines if (match := _STATEMENT.match(line))]
    return waits, statements
