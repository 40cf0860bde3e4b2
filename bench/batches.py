"""Benchmark: what one intake batch costs, by batch size, without HTTP. Prints figures.

    .venv/bin/python bench/batches.py --sizes 1 4 8 16 [--profile tottime]

On an embedded Postgres with 4 merchants, stores batches of signed deliveries of new paid orders with
``worker.inbox.batch.store`` (what the group commit's leader calls) and prints, per delivery, the CPU of
this process, the CPU of Postgres and the wall time. The cost of a batch is about a fixed part plus a
part per delivery; the web process's figure (bench/ingest.py) is this plus HTTP and threads, at the batch
sizes that form under load (4–8). ``--profile`` adds cProfile with a CPU clock, sorted as given.
Not a test: it measures.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cpu  # noqa: E402
from bench.ingest import merchants, orders  # noqa: E402
from bench.pipeline import environment, free_port, start_database  # noqa: E402


def arrivals(shops: list[dict], bodies: list[dict]) -> list:
    """One batch: each order signed by its shop, as the web handler hands it over."""
    from werkzeug.datastructures import Headers

    from tests.support.webhooks import delivery
    from worker.inbox import batch

    made = []
    for i, order in enumerate(bodies):
        shop = shops[i % len(shops)]
        body, headers = delivery(shop["secret"], order)
        made.append(batch.Arrival("kmoshops", shop["token"], Headers(headers), body))
    return made


def measure(url: str, shops: list[dict], bodies: list[dict], size: int, profile: str | None) -> None:
    from worker.inbox import batch

    groups = [arrivals(shops, bodies[start:start + size]) for start in range(0, len(bodies) - size + 1, size)]
    batch.store(groups.pop())  # the first batch loads the sources; the rest find them kept
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    postmaster = cpu.postmaster_of(url)
    before, started, cpu_started = cpu.snapshot(postmaster), time.perf_counter(), time.process_time()
    for group in groups:
        answers = batch.store(group)
        assert all(answer == (200, "stored") for answer in answers), answers[:2]
    spent, wall = time.process_time() - cpu_started, time.perf_counter() - started
    postgres = cpu.spent(before, postmaster)
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats(profile).print_stats(30)
    count = len(groups) * size
    print(f"batch of {size:2d}: CPU {1000 * spent / count:.3f} ms a delivery here, Postgres {1000 * postgres / count:.3f} ms, "
          f"wall {1000 * wall / count:.3f} ms ({count} deliveries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--deliveries", type=int, default=3200, help="per batch size")
    parser.add_argument("--profile", choices=("tottime", "cumulative"), help="cProfile (CPU clock), sorted so")
    args = parser.parse_args()

    url, handle = start_database()
    env = environment(url, free_port(), free_port(), 4)
    os.environ.update(env)
    from worker import config, db, migrate

    config.override(**vars(config.from_env(env)))
    migrate.upgrade(url)
    db.configure(url)
    shops = merchants(4)
    bodies = orders((args.deliveries + 16) * len(args.sizes))
    for index, size in enumerate(args.sizes):
        share = bodies[index * (args.deliveries + 16):(index + 1) * (args.deliveries + 16)]
        measure(url, shops, share, size, args.profile)
    db.engine().dispose()
    del handle


if __name__ == "__main__":
    main()
