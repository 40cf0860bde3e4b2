"""SOAP 1.1 envelopes as an .asmx service writes them: results, and Faults with ``---> <code>: <text>``."""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from .wsdl import namespace

ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"


class SoapFault(Exception):
    """A refusal, sent as a SOAP Fault whose faultstring carries Nmbrs' code (sources.md §4.5)."""

    def __init__(self, code: int | None, text: str):
        super().__init__(text)
        self.code, self.text = code, text

    def faultstring(self) -> str:
        inner = f"{self.code}: {self.text}" if self.code else self.text
        return f"System.Web.Services.Protocols.SoapException: Server was unable to process request. ---> {inner}"


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return escape(str(value))


def element(name: str, value) -> str:
    """``value`` as XML: dicts become child elements, (type, list) tuples repeat the type's element."""
    if isinstance(value, tuple):
        kind, items = value
        return f"<{name}>" + "".join(element(kind, item) for item in items) + f"</{name}>"
    if isinstance(value, dict):
        return f"<{name}>" + "".join(element(k, v) for k, v in value.items()) + f"</{name}>"
    return f"<{name}>{_value(value)}</{name}>"


def envelope(body: str) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{ENVELOPE}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            f"<soap:Body>{body}</soap:Body></soap:Envelope>")


def result(service: str, operation: str, value) -> str:
    """The response envelope of ``operation`` carrying ``value`` as its ``<op>Result``."""
    inner = element(f"{operation}Result", value)
    return envelope(f'<{operation}Response xmlns="{namespace(service)}">{inner}</{operation}Response>')


def fault(exc: SoapFault) -> str:
    """The Fault envelope (sent with HTTP 500, as ASP.NET does)."""
    return envelope(f"<soap:Fault><faultcode>soap:Server</faultcode><faultstring>{escape(exc.faultstring())}"
                    "</faultstring><detail /></soap:Fault>")
