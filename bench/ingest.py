"""Benchmark: webhook intake under the Procfile's gunicorn against pgbench's floor. Prints figures.

    .venv/bin/python bench/ingest.py --seconds 10 --senders 16 --merchants 4

On one embedded Postgres: (a) pgbench, 8 clients, a webhook-shaped two-insert transaction; (b) 16
threads sending signed deliveries of distinct orders to /webhooks/kmoshops/<token> served by
``gunicorn wsgi:app`` with the Procfile's workers and threads. Then checks that every 2xx is a stored
delivery and order, and profiles the intake view in-process (--profile). Not a test: it measures.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import re
import shlex
import statistics
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cpu, ingest_pgbench  # noqa: E402
from bench.pipeline import environment, free_port, start_database  # noqa: E402



def procfile_web(port: int, env: dict) -> list[str]:
    """The Procfile's web command (gunicorn, its options and app), bound to 127.0.0.1:``port``."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    line = re.sub(r"\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)",  # ${NAME:-default} and $NAME, as the shell would
                  lambda m: env.get(m[1] or m[3]) or m[2] or "", line.removeprefix("web:"))
    words = shlex.split(line)
    bind = words.index("--bind")
    words[bind + 1] = f"127.0.0.1:{port}"
    return [sys.executable, *words[1:]] if words[0] == "python" else [sys.executable, "-m", *words]


def merchants(count: int) -> list[dict]:
    """``count`` merchants with a shop each and a connected administration: (webhook token, secret)."""
    import sqlalchemy as sa

    from worker import db, demo
    from worker.models import Connection

    made = []
    for m in range(count):
        shop = {"shop_id": f"ingest-{m}", "api_key": f"ingest-key-{m}", "webhook_secret": f"ingest-secret-{m}"}
        tenant_id = demo.create_merchant(f"Ingest {m}", f"ingest{m}@example.test", "bench-password", shop)
        with db.session_scope() as session:
            # A connected administration, so a paid order is queued with its job as in production.
            session.execute(sa.update(Connection).where(Connection.tenant_id == tenant_id, Connection.role == "target")
                            .values(status="connected", settings=Connection.settings.op("||")(sa.cast(
                                {"division": 1000 + m}, Connection.settings.type))))
            token = session.execute(sa.select(Connection.webhook_token).where(
                Connection.tenant_id == tenant_id, Connection.role == "source")).scalar_one()
        made.append({"token": token, "secret": shop["webhook_secret"]})
    return made


def orders(count: int) -> list[dict]:
    """Distinct paid orders, generated before the clock starts (the senders share the CPU with the server)."""
    from tests.support.webhooks import an_order

    template = an_order(1, status="paid")
    return [{**template, "id": 10_000_000 + i, "number": f"KMO-2026-{i:07d}"} for i in range(count)]


def signed(shops: list[dict], bodies: list[dict]) -> list[tuple[str, bytes, dict]]:
    """(path, body, headers) of every delivery, signed before the clock starts (valid for 300 s)."""
    from tests.support.webhooks import delivery

    return [(f"/webhooks/kmoshops/{shops[i % len(shops)]['token']}",
             *delivery(shops[i % len(shops)]["secret"], order)) for i, order in enumerate(bodies)]


def send_all(port: int, deliveries: list[tuple], senders: int, seconds: float, client: str) -> list[tuple]:
    """(status, latency ms) of every delivery sent by ``senders`` threads until time or orders run out.

    ``client``: ``raw`` (a kept-alive socket per sender writing the request's bytes and reading the
    answer by its Content-Length: the leanest, as pgbench's own client is C, so the senders take little
    of the cores the server shares with them), ``http.client`` (the standard library's client, about
    0.12 ms of CPU a request more) or ``requests`` (a Session per sender, as the first measurements of
    issue 15 were taken: about 1.3 ms a request more).
    """
    results, lock, queue = [], threading.Lock(), iter(deliveries)
    deadline = time.monotonic() + seconds
    post = {"requests": _requests_poster, "http.client": _http_client_poster, "raw": _raw_poster}[client]

    def sender() -> None:
        send = post(port)
        while time.monotonic() < deadline:
            with lock:
                path, body, headers = next(queue, (None, None, None))
            if path is None:
                return
            started = time.perf_counter()
            status = send(path, body, headers)
            with lock:
                results.append((status, (time.perf_counter() - started) * 1000))

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _requests_poster(port: int):
    import requests

    http = requests.Session()
    return lambda path, body, headers: http.post(f"http://127.0.0.1:{port}{path}", data=body, headers=headers,
                                                 timeout=30).status_code


