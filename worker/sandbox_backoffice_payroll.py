"""Development only: the payroll sandboxes in the back office (Nmbrs API users, Visma.net logins, their companies).

Rendered into the back office page by ``worker.sandbox_backoffice``; the forms add an Nmbrs API user
(its token to type into the installation's Nmbrs form) or a Visma.net login with a customer of its own.
"""
from __future__ import annotations

import secrets

from flask import redirect, render_template_string, request

from worker import demo, demo_payroll

SECTION = """
<p>Payroll demo merchant (Administrations tab): <code>{{ demo_email }}</code> / <code>{{ demo_password }}</code>.</p>
<h2 id="nmbrs">Nmbrs (payroll): API users and companies</h2>
<p>A payroll merchant types the user name and API token into the installation's Nmbrs form (the domain may stay empty).
Every API user sees the sandbox's two companies; company 1's March run carries TWK corrections for January and February.</p>
<table><tr><th>User name</th><th>API token</th><th>Domain</th><th>Companies</th></tr>
{% for name, user in nmbrs_users %}<tr><td><code>{{ name }}</code></td><td><code>{{ user.token }}</code></td>
<td><code>{{ user.domain }}</code></td><td>{{ user.companies|join(", ") }}</td></tr>
{% else %}<tr><td colspan="4">No API users yet.</td></tr>{% endfor %}</table>
<form method="post" action="nmbrs-users"><strong>New API user:</strong>
<input name="username" placeholder="user name (e-mail)" required> <button>Create API user</button></form>

<h2 id="vismanet">Visma.net (ledger for payroll): logins and companies</h2>
<p>On the installation page press Connect and log in on Visma Connect with one of these.</p>
<table><tr><th>Username</th><th>Password</th><th>Customer</th><th>Companies (id: name)</th></tr>
{% for name, user, companies in vismanet_users %}<tr><td><code>{{ name }}</code></td><td><code>{{ user.password }}</code></td>
<td><code>{{ user.tenant }}</code></td><td>{{ companies|join(", ") }}</td></tr>
{% else %}<tr><td colspan="4">No logins yet.</td></tr>{% endfor %}</table>
<form method="post" action="vismanet-users"><strong>New login with a customer and company of its own:</strong>
<input name="username" placeholder="username" required> <input name="password" placeholder="password" required>
<button>Create login</button></form>
"""


def section(sandboxes) -> str:
    """The two payroll sections of the back office page, filled from the sandboxes' states."""
    with sandboxes.nmbrs.lock:
        names = {number: f'{company["Name"]} ({number})' for number, company in sandboxes.nmbrs.companies.items()}
        nmbrs_users = sorted((name, {**user, "companies": [names.get(n, n) for n in sorted(user["companies"])]})
                             for name, user in sandboxes.nmbrs.users.items())
    with sandboxes.vismanet.lock:
        vismanet_users = [(name, dict(user), [f"{key}: {company['name']}" for key, company in sandboxes.vismanet
                          .customers.get(user["tenant"], {}).get("companies", {}).items()])
                          for name, user in sorted(sandboxes.vismanet.users.items())]
    return render_template_string(SECTION, nmbrs_users=nmbrs_users, vismanet_users=vismanet_users,
                                  demo_email=demo_payroll.PAYROLL_DEMO_EMAIL, demo_password=demo.DEMO_PASSWORD)


def register(app, sandboxes) -> None:
    """The forms' routes on the back office app."""

    @app.post("/nmbrs-users")
    def create_nmbrs_user():
        """A new Nmbrs API user with a fresh token, seeing both sandbox companies."""
        username = request.form.get("username", "").strip()[:200]
        if username:
            sandboxes.nmbrs.add_user(username, f"nmbrs-{secrets.token_hex(12)}")
        return redirect("./#nmbrs", code=303)

    @app.post("/vismanet-users")
    def create_vismanet_user():
        """A new Visma.net login with a customer of its own (one company with the payroll accounts)."""
        username, password = request.form.get("username", "").strip()[:200], request.form.get("password", "")
        if username and password:
            sandboxes.vismanet.add_user(username, password)
        return redirect("./#vismanet", code=303)
