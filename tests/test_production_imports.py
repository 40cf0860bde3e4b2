"""Production processes never load sandbox code: the web app as gunicorn loads it, and the worker's entry point."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

from tests.test_security_production import PRODUCTION

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Prints the sandbox modules loaded after ``imports``, and whether the real code was loaded at all.
PROBE = """
import json, sys
{imports}
loaded = sorted(sys.modules)
sandboxes = [m for m in loaded if ".sandbox" in m or m.startswith("worker.sandbox")]
print(json.dumps({{"sandboxes": sandboxes, "modules": loaded}}))
"""


def loaded_after(imports: str) -> dict:
    """Run ``imports`` in a fresh interpreter with production settings; its sandbox and all modules."""
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    env.update(PRODUCTION, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE.format(imports=imports)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_the_web_app_as_gunicorn_preloads_it_loads_no_sandbox():
    found = loaded_after("import wsgi")
    assert "portal.webhooks" in found["modules"] and "worker.tasks" in found["modules"]
    assert "worker.connectors.exact.client" in found["modules"]
    assert found["sandboxes"] == []


def test_the_worker_entry_point_and_its_tasks_load_no_sandbox():
    found = loaded_after("import worker.run, worker.tasks\nfrom worker.jobs import app\napp.tasks")
    assert "worker.pipeline.intake" in found["modules"] or "worker.pipeline" in found["modules"]
    assert "worker.connectors.exact.client" in found["modules"]
    assert found["sandboxes"] == []
