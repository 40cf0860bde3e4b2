"""CPU time of the processes a benchmark runs (Linux /proc), to say where a run's cores went."""
from __future__ import annotations

import os
import pathlib

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2:].split()  # the fields after the command name, which may hold spaces


def seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (0 when it is gone)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0


def tree(root: int) -> list[int]:
    """``root`` and its children (one level: gunicorn's workers, the postmaster's backends)."""
    found = [root]
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == root:
                found.append(int(entry.name))
    return found


def snapshot(root: int | None) -> dict[int, float]:
    """CPU seconds of each process under ``root`` now."""
    return {pid: seconds(pid) for pid in tree(root)} if root else {}


def spent(before: dict[int, float], root: int | None) -> float:
    """CPU seconds the processes under ``root`` used since ``before`` (new processes count from zero)."""
    now = snapshot(root)
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())


def postmaster_of(url: str) -> int | None:
    """The postmaster's pid when the database runs on this machine (the parent of our backend)."""
    import psycopg

    with psycopg.connect(url) as conn:
        fields = _stat(conn.execute("SELECT pg_backend_pid()").fetchone()[0])  # while the backend lives
    return int(fields[1]) if fields else None
