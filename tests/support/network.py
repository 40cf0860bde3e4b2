"""Real sockets for tests: free ports and a server whose WSGI app can be swapped per test."""
from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Swappable:
    """A WSGI app that forwards to whichever app the current test installed."""

    def __init__(self):
        self.app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"no app installed"]
        return self.app(environ, start_response)
