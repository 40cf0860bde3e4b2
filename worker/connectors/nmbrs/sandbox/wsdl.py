"""The WSDLs of the sandbox's services, built from one table per service (sources.md §4.2, §4.6).

Document/literal SOAP 1.1 as ASP.NET .asmx services publish them: every operation takes the
service's auth header (``AuthHeaderWithDomain``; DebtorService the plain ``AuthHeader``); lists come
back as ``ArrayOf<Type>`` with one element per item. Journals come back as an XML string inside
the result (the inner format: worker/connectors/nmbrs/journal_format.py).
"""
from __future__ import annotations

BASE_NS = "https://api.nmbrs.nl/soap/v3/"
AUTH_WITH_DOMAIN = (("Username", "string"), ("Token", "string"), ("Domain", "string"))
REPORT_ITEM = (("EmployeeName", "string"), ("Period", "int"), ("Year", "int"), ("Run", "int"),
               ("Department", "string"), ("CostCenter", "string"), ("CostUnit", "string"), ("Percentage", "decimal"),
               ("GeneralLedgerAccount", "string"), ("ComponentName", "string"), ("Debit", "decimal"),
               ("Credit", "decimal"))
COMPANY_RUN = (("CompanyId", "int"), ("RunId", "int"))

SERVICES = {
    "CompanyService": {
        "header": ("AuthHeaderWithDomain", AUTH_WITH_DOMAIN),
        "types": {
            "Company": (("ID", "int"), ("Number", "int"), ("Name", "string"), ("LoonaangifteTijdvak", "int"),
                        ("KvkNr", "string")),
            "RunInfo": (("ID", "int"), ("Number", "int"), ("Year", "int"), ("PeriodStart", "int"),
                        ("PeriodEnd", "int"), ("Description", "string"), ("RunAt", "dateTime"), ("IsLocked", "boolean")),
            "CostCenter": (("Id", "int"), ("Code", "string"), ("Description", "string")),
            "CostUnit": (("Id", "int"), ("Code", "string"), ("Description", "string")),
            "CurrentPeriod": (("Year", "int"), ("Period", "int"), ("PeriodType", "int")),
            "JournalsReportItem": REPORT_ITEM,
            "JournalsReport": (("CompanyId", "int"), ("StartPeriod", "int"), ("EndPeriod", "int"), ("Year", "int"),
                               ("Items", "tns:ArrayOfJournalsReportItem")),
        },
        "arrays": ("Company", "RunInfo", "CostCenter", "CostUnit", "JournalsReportItem"),
        "operations": {
            "List_GetAll": ((), "tns:ArrayOfCompany"),
            "Company_GetCurrentPeriod": ((("CompanyId", "int"),), "tns:CurrentPeriod"),
            "Run_GetList": ((("CompanyId", "int"), ("Year", "int")), "tns:ArrayOfRunInfo"),
            "Journals_GetByRunCompany_v2": ((*COMPANY_RUN, ("Year", "int")), "s:string"),
            "Journals_GetByRunCostCenterCostUnit": (COMPANY_RUN, "s:string"),
            "Journals_GetByRunCostCenterCostUnitPerYear": ((*COMPANY_RUN, ("Year", "int")), "s:string"),
            "CostCenter_GetList": ((("CompanyId", "int"),), "tns:ArrayOfCostCenter"),
            "CostUnit_GetList": ((("CompanyId", "int"),), "tns:ArrayOfCostUnit"),
            "Reports_GetJournalsReportByCompany": ((("CompanyId", "int"), ("StartPeriod", "int"),
                                                   ("EndPeriod", "int"), ("Year", "int")), "tns:JournalsReport"),
        },
    },
    "ReportService": {
        "header": ("AuthHeaderWithDomain", AUTH_WITH_DOMAIN),
        "types": {"BackgroundTaskResult": (("TaskId", "string"), ("Status", "string"), ("Content", "string"))},
        "arrays": (),
        "operations": {
            "Reports_GetJournalsReportByCompany_Background": (
                (("companyId", "int"), ("startPeriod", "int"), ("endPeriod", "int"), ("year", "int")), "s:string"),
            "Reports_BackgroundTask_Result": ((("TaskId", "string"),), "tns:BackgroundTaskResult"),
        },
    },
    "DebtorService": {
        "header": ("AuthHeader", AUTH_WITH_DOMAIN[:2]),
        "types": {"Environment": (("SubDomain", "string"),)},
        "arrays": (),
        "operations": {"Environment_Get": ((), "tns:Environment")},
    },
}


