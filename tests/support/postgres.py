"""A real Postgres for the test suite: the one in TEST_DATABASE_URL/DATABASE_URL, or an embedded one.

The schema is migrated once into a template database; every test gets its own copy
(CREATE DATABASE ... TEMPLATE), which takes a fraction of a second and isolates tests that commit.
"""
from __future__ import annotations

import itertools
import os
import tempfile
import urllib.parse

import psycopg

TEMPLATE = "koppel_test_template"
_counter = itertools.count(1)


def start_server() -> tuple[str, object]:
    """An admin URL for a Postgres server, and the handle that keeps an embedded one alive."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url, None
    import pgserver

    server = pgserver.get_server(tempfile.mkdtemp(prefix="koppel-pg-"), cleanup_mode="delete")
    return server.get_uri(), server


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name``."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def create_template(admin_url: str) -> None:
    """A fresh template database migrated to head."""
    from worker.migrate import upgrade

    _admin(admin_url, f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    _admin(admin_url, f"CREATE DATABASE {TEMPLATE}")
    upgrade(with_database(admin_url, TEMPLATE))


def create_test_database(admin_url: str) -> str:
    """A new database copied from the template; returns its URL."""
    name = f"koppel_test_{os.getpid()}_{next(_counter)}"
    _admin(admin_url, f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return with_database(admin_url, name)


def drop_database(admin_url: str, url: str) -> None:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    _admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
