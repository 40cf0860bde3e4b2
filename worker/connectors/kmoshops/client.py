"""The HTTP client for the KMO Shops REST API (contract kmoshops-sim/v0)."""
from __future__ import annotations

import datetime as dt

import requests

from worker.config import settings
from worker.connectors.errors import RemoteRejected, RemoteUnavailable, Throttled


class KmoShopsClient:
    """Reads orders from one shop with its API key."""

    def __init__(self, base_url: str, api_key: str, http: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.http = http or requests.Session()
        self.headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}

    def order(self, order_id: str) -> dict:
        """One order as the shop has it now."""
        return self._get(f"/orders/{order_id}").json()

    def orders(self, updated_since: dt.datetime | None = None, per_page: int = 100):
        """Every order changed since ``updated_since``, page by page."""
        params = {"per_page": per_page}
        if updated_since:
            params["updated_since"] = updated_since.isoformat()
        url = "/orders"
        while url:
            data = self._get(url, params).json()
            yield from data["data"]
            url, params = data.get("links", {}).get("next"), None

    def _get(self, path: str, params: dict | None = None) -> requests.Response:
        url = path if path.startswith("http") else self.base_url + path
        try:
            response = self.http.get(url, params=params, headers=self.headers, timeout=settings.http_timeout)
        except requests.RequestException as exc:
            raise RemoteUnavailable(f"KMO Shops could not be reached: {exc}") from exc
        if response.status_code == 429:
            wait = int(response.headers.get("Retry-After", "1"))
            raise Throttled(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=wait), "KMO Shops rate limit")
        if response.status_code >= 500:
            raise RemoteUnavailable(f"KMO Shops answered {response.status_code}")
        if response.status_code >= 400:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text[:300]
            raise RemoteRejected(response.status_code, message)
        return response

    def webhooks(self) -> list[dict]:
        """The shop's webhook subscriptions (also proves the API key works)."""
        return self._get("/webhooks").json().get("data", [])

    def subscribe(self, url: str, topics: list[str]) -> dict:
        """Subscribe ``url`` to ``topics`` unless it already is."""
        for hook in self.webhooks():
            if hook.get("url") == url:
                return hook
        try:
            response = self.http.post(self.base_url + "/webhooks", json={"url": url, "topics": topics},
                                      headers=self.headers, timeout=settings.http_timeout)
        except requests.RequestException as exc:
            raise RemoteUnavailable(f"KMO Shops could not be reached: {exc}") from exc
        if response.status_code >= 400:
            raise RemoteRejected(response.status_code, response.text[:300])
        return response.json()
