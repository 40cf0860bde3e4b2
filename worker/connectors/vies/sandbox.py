"""A VIES stand-in: the REST API's paths, answers and error shapes, over numbers registered in memory.

Shapes follow the official contract (swagger_publicVAT.yaml): 200 CheckVatResponse, 400/500 CommonResponse
``{"actionSucceed": false, "errorWrappers": [{"error", "message"}]}``. Where the contract is silent we follow
what clients observed of the live service, and say so where a choice is inferred.
"""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import secrets
import string
import threading

from flask import Flask, jsonify, request

MEMBER_STATES = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE",
                 "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI")
# The generic shape VIES accepts before asking a member state (inferred from client libraries, not documented).
NUMBER_SHAPE = re.compile(r"[0-9A-Za-z+*]{2,12}")
# Descriptions from checkVatService.wsdl; the REST service mostly leaves ``message`` out, we fill it to help.
ERRORS = {
    "INVALID_INPUT": "The provided CountryCode is invalid or the VAT number is empty",
    "INVALID_REQUESTER_INFO": "The requester member state code or number is invalid",
    "SERVICE_UNAVAILABLE": "An error was encountered either at the network level or the Web application level",
    "MS_UNAVAILABLE": "The application at the Member State is not replying or not available",
    "TIMEOUT": "The application did not receive a reply within the allocated time period",
    "VAT_BLOCKED": "The VAT number is blocked for validation",
    "IP_BLOCKED": "Your IP address is blocked",
    "GLOBAL_MAX_CONCURRENT_REQ": "The maximum number of concurrent requests has been reached",
    "GLOBAL_MAX_CONCURRENT_REQ_TIME": "The maximum number of requests for this period has been reached",
    "MS_MAX_CONCURRENT_REQ": "The maximum number of concurrent requests for this Member State has been reached",
    "MS_MAX_CONCURRENT_REQ_TIME": "The maximum number of requests for this Member State and period is reached",
}
TRADER_FIELDS = ("Name", "Street", "PostalCode", "City", "CompanyType")
EXAMPLES = (("NL", "004495445B01", "Voorbeeld Handel B.V.", "Kerkstraat 1\n1017 GA Amsterdam"),
            ("DE", "136695976", "---", "---"),  # Germany discloses neither name nor address
            ("BE", "0403170701", "NV Voorbeeld", "Meir 10\n2000 Antwerpen"),
            ("IE", "6388047V", "Example Ireland Ltd", "1 Dock Road, Dublin 4"),
            ("EL", "094259216", "Paradeigma A.E.", "Odos Ermou 5, 10563 Athina"))


class ViesSandboxState:
    """Registered numbers, member states that are down and injected failures; thread-safe, one lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._numbers: dict[str, dict] = {}
        self._down: set[str] = set()
        self._failures: list[str] = []
        self.requests: list[dict] = []
        self.autosave_path: str | None = None

    @classmethod
    def with_examples(cls) -> ViesSandboxState:
        """A state knowing a few real-shaped numbers that also pass python-stdnum's checksums."""
        state = cls()
        for country, number, name, address in EXAMPLES:
            state.register(country, number, name=name, address=address)
        return state

    def register(self, country: str, number: str, name: str = "---", address: str = "---") -> None:
        """Make VIES call ``country``+``number`` valid, with the name and address a member state discloses."""
        with self._lock:
            self._numbers[_key(country, number)] = {"name": name or "---", "address": address or "---"}
        self._changed()

    def set_unavailable(self, country: str, down: bool = True) -> None:
        """Take a member state's service down (MS_UNAVAILABLE) or bring it back."""
        with self._lock:
            (self._down.add if down else self._down.discard)(_country(country))
        self._changed()

    def fail_next(self, count: int, code: str = "GLOBAL_MAX_CONCURRENT_REQ") -> None:
        """Answer the next ``count`` checks with error ``code`` (e.g. MS_MAX_CONCURRENT_REQ, TIMEOUT)."""
        if code not in ERRORS:
            raise ValueError(f"VIES has no error {code!r}; known: {', '.join(ERRORS)}")
        with self._lock:
            self._failures.extend([code] * count)

    def record(self, body: dict) -> None:
        """Keep a received check request (tests read ``requests``)."""
        with self._lock:
            self.requests.append(dict(body))

    def answer_for(self, body: dict) -> tuple[str | None, dict | None]:
        """Decide a well-formed check: (error code, None) or (None, the registered entry or None)."""
        with self._lock:
            if self._failures:
                return self._failures.pop(0), None
            if body["countryCode"] in self._down:
                return "MS_UNAVAILABLE", None
            return None, self._numbers.get(_key(body["countryCode"], body["vatNumber"]))

    def availability(self) -> list[dict]:
        """Each member state's availability as /check-status lists it."""
        with self._lock:
            return [{"countryCode": cc, "availability": "Unavailable" if cc in self._down else "Available"}
                    for cc in MEMBER_STATES]

    def save(self, path) -> None:
        """Write registered numbers and unavailable member states to a JSON file."""
        with self._lock:
            data = {"numbers": self._numbers, "unavailable": sorted(self._down)}
            text = json.dumps(data, indent=1, sort_keys=True)
        pathlib.Path(path).write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, path) -> ViesSandboxState:
        """A state read back from ``save``'s file."""
        data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
        state = cls()
        state._numbers = {k: dict(v) for k, v in data.get("numbers", {}).items()}
        state._down = set(data.get("unavailable", []))
        return state

    def _changed(self) -> None:
        if self.autosave_path:
            self.save(self.autosave_path)


