"""The web process's gunicorn worker (portal.workers) accepts a connection only while it has a free thread.

Four clients connect at once to two workers of two threads each, and their requests are held in the
app: every request must reach the app, two in each worker. (gunicorn's own threaded worker may take
three or four of the connections in one worker, where the third waits for a thread while the other
worker idles.)
"""
from __future__ import annotations

import collections
import concurrent.futures
import pathlib
import subprocess
import sys

import requests

from tests.support.network import free_port
from tests.support.waiting import wait_for

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_connections_go_to_the_worker_with_a_free_thread(tmp_path):
    port, ready = free_port(), tmp_path / "ready"
    ready.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "bench/gunicorn_ready.py", "--worker-class",
         "portal.workers.ThreadWorker", "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}",
         "tests.support.hello_wsgi:app"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "HELLO_DIR": str(tmp_path), "KOPPEL_BENCH_READY_DIR": str(ready)})
    try:
        wait_for(lambda: len(list(ready.iterdir())) == 2, timeout=60, message="both workers accepting")
        with concurrent.futures.ThreadPoolExecutor(4) as clients:
            held = [clients.submit(requests.get, f"http://127.0.0.1:{port}/hold", timeout=60) for _ in range(4)]
            arrived = lambda: list(tmp_path.glob("arrived-*"))  # noqa: E731
            wait_for(lambda: len(arrived()) == 4, timeout=30, message="every request in the app at once")
            per_worker = collections.Counter(path.name.split("-")[1] for path in arrived())
            (tmp_path / "release").touch()
            assert [answer.result().status_code for answer in held] == [200] * 4
        assert sorted(per_worker.values()) == [2, 2]
    finally:
        server.terminate()
        server.wait(timeout=30)
