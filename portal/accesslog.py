"""gunicorn's access log, building only the fields its line can use (the Procfile's ``--logger-class``).

For every request gunicorn builds every field a log line could name, including one per request
header, response header and WSGI environ key, and then escapes each, before formatting a line that
uses nine of them; at webhook rates that was a twentieth of the web process's time (issue 15). With
a format that names no header or environ field (gunicorn's default, the Procfile's), the same line
is made from the few environ keys its fields read.
"""
from __future__ import annotations

from gunicorn import glogging

# What gunicorn's own fields (h l u t r s m U q H b B f a T D M L p) read from the environ.
_FIELD_KEYS = ("REMOTE_ADDR", "REQUEST_METHOD", "RAW_URI", "SERVER_PROTOCOL", "PATH_INFO", "QUERY_STRING",
               "HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_AUTHORIZATION")


class AccessLogger(glogging.Logger):
    """gunicorn's logger; the header and environ fields are built only when the access format names one."""

    def atoms(self, resp, req, environ, request_time):
        if "}" in self.cfg.access_log_format:  # e.g. %({x-forwarded-for}i)s: gunicorn's full set
            return super().atoms(resp, req, environ, request_time)
        return super().atoms(resp, (), {key: environ[key] for key in _FIELD_KEYS if key in environ}, request_time)
