"""The WSDL of the sandbox's CompanyService, built from one table of operations (sources.md §4.2).

Document/literal SOAP 1.1 as ASP.NET .asmx services publish it: every operation takes the
``AuthHeaderWithDomain`` header; lists come back as ``ArrayOf<Type>`` with one element per item.
Journals come back as an XML string inside the result (the inner format: worker/connectors/nmbrs/journal_format.py).
"""
from __future__ import annotations

NS = "https://api.nmbrs.nl/soap/v3/CompanyService"

TYPES = {
    "Company": (("ID", "int"), ("Number", "int"), ("Name", "string"), ("LoonaangifteTijdvak", "int"),
                ("KvkNr", "string")),
    "RunInfo": (("ID", "int"), ("Number", "int"), ("Year", "int"), ("PeriodStart", "int"), ("PeriodEnd", "int"),
                ("Description", "string"), ("RunAt", "dateTime"), ("IsLocked", "boolean")),
    "CostCenter": (("Id", "int"), ("Code", "string"), ("Description", "string")),
    "CostUnit": (("Id", "int"), ("Code", "string"), ("Description", "string")),
    "CurrentPeriod": (("Year", "int"), ("Period", "int"), ("PeriodType", "int")),
    "AuthHeaderWithDomain": (("Username", "string"), ("Token", "string"), ("Domain", "string")),
}

# operation -> (parameters, result type: "tns:ArrayOfX", "tns:X" or "s:string")
OPERATIONS = {
    "List_GetAll": ((), "tns:ArrayOfCompany"),
    "Company_GetCurrentPeriod": ((("CompanyId", "int"),), "tns:CurrentPeriod"),
    "Run_GetList": ((("CompanyId", "int"), ("Year", "int")), "tns:ArrayOfRunInfo"),
    "Journals_GetByRunCompany_v2": ((("CompanyId", "int"), ("RunId", "int"), ("Year", "int")), "s:string"),
    "Journals_GetByRunCostCenterCostUnit": ((("CompanyId", "int"), ("RunId", "int")), "s:string"),
    "Journals_GetByRunCostCenterCostUnitPerYear": ((("CompanyId", "int"), ("RunId", "int"), ("Year", "int")),
                                                   "s:string"),
    "CostCenter_GetList": ((("CompanyId", "int"),), "tns:ArrayOfCostCenter"),
    "CostUnit_GetList": ((("CompanyId", "int"),), "tns:ArrayOfCostUnit"),
}
ARRAYS = ("Company", "RunInfo", "CostCenter", "CostUnit")


def _fields(fields) -> str:
    return "".join(f'<s:element minOccurs="{0 if t == "string" else 1}" maxOccurs="1" name="{n}" type="s:{t}"/>'
                   for n, t in fields)


def _schema() -> str:
    parts = [f'<s:complexType name="{name}"><s:sequence>{_fields(fields)}</s:sequence></s:complexType>'
             for name, fields in TYPES.items()]
    parts += [f'<s:complexType name="ArrayOf{t}"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" '
              f'name="{t}" nillable="true" type="tns:{t}"/></s:sequence></s:complexType>' for t in ARRAYS]
    parts.append('<s:element name="AuthHeaderWithDomain" type="tns:AuthHeaderWithDomain"/>')
    for op, (params, result) in OPERATIONS.items():
        parts.append(f'<s:element name="{op}"><s:complexType><s:sequence>{_fields(params)}'
                     '</s:sequence></s:complexType></s:element>')
        parts.append(f'<s:element name="{op}Response"><s:complexType><s:sequence><s:element minOccurs="0" '
                     f'maxOccurs="1" name="{op}Result" type="{result}"/></s:sequence></s:complexType></s:element>')
    return (f'<s:schema elementFormDefault="qualified" targetNamespace="{NS}">' + "".join(parts) + "</s:schema>")


def _messages() -> str:
    out = []
    for op in OPERATIONS:
        out.append(f'<wsdl:message name="{op}SoapIn"><wsdl:part name="parameters" element="tns:{op}"/></wsdl:message>'
                   f'<wsdl:message name="{op}SoapOut"><wsdl:part name="parameters" element="tns:{op}Response"/>'
                   f'</wsdl:message><wsdl:message name="{op}AuthHeaderWithDomain"><wsdl:part '
                   'name="AuthHeaderWithDomain" element="tns:AuthHeaderWithDomain"/></wsdl:message>')
    return "".join(out)


def _port_and_binding() -> str:
    port = "".join(f'<wsdl:operation name="{op}"><wsdl:input message="tns:{op}SoapIn"/>'
                   f'<wsdl:output message="tns:{op}SoapOut"/></wsdl:operation>' for op in OPERATIONS)
    binding = "".join(
        f'<wsdl:operation name="{op}"><soap:operation soapAction="{NS}/{op}" style="document"/>'
        f'<wsdl:input><soap:body use="literal"/><soap:header message="tns:{op}AuthHeaderWithDomain" '
        'part="AuthHeaderWithDomain" use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/>'
        '</wsdl:output></wsdl:operation>' for op in OPERATIONS)
    return (f'<wsdl:portType name="CompanyServiceSoap">{port}</wsdl:portType>'
            '<wsdl:binding name="CompanyServiceSoap" type="tns:CompanyServiceSoap">'
            f'<soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>{binding}</wsdl:binding>')


def document(location: str) -> str:
    """The WSDL with ``location`` (where this service answers) as its soap:address."""
    return ('<?xml version="1.0" encoding="utf-8"?><wsdl:definitions '
            'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:s="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:tns="{NS}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="{NS}">'
            f"<wsdl:types>{_schema()}</wsdl:types>{_messages()}{_port_and_binding()}"
            '<wsdl:service name="CompanyService"><wsdl:port name="CompanyServiceSoap" '
            f'binding="tns:CompanyServiceSoap"><soap:address location="{location}"/></wsdl:port></wsdl:service>'
            "</wsdl:definitions>")
