"""What can go wrong when talking to a remote system, sorted by what the pipeline does next."""
from __future__ import annotations

import datetime as dt


class RemoteError(Exception):
    """Base of every remote failure."""


class Throttled(RemoteError):
    """A rate limit is used up; try again at ``retry_at``. Never a failure of the order."""

    def __init__(self, retry_at: dt.datetime, reason: str = "rate limit reached"):
        super().__init__(f"{reason}; retry at {retry_at.isoformat()}")
        self.retry_at = retry_at


class OutcomeUnknown(RemoteError):
    """The request may or may not have been carried out (timeout, dropped connection, gateway error).

    Nothing may be sent again before the document is looked up by our reference. ``status`` and
    ``body`` are the remote's answer when there was one (a 500 may come after the remote committed),
    ``remote_message`` the remote's own words in it.
    """

    def __init__(self, message: str, status: int | None = None, body: object = None,
                 remote_message: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.remote_message = remote_message


class RemoteUnavailable(RemoteError):
    """The remote could not be reached before anything was sent; safe to retry later."""


class ReauthRequired(RemoteError):
    """The connection's authorisation is gone; the merchant must connect again."""


class RemoteRejected(RemoteError):
    """The remote refused the request; the answer says why."""

    def __init__(self, status: int, message: str, body: object = None):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.body = body


class MappingError(ValueError):
    """The order cannot be expressed with the merchant's settings; ``code`` names the cause."""

    def __init__(self, code: str, detail: str, **values):
        super().__init__(detail)
        self.code = code
        self.values = values  # the placeholders of the code's message besides ``detail``
