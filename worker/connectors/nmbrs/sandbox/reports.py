"""The journals report (line per employee, component and period) and its background variant (sources.md §4.2)."""
from __future__ import annotations

import uuid

from .soap import SoapFault, element


def journals_report(company: dict, start: int, end: int, year: int) -> dict:
    """``JournalsReport`` of the lines booked in runs of ``year`` whose period lies in start..end."""
    items = [{"EmployeeName": "", "Period": line["Period"], "Year": year, "Run": line["Run"],
              "Department": line.get("Department", ""), "CostCenter": line["CostCenter"], "CostUnit": line["CostUnit"],
              "Percentage": line.get("Percentage", "100"), "GeneralLedgerAccount": line["GeneralLedgerAccount"],
              "ComponentName": line["ComponentName"], "Debit": line["Debit"], "Credit": line["Credit"]}
             for run in company["runs"].values() if run["Year"] == year and start <= run["PeriodEnd"] <= end
             for line in run["lines"]]
    return {"CompanyId": company["ID"], "StartPeriod": start, "EndPeriod": end, "Year": year,
            "Items": ("JournalsReportItem", items)}


def start_background(state, report: dict) -> str:
    """A task id; the first poll of its result answers Pending, the next Success with the report XML."""
    task = str(uuid.uuid4())
    state.tasks[task] = {"polls": 0, "content": element("JournalsReport", report)}
    return task


def background_result(state, task_id: str) -> dict:
    task = state.tasks.get(task_id)
    if task is None:
        raise SoapFault(None, f"Task {task_id} not found.")
    task["polls"] += 1
    done = task["polls"] > 1
    return {"TaskId": task_id, "Status": "Success" if done else "Pending", "Content": task["content"] if done else ""}
