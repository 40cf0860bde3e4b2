"""The webcare console's engine side: staff accounts, the audit log, search, tickets, contract actions, health.

Nothing here imports the portal; every function takes a session and, for actions, the staff member
who acts, so each action is written to the audit log in the same transaction as its effect.
"""
