"""VIES, the EU's VAT Information Exchange System: proof that a buyer's VAT number is valid before a 0 % sale.

The public REST API (no key; contract swagger_publicVAT.yaml, base
https://ec.europa.eu/taxation_customs/vies/rest-api):

- ``POST /check-vat-number`` with JSON ``{"countryCode", "vatNumber", "requesterMemberStateCode",
  "requesterNumber"}`` answers ``{"countryCode", "vatNumber", "requestDate", "valid", "requestIdentifier",
  "name", "address", "trader*"...}``. ``requestIdentifier`` (the consultation number a tax audit asks for) is
  filled only when our own VAT number is sent as requester. Unknown numbers are ``valid: false`` with name and
  address ``"---"``.
- Failures come as ``{"actionSucceed": false, "errorWrappers": [{"error": CODE, "message"}]}``: HTTP 400 for a
  bad request, 500 for VIES's own crashes, and (as seen live) HTTP 200 for MS_UNAVAILABLE, TIMEOUT,
  SERVICE_UNAVAILABLE and the *_MAX_CONCURRENT_REQ codes.
- ``GET /check-status`` lists each member state's availability; ``GET /ms/{cc}/vat/{number}`` is a simpler check.

Greece is ``EL`` in VIES (not ISO ``GR``); Northern Ireland is ``XI``.
"""
from __future__ import annotations

from worker.connectors.vies.check import VatCheck, check_vat_number
from worker.connectors.vies.client import ViesClient, ViesRefused, ViesResult, ViesUnavailable

# The sandbox (vies.sandbox) is imported by worker.sandboxes and the tests, never from here: production
# processes do not load sandbox code.
__all__ = ["VatCheck", "ViesClient", "ViesRefused", "ViesResult", "ViesUnavailable", "check_vat_number"]
