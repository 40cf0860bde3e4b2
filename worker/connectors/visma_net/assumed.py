"""Everything the Visma.net connector ASSUMES rather than knows from a published source: replace it here.

targets.md §5 documents Visma Connect, the journal transaction write DTO, 201 + ``Location``, the
error body and one refusal text (12027 ``No license for this company.``). What follows is inferred
or invented, and this module is the one place that holds it, so a real answer (a captured
response, an error text from a merchant's log) is a change here and in the sandbox, nowhere else.
The sandbox (``sandbox/``) answers the same assumptions; its docstrings mark them [inferred].
"""
from __future__ import annotations

import re

# Listing the companies an authorisation may post to. No public endpoint is documented for
# "companies of this token"; ON-IT reads the user's companies from the context service. [assumed]
COMPANIES_PATH = "v1/context/companies"
COMPANY_FIELDS = ("id", "name")  # each row's id (sent back as ``ipp-company-id``) and name [assumed]

# The subaccount segments the manual calls dimensions, and the fields of one. [assumed]
DIMENSIONS_PATH = "v1/dimension"
DIMENSION_FIELDS = ("segmentId", "description")

# Looking our transaction up after a lost answer: the list filtered by financial period. [assumed]
PERIOD_FILTER = "periodId"

# Refusal texts other than 12027: manual 004 names the cases, Visma publishes no text for them. The
# patterns are loose (the raw message is always kept next to the advice); the first group is the value
# the advice names (an account number, a period). [assumed]
ERROR_TEXTS = {
    "LEDGER_TEST_COMPANY": re.compile(r"test ?company", re.I),
    "LEDGER_CUSTOMER_BLOCKED": re.compile(r"customer is blocked|blocked", re.I),
    "LEDGER_ACCOUNT_MISSING": re.compile(r"Account '([^']+)' (?:cannot be found|is inactive)", re.I),
    "LEDGER_PERIOD_CLOSED": re.compile(r"Financial Period '(\d+)' (?:is closed|cannot be found)", re.I),
}
