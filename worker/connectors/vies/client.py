"""HTTP client for the VIES REST API: one VAT number check, its answer sorted into valid / not / ask later."""
from __future__ import annotations

import dataclasses

import requests

from worker.connectors.errors import RemoteError, RemoteUnavailable

PRODUCTION_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api"

# Our request is wrong (a bug on our side, a malformed number, or a bad requester VAT number in settings).
BAD_REQUEST_CODES = frozenset({"INVALID_INPUT", "INVALID_REQUESTER_INFO"})
# VIES will not check this number at all; asking again does not help.
REFUSED_CODES = frozenset({"VAT_BLOCKED"})
# Everything else (MS_UNAVAILABLE, TIMEOUT, SERVICE_UNAVAILABLE, *_MAX_CONCURRENT_REQ[_TIME], IP_BLOCKED,
# VOW-ERR-*, codes we do not know yet) means "no answer now": a number is never called invalid on a hiccup.

# VIES's placeholder for a name or address it does not have or may not disclose.
PLACEHOLDER = "---"


class ViesUnavailable(RemoteUnavailable):
    """VIES or the member state could not answer now; ask again later. Never a verdict on the number."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class ViesRefused(RemoteError):
    """VIES refuses to check this number (VAT_BLOCKED); asking again gives the same answer."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


@dataclasses.dataclass(frozen=True)
class ViesResult:
    """VIES's answer to one check; ``raw`` is the answer as received, kept as proof."""

    valid: bool
    country_code: str
    vat_number: str
    request_date: str
    request_identifier: str | None
    name: str | None
    address: str | None
    raw: dict


def vies_country(code: str) -> str:
    """The country code as VIES spells it: Greece is EL there, not its ISO code GR."""
    code = code.strip().upper()
    return "EL" if code == "GR" else code


class ViesClient:
    """Checks VAT numbers at VIES; with a requester VAT number every answer carries a consultation number."""

    def __init__(self, base_url: str = PRODUCTION_URL, timeout: float = 10.0,
                 requester_country: str | None = None, requester_number: str | None = None,
                 session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.requester_country = vies_country(requester_country) if requester_country else None
        self.requester_number = _without_prefix(requester_number, self.requester_country)
        self.session = session or requests.Session()

    def check(self, country_code: str, vat_number: str) -> ViesResult:
        """Ask VIES about one number (without its country prefix); raises ViesUnavailable or ValueError."""
        body = {"countryCode": vies_country(country_code), "vatNumber": vat_number}
        # VIES hands out a requestIdentifier (the proof for a 0 % invoice) only when we say who asks.
        if self.requester_country and self.requester_number:
            body["requesterMemberStateCode"] = self.requester_country
            body["requesterNumber"] = self.requester_number
        answer = self._call("POST", "/check-vat-number", json=body)
        if not isinstance(answer.get("valid"), bool):
            raise ViesUnavailable("BAD_RESPONSE", f"answer without a 'valid' field: {str(answer)[:200]}")
        return _result(answer)

    def status(self) -> dict:
        """VIES's own availability and each member state's (GET /check-status)."""
        return self._call("GET", "/check-status")

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self.session.request(method, self.base_url + path, timeout=self.timeout,
                                            headers={"Accept": "application/json"}, **kwargs)
        except requests.RequestException as exc:
            # A check only reads, so asking again after a dropped connection or timeout is harmless.
            raise ViesUnavailable("CONNECTION", str(exc)) from exc
        return _answer(response)


def _answer(response: requests.Response) -> dict:
    """The JSON answer, or the exception its status and errorWrappers call for."""
    try:
        body = response.json()
    except ValueError:
        body = None
    status = response.status_code
    error = _first_error(body)
    if status >= 500 or status == 429:
        code, message = error or (f"HTTP_{status}", response.text[:200])
        raise ViesUnavailable(code, message)
    # VIES reports most failures as HTTP 200 with actionSucceed=false, so the body decides, not the status.
    if error:
        _raise_for(*error)
    if status >= 400:
        raise ValueError(f"VIES refused the request with HTTP {status}: {response.text[:200]}")
    if not isinstance(body, dict):
        raise ViesUnavailable("BAD_RESPONSE", f"HTTP {status} without a JSON object: {response.text[:200]}")
    return body


def _first_error(body) -> tuple[str, str] | None:
    if not isinstance(body, dict) or body.get("actionSucceed", True) is not False:
        return None
    wrappers = body.get("errorWrappers") or [{}]
    first = wrappers[0] if isinstance(wrappers[0], dict) else {}
    return str(first.get("error") or "UNKNOWN_ERROR"), str(first.get("message") or "")


def _raise_for(code: str, message: str) -> None:
    if code in BAD_REQUEST_CODES:
        raise ValueError(f"VIES rejected the request: {code} {message}".strip())
    if code in REFUSED_CODES:
        raise ViesRefused(code, message)
    raise ViesUnavailable(code, message)


def _result(answer: dict) -> ViesResult:
    return ViesResult(
        valid=answer["valid"],
        country_code=str(answer.get("countryCode") or ""),
        vat_number=str(answer.get("vatNumber") or ""),
        request_date=str(answer.get("requestDate") or ""),
        # The service sends "" when no requester was given; None says "no proof number" more plainly.
        request_identifier=answer.get("requestIdentifier") or None,
        name=_disclosed(answer.get("name")),
        address=_disclosed(answer.get("address")),
        raw=answer,
    )


def _disclosed(value) -> str | None:
    value = (value or "").strip() if isinstance(value, str) else ""
    return None if value in ("", PLACEHOLDER) else value


def _without_prefix(number: str | None, country: str | None) -> str | None:
    """Our own VAT number as VIES wants it: no spaces or dots, no country prefix."""
    if not number:
        return None
    number = "".join(ch for ch in number.upper() if ch.isalnum())
    for prefix in {country, "GR" if country == "EL" else None} - {None}:
        if number.startswith(prefix):
            return number[len(prefix):]
    return number
