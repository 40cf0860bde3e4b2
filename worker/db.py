"""The SQLAlchemy engine and sessions shared by the portal and the worker."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
import sqlalchemy as sa
from sqlalchemy import orm

from worker.config import settings

_state: dict[str, object] = {}
RECYCLE_SECONDS = 300  # without pre-ping, a pooled connection is replaced once it is this old


def sqlalchemy_url(url: str) -> str:
    """Turn a libpq URL (what Procfile platforms give) into one SQLAlchemy's psycopg 3 driver takes."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def libpq_url(url: str) -> str:
    """Turn a SQLAlchemy URL back into a plain libpq one (for psycopg and procrastinate)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1).replace("postgres://", "postgresql://", 1)


def configure(url: str | None = None, pre_ping: bool = True) -> sa.Engine:
    """Create the engine for ``url`` (``DATABASE_URL`` by default) and bind the session factory.

    ``pre_ping`` sends a ping on every checkout: the web process keeps it. The worker (``worker.run``)
    does without it, as every ping is one more round trip per short transaction: a connection that
    died with the server fails its job, which is retried (``jobs.RemoteRetryStrategy``), the pool is
    emptied when the worker restarts after losing the database, and ``RECYCLE_SECONDS`` retires
    connections before a server or proxy drops them for idling.
    """
    url = url or settings.database_url
    if not url:
        raise RuntimeError("DATABASE_URL is not set; start Koppel with `make run` or set it")
    old = _state.get("engine")
    if isinstance(old, sa.Engine):
        old.dispose()
    engine = sa.create_engine(sqlalchemy_url(url), pool_pre_ping=pre_ping, pool_size=10, max_overflow=10,
                              pool_recycle=-1 if pre_ping else RECYCLE_SECONDS)
    _state["engine"] = engine
    _state["url"] = libpq_url(url)
    _state["sessionmaker"] = orm.sessionmaker(engine, expire_on_commit=False)
    return engine


def engine() -> sa.Engine:
    """The configured engine, configured from the environment on first use."""
    if "engine" not in _state:
        configure()
    return _state["engine"]  # type: ignore[return-value]


def database_url() -> str:
    """The libpq URL of the configured database."""
    engine()
    return _state["url"]  # type: ignore[return-value]


def new_session() -> orm.Session:
    """A new session; the caller commits and closes it."""
    engine()
    return _state["sessionmaker"]()  # type: ignore[operator]


@contextlib.contextmanager
def session_scope(bind: sa.Connection | None = None) -> Iterator[orm.Session]:
    """A session that commits when the block succeeds and rolls back when it raises (on ``bind`` if given)."""
    session = new_session() if bind is None else orm.Session(bind=bind, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def psycopg_connection(session: orm.Session):
    """The psycopg connection under ``session``'s transaction, for deferring jobs in it."""
    return session.connection().connection.driver_connection


def unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database could not be reached or dropped us.

    SQLAlchemy and procrastinate wrap psycopg's errors, so the chain of causes is followed. An
    OperationalError also covers deadlocks and cancelled statements: all worth trying again.
    """
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError,
                            sa.exc.OperationalError, sa.exc.InterfaceError)):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
