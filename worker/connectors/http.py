"""What every REST client of a remote system shares: the exchange itself, with transport failures sorted
into "not carried out" and "may have been carried out", and a call-log entry the merchant's webcare can read."""
from __future__ import annotations

from typing import ClassVar

import requests
from urllib3.exceptions import NewConnectionError

from worker import calllog, db
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, RemoteUnavailable


def json_or_text(response: requests.Response):
    """The answer as JSON when it is JSON, else its first 2,000 characters (for logs and error bodies)."""
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]


class RemoteHttp:
    """A client's HTTP exchange with one remote; subclasses set ``http``, ``tenant_id`` and ``connection_id``."""

    system: ClassVar[str] = "The remote system"  # its name in our messages
    http: requests.Session
    tenant_id: int | None
    connection_id: int | None

    def exchange(self, method: str, url: str, after=None, **kwargs) -> requests.Response:
        """One HTTP call, logged whatever happens; transport failures raised sorted, HTTP errors returned.

        ``after(session, response)`` writes the client's bookkeeping of the answer (rate headers, refusals
        counted) in the log entry's transaction: one transaction after each call, not one per write.
        """
        sent = next((kwargs[key] for key in ("json", "data", "params") if key in kwargs), None)
        try:
            response = self._transport(method, url, **kwargs)
        except (OutcomeUnknown, RemoteUnavailable) as exc:
            self._log(method, url, sent, None, None, str(exc))
            raise
        self._log(method, url, sent, response.status_code, json_or_text(response), None,
                  after and (lambda session: after(session, response)))
        return response

    def _log(self, method, url, sent, status, answer, error, after=None) -> None:
        # The session checks out a connection only once something is written (nothing without a tenant).
        with db.session_scope() as session:
            if self.tenant_id is not None and self.connection_id is not None:
                session.add(calllog.entry(self.tenant_id, self.connection_id, method, url, sent, status, answer, error))
            if after is not None:
                after(session)

    def _transport(self, method: str, url: str, **kwargs) -> requests.Response:
        # A GET, or a call whose connection was never made, did nothing remotely: safe to try again later.
        # A write that lost its answer may have been carried out: the pipeline looks it up before retrying.
        try:
            return self.http.request(method, url, timeout=settings.http_timeout, **kwargs)
        except requests.ConnectTimeout as exc:
            raise RemoteUnavailable(f"{self.system} did not answer the connection: {exc}") from exc
        except requests.ConnectionError as exc:
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            if isinstance(reason, NewConnectionError) or method == "GET":
                raise RemoteUnavailable(f"{self.system} could not be reached: {exc}") from exc
            raise OutcomeUnknown(f"connection lost during {method}: {exc}") from exc
        except requests.Timeout as exc:
            if method == "GET":
                raise RemoteUnavailable(f"{self.system} did not answer in time: {exc}") from exc
            raise OutcomeUnknown(f"no answer to {method} within {settings.http_timeout} s") from exc
