"""The migration job: one step at a time, each step scheduling the next (see worker.staff.migrations)."""
from __future__ import annotations

from worker.jobs import app
from worker.staff import migrations


@app.task(name="run_migration", queue="maintenance")
def run_migration(migration_id: int, expected: str | None = None) -> None:
    """Feed the next batch of a migration's orders that the merchant's budget spares."""
    migrations.step(migration_id, expected)
