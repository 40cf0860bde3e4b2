"""gunicorn config for the benchmarks (and tests/test_gunicorn_worker.py): each web worker leaves a file once it accepts.

The benchmark waits for every worker before the senders open their kept-alive connections; else
the first worker to boot takes all of them and the second serves none (seen: half the rate).
"""
import os
import pathlib


def post_worker_init(worker) -> None:
    """Tell the benchmark this worker is ready."""
    pathlib.Path(os.environ["KOPPEL_BENCH_READY_DIR"], str(worker.pid)).touch()
