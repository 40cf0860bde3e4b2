"""A tiny WSGI app for tests that need a real gunicorn without Koppel behind it (tests/test_accesslog.py)."""


def app(environ, start_response):
    """Answer every request with a short JSON body, reading the request body first."""
    environ["wsgi.input"].read()
    body = b'{"status": "ok"}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
