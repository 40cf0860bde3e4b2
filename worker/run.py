"""Run a worker: ``python -m worker.run`` (the Procfile's worker process)."""
from __future__ import annotations

import logging

from worker.config import settings
from worker.jobs import app


def main() -> None:
    """Work every queue until SIGTERM (finish running jobs) or SIGKILL (the sweeper recovers them)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings.check()
    app.run_worker(queues=["orders", "maintenance"])


if __name__ == "__main__":
    main()
