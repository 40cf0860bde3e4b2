"""A tiny WSGI app for tests that need a real gunicorn without Koppel behind it.

``/hold`` leaves a file named after its process in ``$HELLO_DIR`` and answers only once a file
``release`` is there (tests/test_gunicorn_worker.py); every other path answers at once.
"""
import os
import pathlib
import time
import uuid


def app(environ, start_response):
    """Answer with a short JSON body, after reading the request body (and, on /hold, the release)."""
    environ["wsgi.input"].read()
    if environ["PATH_INFO"] == "/hold":
        folder = pathlib.Path(os.environ["HELLO_DIR"])
        (folder / f"arrived-{os.getpid()}-{uuid.uuid4().hex}").touch()
        while not (folder / "release").exists():  # the test's signal; this thread holds its worker's thread
            time.sleep(0.01)
    body = b'{"status": "ok"}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
