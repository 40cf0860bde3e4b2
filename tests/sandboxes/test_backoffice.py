"""The sandbox root is a back office: a newcomer finds shops with their keys, accounting logins and the demo
logins there, can add a shop or a login, and finishes an installation without reading source."""
from __future__ import annotations

import html
import os
import subprocess
import sys

import requests

from tests.conftest import SANDBOX_PORT
from tests.support.merchants import make_merchant
from worker import demo, devstack
from worker.config import settings

ROOT = f"http://127.0.0.1:{SANDBOX_PORT}"


def page() -> str:
    answer = requests.get(f"{ROOT}/", timeout=10)
    assert answer.status_code == 200
    return html.unescape(answer.text)


def test_the_root_lists_shops_with_their_keys_accounting_logins_and_the_demo_logins(sandboxes):
    merchant = make_merchant(sandboxes)
    sandboxes.visma.add_user("boekhouder@visma.test", "visma-pw")
    text = page()
    for value in (merchant["shop"]["shop_id"], merchant["shop"]["api_key"], merchant["shop"]["webhook_secret"],
                  merchant["exact_user"], "boekhouder@visma.test", "visma-pw", demo.DEMO_EMAIL, demo.DEMO_PASSWORD,
                  f"{settings.public_url}/signup/", f"{settings.public_url}/dev/outbox/"):
        assert value in text, value
    division = sandboxes.exact.users[merchant["exact_user"]]["current"]
    assert str(division) in text


def test_a_shop_made_in_the_back_office_has_keys_the_shop_api_accepts(sandboxes):
    made = requests.post(f"{ROOT}/shops", data={"shop_id": "fietsenwinkel", "country": "NL"}, timeout=10)
    assert made.status_code == 200 and made.url.rstrip("/#shops").endswith(str(SANDBOX_PORT))
    shop = sandboxes.kmo.shop("fietsenwinkel")
    assert shop["country"] == "NL" and shop["api_key"] in page() and shop["webhook_secret"] in page()
    hooks = requests.get(f"{ROOT}/kmoshops/v1/webhooks", headers={"Authorization": f"Bearer {shop['api_key']}"},
                         timeout=10)
    assert hooks.status_code == 200


def test_a_login_made_in_the_back_office_connects_through_the_real_consent_page(sandboxes):
    requests.post(f"{ROOT}/exact-users", data={"username": "nieuw@exact.test", "password": "geheim"}, timeout=10)
    assert "nieuw@exact.test" in page()
    tokens = demo.authorize_in_sandbox(settings.public_url + "/connect/exact/callback", "nieuw@exact.test", "geheim")
    assert tokens["access_token"]
    requests.post(f"{ROOT}/visma-users", data={"username": "nieuw@visma.test", "password": "geheim"}, timeout=10)
    assert sandboxes.visma.users["nieuw@visma.test"]["password"] == "geheim"


def test_unknown_paths_at_the_root_are_still_not_found(sandboxes):
    assert requests.get(f"{ROOT}/no-such-sandbox", timeout=10).status_code == 404


def test_production_code_never_imports_the_sandboxes_or_their_back_office(database):
    check = ("import sys, wsgi, worker.run, worker.tasks, worker.cli; "
             "leaked = [m for m in ('worker.sandboxes', 'worker.sandbox_backoffice') if m in sys.modules]; "
             "print(leaked); sys.exit(1 if leaked else 0)")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": database})
    assert done.returncode == 0, done.stdout + done.stderr


def test_make_run_prints_each_step_with_the_time_it_took(capsys):
    progress = devstack.Progress()
    progress.step("Migrating the database to the newest schema")
    progress.step("Seeding the demo merchant")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("  [") and "s] Migrating the database" in lines[0]
    assert f"{settings.sandbox_url}/ (back office" in devstack.banner(
        {"KOPPEL_SANDBOX_URL": settings.sandbox_url}, settings.public_url, demo)
