"""A faithful Nmbrs SOAP API v3 sandbox (sources.md §4.6): the WSDL, CompanyService operations, SOAP Faults.

Usage::

    state = NmbrsState()
    state.add_user("payroll@visser.nl", "token-1")
    app = create_app(state)   # /soap/v3/{Company,Report,Debtor}Service.asmx (?WSDL for each WSDL)

Not modelled: the REST façade (sources.md §4.6 item 5, optional) and slow answers for large companies.
"""
from __future__ import annotations

import time

from defusedxml.ElementTree import ParseError, fromstring
from werkzeug.wrappers import Request, Response

from . import operations, soap, wsdl
from .state import NmbrsState, line, month_lines, twk_lines

__all__ = ["NmbrsState", "create_app", "line", "month_lines", "twk_lines"]
PREFIX, SUFFIX = "/soap/v3/", ".asmx"
THROTTLE_DELAY = 0.5


def _throttle(state: NmbrsState) -> None:
    """Above 150 calls per second Nmbrs delays calls by 0.5 s instead of refusing them (§4.5)."""
    now = time.monotonic()
    with state.lock:
        state.calls = [t for t in state.calls if now - t < 1.0] + [now]
        busy = len(state.calls) > state.throttle_per_second
        state.delayed += busy
    if busy:
        time.sleep(THROTTLE_DELAY)


def _call(state: NmbrsState, service: str, body: bytes) -> str:
    try:
        root = fromstring(body)
    except ParseError:
        raise soap.SoapFault(None, "The request is not a SOAP envelope.") from None
    header_name = wsdl.SERVICES[service]["header"][0]
    header = root.find(f"{{{soap.ENVELOPE}}}Header/{{{wsdl.namespace(service)}}}{header_name}")
    request_body = root.find(f"{{{soap.ENVELOPE}}}Body")
    if request_body is None or not len(request_body):
        raise soap.SoapFault(None, "The request has no SOAP body.")
    call = request_body[0]
    name = call.tag.split("}", 1)[-1]
    params = {child.tag.split("}", 1)[-1]: (child.text or "") for child in call}
    auth = {child.tag.split("}", 1)[-1]: (child.text or "") for child in (header if header is not None else [])}
    return soap.result(service, name, operations.dispatch(state, service, name, auth, params))


def create_app(state: NmbrsState):
    """The sandbox as a WSGI app; mount it anywhere (the WSDL's address is built from the request)."""

    @Request.application
    def app(request: Request) -> Response:
        path = request.path.rstrip("/")
        service = path[len(PREFIX):-len(SUFFIX)] if path.startswith(PREFIX) and path.endswith(SUFFIX) else ""
        if service not in wsdl.SERVICES:
            return Response("Not found", status=404)
        if request.method == "GET" and "wsdl" in {k.lower() for k in request.args}:
            return Response(wsdl.document(service, request.base_url), mimetype="text/xml")
        if request.method != "POST":
            return Response("Use POST (SOAP 1.1) or ?WSDL", status=405)
        _throttle(state)
        try:
            return Response(_call(state, service, request.get_data()), mimetype="text/xml")
        except soap.SoapFault as exc:
            return Response(soap.fault(exc), status=500, mimetype="text/xml")

    return app