def namespace(service: str) -> str:
    return BASE_NS + service


def _type(kind: str) -> str:
    return kind if ":" in kind else f"s:{kind}"


def _fields(fields) -> str:
    return "".join(f'<s:element minOccurs="{0 if t in ("string",) or ":" in t else 1}" maxOccurs="1" '
                   f'name="{n}" type="{_type(t)}"/>' for n, t in fields)


def _schema(service: str, spec: dict) -> str:
    header, header_fields = spec["header"]
    types = {**spec["types"], header: header_fields}
    parts = [f'<s:complexType name="{name}"><s:sequence>{_fields(fields)}</s:sequence></s:complexType>'
             for name, fields in types.items()]
    parts += [f'<s:complexType name="ArrayOf{t}"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" '
              f'name="{t}" nillable="true" type="tns:{t}"/></s:sequence></s:complexType>' for t in spec["arrays"]]
    parts.append(f'<s:element name="{header}" type="tns:{header}"/>')
    for op, (params, result) in spec["operations"].items():
        parts.append(f'<s:element name="{op}"><s:complexType><s:sequence>{_fields(params)}'
                     '</s:sequence></s:complexType></s:element>')
        parts.append(f'<s:element name="{op}Response"><s:complexType><s:sequence><s:element minOccurs="0" '
                     f'maxOccurs="1" name="{op}Result" type="{result}"/></s:sequence></s:complexType></s:element>')
    return f'<s:schema elementFormDefault="qualified" targetNamespace="{namespace(service)}">{"".join(parts)}</s:schema>'


def _messages(spec: dict) -> str:
    header = spec["header"][0]
    return "".join(
        f'<wsdl:message name="{op}SoapIn"><wsdl:part name="parameters" element="tns:{op}"/></wsdl:message>'
        f'<wsdl:message name="{op}SoapOut"><wsdl:part name="parameters" element="tns:{op}Response"/></wsdl:message>'
        f'<wsdl:message name="{op}{header}"><wsdl:part name="{header}" element="tns:{header}"/></wsdl:message>'
        for op in spec["operations"])


def _port_and_binding(service: str, spec: dict) -> str:
    header, ops = spec["header"][0], spec["operations"]
    port = "".join(f'<wsdl:operation name="{op}"><wsdl:input message="tns:{op}SoapIn"/>'
                   f'<wsdl:output message="tns:{op}SoapOut"/></wsdl:operation>' for op in ops)
    binding = "".join(
        f'<wsdl:operation name="{op}"><soap:operation soapAction="{namespace(service)}/{op}" style="document"/>'
        f'<wsdl:input><soap:body use="literal"/><soap:header message="tns:{op}{header}" part="{header}" '
        'use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>'
        for op in ops)
    return (f'<wsdl:portType name="{service}Soap">{port}</wsdl:portType>'
            f'<wsdl:binding name="{service}Soap" type="tns:{service}Soap">'
            f'<soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>{binding}</wsdl:binding>')


def document(service: str, location: str) -> str:
    """The WSDL of ``service`` with ``location`` (where it answers) as its soap:address."""
    spec, ns = SERVICES[service], namespace(service)
    return ('<?xml version="1.0" encoding="utf-8"?><wsdl:definitions '
            'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:s="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:tns="{ns}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="{ns}">'
            f"<wsdl:types>{_schema(service, spec)}</wsdl:types>{_messages(spec)}{_port_and_binding(service, spec)}"
            f'<wsdl:service name="{service}"><wsdl:port name="{service}Soap" binding="tns:{service}Soap">'
            f'<soap:address location="{location}"/></wsdl:port></wsdl:service></wsdl:definitions>')
