"""Visma.net's error body (targets.md §5.5, §5.7 item 7) and the refusals the sandbox gives.

Only 12027 "No license for this company." is a published text. The test-company, blocked-customer,
missing-account and closed-period texts and their codes are OURS [unverified]: the manual names the
situations but no public source gives the wording (§5.5); replace them when real answers are seen.
"""
from __future__ import annotations

import json
import uuid

from flask import Response

NO_LICENSE = ("12027", "No license for this company.")
TEST_COMPANY = ("12031", "Company is marked as a test company. Transactions cannot be created through the API.")
CUSTOMER_BLOCKED = ("12032", "The customer is blocked.")
ACCOUNT_MISSING = ("10003", "Account '{}' cannot be found in the system.")
ACCOUNT_INACTIVE = ("10003", "Account '{}' is inactive.")
PERIOD_CLOSED = ("10004", "Financial Period '{}' is closed in General Ledger.")
PERIOD_UNKNOWN = ("10004", "Financial Period '{}' cannot be found in the system.")
INVALID = ("10000", "{}")


class VismaNetError(Exception):
    """A refusal with its HTTP status, fault code and message."""

    def __init__(self, status: int, code_and_text: tuple[str, str], *args):
        self.status, self.code = status, code_and_text[0]
        self.text = code_and_text[1].format(*args) if args else code_and_text[1]
        super().__init__(self.text)

    def response(self, headers: dict | None = None) -> Response:
        body = {"ExceptionType": "IPPException", "ExceptionMessage": self.text, "ExceptionFaultCode": self.code,
                "ExceptionMessageID": f"{self.code}_{uuid.uuid4()}", "ExceptionDetails": ""}
        return Response(json.dumps(body), status=self.status, mimetype="application/json", headers=headers or {})


def invalid(text: str) -> VismaNetError:
    """A 400 for a payload the API cannot accept."""
    return VismaNetError(400, INVALID, text)
