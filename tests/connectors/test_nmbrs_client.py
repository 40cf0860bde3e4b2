"""The Nmbrs SOAP client: zeep reads the sandbox's WSDL and every call goes over real HTTP with the auth header."""
from __future__ import annotations

import time
from decimal import Decimal

import pytest
import requests
import zeep

from tests.support.network import free_port
from worker.config import settings
from worker.connectors.errors import RemoteRejected, RemoteUnavailable
from worker.connectors.nmbrs import NmbrsClient, NmbrsPayroll


@pytest.fixture
def nmbrs(sandboxes):
    sandboxes.nmbrs.add_user("salaris@visser.nl", "token-1", domain="visser")
    return NmbrsClient("salaris@visser.nl", "token-1", "visser")


def test_zeep_reads_the_wsdl_the_sandbox_serves(nmbrs):
    wsdl = requests.get(settings.nmbrs_soap_url + "/CompanyService.asmx?WSDL", timeout=10)
    assert wsdl.status_code == 200 and "AuthHeaderWithDomain" in wsdl.text
    assert [c["name"] for c in nmbrs.companies()] == ["Bakkerij Visser BV", "Visser Logistiek BV"]
    operations = set(nmbrs._zeep.wsdl.services["CompanyService"].ports["CompanyServiceSoap"].binding._operations)
    assert {"List_GetAll", "Run_GetList", "Journals_GetByRunCompany_v2", "CostCenter_GetList"} <= operations


def test_runs_and_a_journal_with_twk_lines_for_earlier_periods(sandboxes, nmbrs):
    year = sandboxes.nmbrs.year
    assert [(r.number, r.period_end, r.locked) for r in nmbrs.runs(1, year)] == [(1, 1, True), (2, 2, True), (3, 3, True)]
    lines = nmbrs.journal(1, 103, year)
    assert sorted({l.period for l in lines}) == [1, 2, 3]
    assert sum(l.debit for l in lines) == sum(l.credit for l in lines) == Decimal("10800.00")
    split = nmbrs.journal(1, 103, year, split=True)
    assert {l.cost_center for l in split if l.account == "4000"} == {"100", "200"}
    assert [c["description"] for c in nmbrs.cost_centers(1)] == ["Winkel", "Bakkerij"]
    assert nmbrs.current_period(1) == (year, 3)


@pytest.mark.parametrize(("call", "code"), [
    (lambda c, year: NmbrsClient("salaris@visser.nl", "wrong", "visser").companies(), "1001"),
    (lambda c, year: NmbrsClient("salaris@visser.nl", "token-1", "other").companies(), "1001"),
    (lambda c, year: c.runs(99, year), "2004"),
    (lambda c, year: c.runs(1, 1900), "2006"),
])
def test_soap_faults_become_refusals_with_nmbrs_code(sandboxes, nmbrs, call, code):
    with pytest.raises(RemoteRejected) as refused:
        call(nmbrs, sandboxes.nmbrs.year)
    assert refused.value.message.startswith(code + ":")


def test_a_call_without_the_auth_header_is_a_fault(sandboxes):
    envelope = ('<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
                '<soap:Body><List_GetAll xmlns="https://api.nmbrs.nl/soap/v3/CompanyService"/></soap:Body>'
                '</soap:Envelope>')
    answer = requests.post(settings.nmbrs_soap_url + "/CompanyService.asmx", data=envelope, timeout=10,
                           headers={"Content-Type": "text/xml; charset=utf-8"})
    assert answer.status_code == 500 and "---&gt; 1001:" in answer.text and "<faultcode>soap:Server" in answer.text


def test_the_connect_form_is_tested_before_it_is_saved(sandboxes, nmbrs):
    NmbrsPayroll.test_credentials({"username": "salaris@visser.nl", "token": "token-1", "domain": ""})
    with pytest.raises(RemoteRejected):
        NmbrsPayroll.test_credentials({"username": "salaris@visser.nl", "token": "nope"})
    assert [s.name for s in NmbrsPayroll.connect_fields()] == ["username", "token", "domain"]
    assert NmbrsPayroll.secret_names() == {"token"}


def test_nobody_answering_is_unavailable(sandboxes):
    client = NmbrsClient("u", "t", "", f"http://127.0.0.1:{free_port()}/soap/v3")
    with pytest.raises(RemoteUnavailable):
        client.companies()


def test_the_report_and_debtor_services_answer_through_their_own_wsdls(sandboxes, nmbrs):
    header = {"Username": "salaris@visser.nl", "Token": "token-1", "Domain": "visser"}
    year = sandboxes.nmbrs.year
    company = nmbrs.service  # CompanyService: the line-level journals report
    report = company.Reports_GetJournalsReportByCompany(CompanyId=1, StartPeriod=1, EndPeriod=3, Year=year,
                                                        _soapheaders={"AuthHeaderWithDomain": header})
    items = report.Items.JournalsReportItem
    assert {i.Period for i in items} == {1, 2, 3} and sum(i.Debit for i in items) == sum(i.Credit for i in items)

    reports = zeep.Client(settings.nmbrs_soap_url + "/ReportService.asmx?WSDL").service
    task = reports.Reports_GetJournalsReportByCompany_Background(
        companyId=1, startPeriod=3, endPeriod=3, year=year, _soapheaders={"AuthHeaderWithDomain": header})
    first = reports.Reports_BackgroundTask_Result(TaskId=task, _soapheaders={"AuthHeaderWithDomain": header})
    second = reports.Reports_BackgroundTask_Result(TaskId=task, _soapheaders={"AuthHeaderWithDomain": header})
    assert (first.Status, second.Status) == ("Pending", "Success") and "<GeneralLedgerAccount>4000" in second.Content

    debtor = zeep.Client(settings.nmbrs_soap_url + "/DebtorService.asmx?WSDL").service
    plain = {"Username": "salaris@visser.nl", "Token": "token-1"}
    assert debtor.Environment_Get(_soapheaders={"AuthHeader": plain}) == "visser"  # zeep unwraps one field
    with pytest.raises(zeep.exceptions.Fault, match="---> 2006:"):
        company.Reports_GetJournalsReportByCompany(CompanyId=1, StartPeriod=3, EndPeriod=1, Year=year,
                                                   _soapheaders={"AuthHeaderWithDomain": header})


def test_too_many_calls_a_second_are_delayed_not_refused(sandboxes, nmbrs):
    sandboxes.nmbrs.throttle_per_second = 3
    started = time.monotonic()
    answers = [nmbrs.companies() for _ in range(6)]
    assert all(len(a) == 2 for a in answers)  # every call answered
    assert sandboxes.nmbrs.delayed >= 1 and time.monotonic() - started >= 0.5
