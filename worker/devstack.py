"""``make run``: everything Koppel needs on a developer's machine, started and stopped together.

With ``DATABASE_URL`` unset it starts an embedded Postgres whose data lives in ``.data/postgres``;
it keeps development secrets in ``.data/dev-secrets.json`` and the sandboxes' data in
``.data/sandboxes``, so a second run finds everything as it was. Then it migrates, seeds the demo
merchant, serves the sandboxes, and runs the Procfile's web and worker processes with honcho.
Ctrl-C stops all of it.
"""
from __future__ import annotations

import json
import logging
import os
import pathlib
import secrets
import subprocess
import sys
import time

from cryptography.fernet import Fernet

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"


def dev_secrets() -> dict:
    """SECRET_KEY and an encryption key made once for this checkout."""
    path = DATA / "dev-secrets.json"
    if not path.exists():
        path.write_text(json.dumps({"SECRET_KEY": secrets.token_urlsafe(32),
                                    "KOPPEL_ENCRYPTION_KEYS": Fernet.generate_key().decode()}))
        path.chmod(0o600)
    return json.loads(path.read_text())


def start_postgres():
    """The embedded Postgres (kept running until this process exits) and its URL."""
    import pgserver

    server = pgserver.get_server(DATA / "postgres", cleanup_mode="stop")
    return server, server.get_uri()


def prepare_environment() -> tuple[dict, object]:
    """Environment for this process and the Procfile's, and the Postgres handle (or None)."""
    DATA.mkdir(exist_ok=True)
    env = {**dev_secrets(), **{k: v for k, v in os.environ.items() if v}}
    env.setdefault("PORT", "8000")
    env.setdefault("KOPPEL_SANDBOX_URL", "http://127.0.0.1:8001")
    postgres = None
    if "DATABASE_URL" not in env:
        postgres, env["DATABASE_URL"] = start_postgres()
    env["PATH"] = f"{pathlib.Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    os.environ.update(env)
    return env, postgres


class Progress:
    """One line per step of the start-up, with how long it took, so a first run is never a silent minute."""

    def __init__(self, out=None):
        self.out, self.started = out or sys.stdout, time.monotonic()

    def step(self, text: str) -> None:
        print(f"  [{time.monotonic() - self.started:5.1f}s] {text}…", file=self.out, flush=True)


def main() -> None:
    """Start Postgres, migrate, serve sandboxes, seed the demo, run web and worker until Ctrl-C."""
    progress = Progress()
    progress.step("Preparing .data/ (development secrets; embedded Postgres unless DATABASE_URL is set)")
    env, postgres = prepare_environment()
    from worker import config, db, demo, demo_payroll, demo_visma, migrate

    config.override(**vars(config.from_env(env)))
    # The sandboxes' request log would drown the web and worker output honcho prints.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    progress.step("Migrating the database to the newest schema")
    migrate.upgrade(env["DATABASE_URL"])
    db.configure(env["DATABASE_URL"])
    progress.step(f"Starting the sandboxes on {env['KOPPEL_SANDBOX_URL']}")
    sandboxes, server = start_sandboxes(env, demo)
    try:
        progress.step("Seeding the demo merchant (connecting its sandbox shop and Exact division)")
        demo.seed()
        demo_visma.seed()
        demo_payroll.seed()
        progress.step("Starting the portal and the worker")
        print(banner(env, config.settings.public_url, demo), flush=True)
        subprocess.run([sys.executable, "-m", "honcho", "start", "-f", str(ROOT / "Procfile"),
                        "-p", env["PORT"], "web", "worker"], env=env, cwd=ROOT, check=False)
    except KeyboardInterrupt:
        pass
    finally:
        sandboxes.sender.stop()
        server.stop()
        db.engine().dispose()
        if postgres is not None:
            postgres.cleanup()


def start_sandboxes(env: dict, demo):
    """The sandboxes (state kept in .data/sandboxes) served in a thread, with their webhook sender running."""
    from worker import demo_payroll, demo_visma
    from worker.httpserver import ServerThread
    from worker.sandboxes import SandboxSet

    (DATA / "sandboxes").mkdir(exist_ok=True)
    sandboxes = SandboxSet(state_dir=DATA / "sandboxes")
    sandboxes.ensure_demo_user(*demo.EXACT_DEMO_USER)
    sandboxes.ensure_demo_visma_user(*demo_visma.VISMA_DEMO_USER)
    demo_payroll.ensure_sandbox_users(sandboxes)
    server = ServerThread(sandboxes, port=int(env["KOPPEL_SANDBOX_URL"].rsplit(":", 1)[1])).start()
    sandboxes.sender.start()
    return sandboxes, server


def banner(env: dict, public_url: str, demo) -> str:
    """Where everything is, printed once everything is up."""
    return (f"\n  Koppel portal:  {public_url}\n"
            f"  Demo logins:    {demo.DEMO_EMAIL} / {demo.DEMO_PASSWORD} (Exact Online)\n"
            f"                  demo-visma@koppel.test / {demo.DEMO_PASSWORD} (Visma eAccounting)\n"
            f"                  demo-payroll@koppel.test / {demo.DEMO_PASSWORD} (payroll: Nmbrs → Visma.net)\n"
            f"  Sandboxes:      {env['KOPPEL_SANDBOX_URL']}/ (back office: shops with their keys, "
            f"Exact, Visma, Nmbrs and Visma.net logins, demo logins)\n"
            f"  E-mails:        {public_url}/dev/outbox/\n"
            f"  Stop with Ctrl-C.\n")


if __name__ == "__main__":
    main()
