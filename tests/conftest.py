"""Fixtures: a real Postgres per test, sandboxes and the portal on real sockets, real workers."""
from __future__ import annotations

import os

import pytest

from tests.support import postgres
from tests.support.network import Swappable, free_port

SANDBOX_PORT, WEB_PORT = free_port(), free_port()
TEST_ENV = {
    "KOPPEL_SANDBOX_URL": f"http://127.0.0.1:{SANDBOX_PORT}",
    "KMOSHOPS_API_URL": f"http://127.0.0.1:{SANDBOX_PORT}/kmoshops/v1",
    "EXACT_BASE_URL": f"http://127.0.0.1:{SANDBOX_PORT}/exact",
    "KOPPEL_PUBLIC_URL": f"http://127.0.0.1:{WEB_PORT}",
    "KOPPEL_HTTP_TIMEOUT": "5",
    "KOPPEL_STALLED_WORKER_SECONDS": "3",
    "KOPPEL_SETTLE_SECONDS": "1",  # tests of slow commits set their own window
}
os.environ.update(TEST_ENV)

from worker import config, db  # noqa: E402  (settings must see TEST_ENV)

config.override(**{k: v for k, v in vars(config.from_env()).items()})


@pytest.fixture(scope="session")
def pg_admin():
    """The admin URL of a Postgres server with the migrated template database."""
    url, handle = postgres.start_server()
    postgres.create_template(url)
    yield url
    del handle


@pytest.fixture
def database(pg_admin):
    """A fresh, migrated database of this test's own; the engine points at it."""
    url = postgres.create_test_database(pg_admin)
    db.configure(url)
    yield url
    db.engine().dispose()
    postgres.drop_database(pg_admin, url)


@pytest.fixture(scope="session")
def sandbox_server():
    from worker.httpserver import ServerThread
    from worker.sandboxes import SandboxSet

    sandboxes = SandboxSet()
    server = ServerThread(sandboxes, port=SANDBOX_PORT).start()
    yield sandboxes
    sandboxes.sender.stop()
    server.stop()


@pytest.fixture
def sandboxes(sandbox_server, database):
    """The sandboxes with fresh state for this test; the webhook sender runs in the background."""
    sandbox_server.reset()
    sandbox_server.sender.start()
    yield sandbox_server
    sandbox_server.sender.stop()


@pytest.fixture
def unthrottled(sandbox_server, database):
    """Sandboxes whose Exact limits are out of the way (money and big orders, not rate limits, are tested)."""
    sandbox_server.exact_options = {"minute_limit": 10**6, "day_limit": 10**8}
    sandbox_server.reset()
    yield sandbox_server
    sandbox_server.exact_options = {}


@pytest.fixture(scope="session")
def web_server():
    from worker.httpserver import ServerThread

    swappable = Swappable()
    server = ServerThread(swappable, port=WEB_PORT).start()
    yield swappable
    server.stop()


@pytest.fixture
def app(database):
    from portal import create_app

    return create_app({"TESTING": True, "DATABASE_URL": database, "WTF_CSRF_ENABLED": False})


@pytest.fixture
def web(web_server, app):
    """The portal for this test's database, served on the real socket shops send webhooks to."""
    web_server.app = app
    yield app
    web_server.app = None


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def worker(database):
    """A real procrastinate worker for this test's database, in a background thread."""
    from tests.support.workers import WorkerThread

    thread = WorkerThread(database).start()
    yield thread
    thread.stop()
