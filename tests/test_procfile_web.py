"""The Procfile's web line, run as written: gunicorn with Koppel's worker and logger classes under ``python -OO``.

The benchmarks and production start exactly this line; the other tests serve the app in-process. It
must show the login page, store a shop's delivery with its order, and write gunicorn's access line.
"""
from __future__ import annotations

import os
import pathlib
import re
import shlex
import subprocess
import sys

import requests
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.network import free_port
from tests.support.waiting import wait_for
from tests.support.webhooks import an_order, delivery
from worker import db

ROOT = pathlib.Path(__file__).resolve().parent.parent


def web_line(port: int) -> list[str]:
    """The Procfile's web command as argv, ${PORT:-8000} filled in, python being this interpreter."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    argv = shlex.split(re.sub(r"\$\{PORT:-\d+\}", str(port), line.removeprefix("web:")))
    assert argv[0] == "python"
    return [sys.executable, *argv[1:]]


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


def test_the_procfile_web_line_serves_pages_and_stores_deliveries(sandboxes, database):
    merchant = make_merchant(sandboxes)
    port = free_port()
    server = subprocess.Popen(web_line(port), cwd=ROOT, env={**os.environ, "DATABASE_URL": database},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/login"), timeout=120, message="the web line answers")
        assert 'name="password"' in requests.get(f"http://127.0.0.1:{port}/login", timeout=10).text
        body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(5, status="paid"))
        path = f"/webhooks/kmoshops/{merchant['source'].webhook_token}"
        answer = requests.post(f"http://127.0.0.1:{port}{path}", data=body, headers=headers, timeout=30)
        assert (answer.status_code, answer.json()) == (200, {"status": "stored"})
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0]
    with db.engine().connect() as conn:
        assert conn.execute(sa.text("SELECT state FROM orders")).scalars().all() == ["queued"]
    assert re.search(rf'"POST {re.escape(path)} HTTP/1.1" 200 \d+', output), output[-2000:]
