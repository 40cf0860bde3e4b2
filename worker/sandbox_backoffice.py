"""Development only: the sandboxes' back office at the sandbox root (http://127.0.0.1:8001/).

Everything a developer needs to finish a new merchant's installation without reading source: the
sandbox shops with their API keys and webhook secrets, the accounting sandboxes' logins with their
administrations, the demo logins, and forms to add a shop or a login. Mounted by worker.sandboxes,
which production never imports.
"""
from __future__ import annotations

import secrets

from flask import Flask, redirect, render_template_string, request

from worker import demo, sandbox_backoffice_payroll
from worker.config import settings

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandboxes · back office</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
code{background:#f3f3f3;padding:0 .2rem}form{margin:.5rem 0 1.5rem}input,select{margin-right:.4rem}</style></head><body>
<h1>Sandboxes · back office (development only)</h1>
<p>The portal: <a href="{{ portal }}/">{{ portal }}</a> · sign up a new merchant: <a href="{{ portal }}/signup/">{{ portal }}/signup/</a>
 · e-mails (installation link, password reset): <a href="{{ portal }}/dev/outbox/">{{ portal }}/dev/outbox/</a></p>
<h2>Demo logins</h2>
<table><tr><th>Where</th><th>Login</th><th>Password</th></tr>
<tr><td>Koppel portal (demo merchant)</td><td><code>{{ demo.DEMO_EMAIL }}</code></td><td><code>{{ demo.DEMO_PASSWORD }}</code></td></tr>
<tr><td>Exact Online sandbox (the demo merchant's division)</td><td><code>{{ demo.EXACT_DEMO_USER[0] }}</code></td><td><code>{{ demo.EXACT_DEMO_USER[1] }}</code></td></tr></table>
<p>Staff console accounts are made with <code>python -m worker.cli</code> (see the README).</p>

<h2 id="shops">KMO Shops: shops</h2>
<p>A new merchant connects a shop on the installation page with its shop id, API key and webhook secret.</p>
<table><tr><th>Shop id</th><th>API key</th><th>Webhook secret</th><th>Country</th><th>Prices</th></tr>
{% for shop in shops %}<tr><td><code>{{ shop.shop_id }}</code></td><td><code>{{ shop.api_key }}</code></td>
<td><code>{{ shop.webhook_secret }}</code></td><td>{{ shop.country }}</td><td>{{ "incl. VAT" if shop.prices_include_vat else "excl. VAT" }}</td></tr>
{% else %}<tr><td colspan="5">No shops yet.</td></tr>{% endfor %}</table>
<form method="post" action="shops"><strong>New shop:</strong> <input name="shop_id" placeholder="shop id" required>
<select name="country"><option>BE</option><option>NL</option></select>
<label><input type="checkbox" name="excl" value="1"> prices excl. VAT</label> <button>Create shop</button></form>

<h2 id="exact">Exact Online: logins and divisions</h2>
<p>On the installation page press Connect and log in with one of these. Each installation needs its own login (manual 003).</p>
<table><tr><th>Username</th><th>Password</th><th>Divisions</th><th>Current division</th></tr>
{% for name, user in exact_users %}<tr><td><code>{{ name }}</code></td><td><code>{{ user.password }}</code></td>
<td>{{ user.divisions|join(", ") }}</td><td>{{ user.current }}</td></tr>
{% else %}<tr><td colspan="4">No logins yet.</td></tr>{% endfor %}</table>
<form method="post" action="exact-users"><strong>New login with a new division:</strong>
<input name="username" placeholder="username" required> <input name="password" placeholder="password" required>
<button>Create login</button></form>

<h2 id="visma">Visma eAccounting: logins and companies</h2>
<table><tr><th>Username</th><th>Password</th><th>Company</th></tr>
{% for name, user in visma_users %}<tr><td><code>{{ name }}</code></td><td><code>{{ user.password }}</code></td>
<td>{{ visma_companies.get(user.company, user.company) }}</td></tr>
{% else %}<tr><td colspan="3">No logins yet.</td></tr>{% endfor %}</table>
<form method="post" action="visma-users"><strong>New login with a new company:</strong>
<input name="username" placeholder="username" required> <input name="password" placeholder="password" required>
<button>Create login</button></form>
{{ payroll|safe }}
</body></html>"""


def create_app(sandboxes) -> Flask:
    """The back office over ``sandboxes`` (a SandboxSet; its states are read per request, so reset() shows)."""
    app = Flask(__name__)

    @app.get("/")
    def index():
        """Everything the sandboxes hold that a developer types into the portal."""
        with sandboxes.exact.lock:
            exact_users = sorted((name, dict(user)) for name, user in sandboxes.exact.users.items())
        companies = {key: f'{company["settings"].get("Name", "")} ({key})'
                     for key, company in sandboxes.visma.companies.items()}
        return render_template_string(
            PAGE, portal=settings.public_url, demo=demo, shops=sandboxes.kmo.shops(), exact_users=exact_users,
            visma_users=sorted(sandboxes.visma.users.items()), visma_companies=companies,
            payroll=sandbox_backoffice_payroll.section(sandboxes))

    @app.post("/shops")
    def create_shop():
        """A new sandbox shop with fresh keys."""
        shop_id = request.form.get("shop_id", "").strip()[:60] or f"shop-{secrets.token_hex(3)}"
        sandboxes.kmo.add_shop(shop_id, f"{shop_id}-key-{secrets.token_hex(8)}",
                               f"{shop_id}-secret-{secrets.token_hex(8)}",
                               country=request.form.get("country") if request.form.get("country") == "NL" else "BE",
                               prices_include_vat=not request.form.get("excl"))
        return redirect("./#shops", code=303)

    @app.post("/exact-users")
    def create_exact_user():
        """A new Exact login with a division of its own."""
        username, password = request.form.get("username", "").strip(), request.form.get("password", "")
        if username and password:
            sandboxes.exact.add_user(username=username, password=password, division=None)
        return redirect("./#exact", code=303)

    @app.post("/visma-users")
    def create_visma_user():
        """A new Visma login with a company of its own."""
        username, password = request.form.get("username", "").strip(), request.form.get("password", "")
        if username and password:
            sandboxes.visma.add_user(username, password)
        return redirect("./#visma", code=303)

    sandbox_backoffice_payroll.register(app, sandboxes)
    return app