def create_sandbox(state: ViesSandboxState | None = None) -> Flask:
    """The Flask app answering like VIES's REST API; paths are relative, so it can be mounted at /vies."""
    app = Flask(__name__)
    app.config["VIES_STATE"] = state = state if state is not None else ViesSandboxState()

    @app.post("/check-vat-number")
    def check_vat_number():
        return _post_check(state)

    @app.get("/ms/<country>/vat/<number>")
    def ms_vat(country, number):
        return jsonify(_get_check(state, country, number))

    @app.get("/check-status")
    def check_status():
        return jsonify({"vow": {"available": True}, "countries": state.availability()})

    return app


def _post_check(state: ViesSandboxState):
    if not request.is_json:
        # Inferred: the live service's framework turns other media types away before VIES code runs.
        return _failure("INVALID_INPUT", 415, "Content-Type must be application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        # Observed by client authors: an unreadable body gets HTTP 500 with VOW-ERR-1.
        return _failure("VOW-ERR-1", 500, "An unexpected error occurred. Please retry later.")
    state.record(body)
    problem = _invalid(body)
    if problem:
        # The contract answers bad requests with 400 + CommonResponse (which code comes with it is inferred).
        return _failure(problem, 400)
    error, entry = state.answer_for(body)
    if error:
        # Observed by client authors: VIES's own failures come back as HTTP 200 with actionSucceed=false.
        return _failure(error, 200)
    return jsonify(_check_response(body, entry))


def _get_check(state: ViesSandboxState, country: str, number: str) -> dict:
    """GET /ms/{cc}/vat/{number}: errors travel in ``userError`` of a 200 answer (as observed live)."""
    body = {"countryCode": country, "vatNumber": number}
    state.record(body)
    error = _invalid(body)
    error, entry = (error, None) if error else state.answer_for(body)
    answer = _check_response(body, entry)
    approximate = {key[0].lower() + key[1:]: "---" for key in TRADER_FIELDS}
    # matchX 1/2/3 = VALID/INVALID/NOT_PROCESSED (inferred from observed answers showing 3 with "---").
    approximate.update({"match" + key: 3 for key in TRADER_FIELDS})
    return {"isValid": answer["valid"], "requestDate": answer["requestDate"],
            "userError": error or ("VALID" if answer["valid"] else "INVALID"), "name": answer["name"],
            "address": answer["address"], "requestIdentifier": "", "originalVatNumber": number,
            "vatNumber": number, "viesApproximate": approximate}


def _invalid(body: dict) -> str | None:
    """The error code for a malformed request, or None."""
    number = body.get("vatNumber")
    if body.get("countryCode") not in MEMBER_STATES or not isinstance(number, str) \
            or not NUMBER_SHAPE.fullmatch(number):
        return "INVALID_INPUT"
    requester = (body.get("requesterMemberStateCode"), body.get("requesterNumber"))
    if any(requester) and (requester[0] not in MEMBER_STATES or not isinstance(requester[1], str)
                           or not NUMBER_SHAPE.fullmatch(requester[1])):
        return "INVALID_REQUESTER_INFO"
    return None


def _check_response(body: dict, entry: dict | None) -> dict:
    shown = entry or {"name": "---", "address": "---"}  # the live service's placeholder for "nothing"
    answer = {"countryCode": body["countryCode"], "vatNumber": body["vatNumber"], "requestDate": _now(),
              "valid": entry is not None, "requestIdentifier": _identifier(body),
              "name": shown["name"], "address": shown["address"]}
    # The live service answers NOT_PROCESSED for every trader field, even when they were sent.
    for key in TRADER_FIELDS:
        answer["trader" + key], answer[f"trader{key}Match"] = "---", "NOT_PROCESSED"
    return answer


def _identifier(body: dict) -> str:
    if not (body.get("requesterMemberStateCode") and body.get("requesterNumber")):
        return ""
    # Real consultation numbers look like WAPIAAAA + 8 letters/digits (format inferred from examples).
    return "WAPIAAAA" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(8))


def _failure(code: str, status: int, message: str | None = None):
    body = {"actionSucceed": False, "errorWrappers": [{"error": code, "message": message or ERRORS.get(code, "")}]}
    return jsonify(body), status


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _country(code: str) -> str:
    code = code.strip().upper()
    return "EL" if code == "GR" else code


def _key(country: str, number: str) -> str:
    return _country(country) + number.strip().upper()
