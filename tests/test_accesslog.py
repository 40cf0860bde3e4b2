"""The web process's access log (portal.accesslog, the Procfile's logger class) writes gunicorn's own line.

Two real gunicorn servers, one with gunicorn's logger and one with ours, serve the same tiny WSGI app;
the same requests (with referer, user agent, a Basic login, a query string) must give the same lines,
for gunicorn's default format and for one that names a request header.
"""
from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest
import requests

from tests.support.network import free_port
from tests.support.waiting import wait_for

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %({x-request-id}i)s %({content-type}o)s %(p)s'


def serve_and_log(tmp_path: pathlib.Path, logger: list[str], log_format: list[str]) -> list[str]:
    """The access lines a gunicorn with ``logger`` writes for two requests, timestamps and pids blanked."""
    port, log = free_port(), tmp_path / f"access-{len(list(tmp_path.iterdir()))}.log"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", *logger, *log_format, "--access-logfile", str(log),
                               "--bind", f"127.0.0.1:{port}", "tests.support.hello_wsgi:app"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _answers(port), timeout=30)
        requests.post(f"http://127.0.0.1:{port}/webhooks/x/y?a=1", data=b'{"quoted": "\\"yes\\""}', auth=("ann", "pw"),
                      headers={"Referer": "https://shop.example/", "User-Agent": 'Shop "agent" 1.0',
                               "X-Request-Id": "req-7"}, timeout=10)
        wait_for(lambda: len(log.read_text().splitlines()) >= 2, timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return [re.sub(r"\[[^]]+\]|<\d+>", "-", line) for line in log.read_text().splitlines()]


def _answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


@pytest.mark.parametrize("log_format", [[], ["--access-logformat", HEADER_FORMAT]], ids=["default", "header"])
def test_our_access_lines_are_gunicorns(tmp_path, log_format):
    ours = serve_and_log(tmp_path, ["--logger-class", "portal.accesslog.AccessLogger"], log_format)
    theirs = serve_and_log(tmp_path, [], log_format)
    assert ours == theirs
    assert '"POST /webhooks/x/y?a=1 HTTP/1.1" 200' in ours[-1]
    wanted = ["req-7", "application/json"] if log_format else [" ann ", '"https://shop.example/"', 'Shop \\"agent\\" 1.0']
    assert all(part in ours[-1] for part in wanted), ours[-1]
