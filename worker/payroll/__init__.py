"""Payroll journals: a payroll run becomes balanced ledger transactions, one per period, posted exactly once.

``journal`` builds them from the run's lines, ``checks`` holds them against the ledger's accounts and
periods, ``posting`` sends them (resuming safely after a crash or a timeout), ``runs`` queues a run.
"""