def _http_client_poster(port: int):
    import http.client

    connection = [http.client.HTTPConnection("127.0.0.1", port, timeout=30)]

    def send(path: str, body: bytes, headers: dict) -> int:
        for attempt in (1, 2):  # gunicorn closes an idle kept-alive connection: open another, send again
            try:
                connection[0].request("POST", path, body, headers)
                response = connection[0].getresponse()
                response.read()
                return response.status
            except (http.client.RemoteDisconnected, ConnectionError):
                connection[0].close()
                if attempt == 2:
                    raise
                connection[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        raise AssertionError("unreachable")
    return send


def _raw_poster(port: int):
    import socket

    state = {"sock": None}

    def exchange(request: bytes) -> int:
        if state["sock"] is None:
            state["sock"] = socket.create_connection(("127.0.0.1", port), timeout=30)
            state["sock"].setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = state["sock"]
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            answer += chunk
        head, _, rest = answer.partition(b"\r\n\r\n")
        length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            rest += chunk
        return int(head.split(b" ", 2)[1])

    def send(path: str, body: bytes, headers: dict) -> int:
        request = "".join([f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n",
                           *(f"{name}: {value}\r\n" for name, value in headers.items()), "\r\n"]).encode() + body
        for attempt in (1, 2):  # gunicorn closes an idle kept-alive connection: open another, send again
            try:
                return exchange(request)
            except (ConnectionError, OSError):
                if state["sock"] is not None:
                    state["sock"].close()
                state["sock"] = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
    return send


def stored() -> tuple[int, int, int]:
    """Deliveries, deliveries with their order, and orders in the database."""
    import sqlalchemy as sa

    from worker import db

    with db.engine().connect() as conn:
        return conn.execute(sa.text("SELECT (SELECT count(*) FROM webhook_deliveries), "
                                    "(SELECT count(*) FROM webhook_deliveries WHERE order_id IS NOT NULL), "
                                    "(SELECT count(*) FROM orders)")).one()


def serve(env: dict, port: int) -> subprocess.Popen:
    """gunicorn as the Procfile runs it (access log included, to nowhere), once every worker is up."""
    import tempfile

    from tests.support.waiting import wait_for

    ready = tempfile.mkdtemp(prefix="koppel-bench-ready-")
    command = procfile_web(port, env)
    command[command.index("--bind"):command.index("--bind")] = ["--config", str(ROOT / "bench" / "gunicorn_ready.py")]
    web = subprocess.Popen(command, cwd=ROOT, env={**env, "KOPPEL_BENCH_READY_DIR": ready},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = int(command[command.index("--workers") + 1])
    wait_for(lambda: len(os.listdir(ready)) == workers, timeout=60)
    wait_for(lambda: subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}/login"]).returncode == 0)
    return web


def profile(shops: list[dict], bodies: list[dict]) -> None:
    """cProfile around the intake view, in-process (Flask test client, same Postgres)."""
    import cProfile
    import pstats

    from bench import roundtrips
    from portal import create_app
    from tests.support.webhooks import delivery
    from worker import db

    client = create_app().test_client()
    signed = [delivery(shops[0]["secret"], order) for order in bodies]
    url = f"/webhooks/kmoshops/{shops[0]['token']}"
    body, headers = signed.pop()
    waits, statements = roundtrips.traced(db.engine(), lambda: client.post(url, data=body, headers=headers))
    print(f"\nround trips to Postgres for one new paid order: {waits} and the pool's pre-ping:")
    for statement in statements:
        print(f"    {statement}")
    unprofiled, signed = signed[:len(signed) // 2], signed[len(signed) // 2:]
    started, cpu_started = time.perf_counter(), time.process_time()
    for body, headers in unprofiled:
        client.post(url, data=body, headers=headers)
    print(f"in-process, without a profiler ({len(unprofiled)} requests): "
          f"{1000 * (time.perf_counter() - started) / len(unprofiled):.2f} ms a request, of which CPU in this process "
          f"{1000 * (time.process_time() - cpu_started) / len(unprofiled):.2f} ms")
    profiler = cProfile.Profile()
    profiler.enable()
    for body, headers in signed:
        client.post(url, data=body, headers=headers)
    profiler.disable()
    print(f"\nprofile of {len(signed)} intake requests in-process: Koppel's functions, commits, pings and "
          f"waits on Postgres (cumulative), then the 15 costliest functions by own time:")
    ours = r"/(worker|portal)/|\(commit\)|do_ping|connection.py:\d+\(wait\)|defer\)"
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(ours, 40)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def report(floor: dict, results: list[tuple], seconds: float, counts: tuple) -> None:
    ok = sorted(ms for status, ms in results if 200 <= status < 300)
    rate = len(ok) / seconds
    print(f"pgbench (8 clients, 2 inserts/tx): {floor['rate']:8.1f} tx/s   p50 {floor['p50']:6.1f} ms  "
          f"p99 {floor['p99']:6.1f} ms  ({floor['count']} tx){floor['error']}")
    print(f"Koppel webhook (gunicorn):         {rate:8.1f} req/s  p50 {statistics.median(ok):6.1f} ms  "
          f"p99 {ok[int(0.99 * (len(ok) - 1))]:6.1f} ms  ({len(results)} sent, {len(ok)} 2xx)")
    print(f"Koppel / pgbench:                  {rate / floor['rate']:8.2f}")
    deliveries, linked, kept = counts
    print(f"nothing lost:                      2xx {len(ok)}, deliveries stored {deliveries}, with their order "
          f"{linked}, orders {kept} -> {'OK' if len(ok) == deliveries == linked == kept else 'MISMATCH'}")


def print_cpu(used: tuple[float, float, float], requests: int, elapsed: float, spread: list[float]) -> None:
    """Where the cores went while the senders ran: CPU ms per request of gunicorn, Postgres and the senders."""
    per = [1000 * seconds / max(requests, 1) for seconds in used]
    print(f"CPU per request:                   gunicorn {per[0]:.2f} ms, Postgres {per[1]:.2f} ms, senders "
          f"{per[2]:.2f} ms; cores busy {sum(used) / elapsed:.2f} of {os.cpu_count()}")
    print(f"gunicorn's processes, CPU s:       {', '.join(f'{seconds:.2f}' for seconds in spread)} "
          f"(each worker holds one GIL: the rate needs both busy)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--merchants", type=int, default=4)
    parser.add_argument("--max-orders", type=int, default=20_000, help="bound on deliveries sent")
    parser.add_argument("--profile", type=int, default=200, help="intake requests to profile in-process (0: none)")
    parser.add_argument("--client", choices=("raw", "http.client", "requests"), default="raw",
                        help="what the senders post with")
    args = parser.parse_args()

    url, handle = start_database()
    port = free_port()
    env = environment(url, free_port(), port, 4)
    os.environ.update(env)
    from worker import config, db, migrate

    config.override(**vars(config.from_env(env)))
    bodies = orders(args.max_orders + args.profile)
    floor = ingest_pgbench.run(url, bodies[0], 8, round(args.seconds))
    migrate.upgrade(url)
    db.configure(url)
    shops = merchants(args.merchants)
    deliveries = signed(shops, bodies[:args.max_orders])
    web = serve(env, port)
    postmaster = cpu.postmaster_of(url)
    try:
        before = (cpu.snapshot(web.pid), cpu.snapshot(postmaster), cpu.seconds(os.getpid()))
        started = time.monotonic()
        results = send_all(port, deliveries, args.senders, args.seconds, args.client)
        elapsed = time.monotonic() - started
        spread = sorted((cpu.seconds(pid) - before[0].get(pid, 0.0) for pid in cpu.tree(web.pid)), reverse=True)
        used = (cpu.spent(before[0], web.pid), cpu.spent(before[1], postmaster), cpu.seconds(os.getpid()) - before[2])
    finally:
        web.terminate()
        web.wait(timeout=60)
    report(floor, results, elapsed, stored())
    print_cpu(used, len(results), elapsed, spread)
    if args.profile:
        profile(shops, bodies[args.max_orders:])
    db.engine().dispose()
    del handle


if __name__ == "__main__":
    main()
