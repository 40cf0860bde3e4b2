"""Group commit (worker.groupcommit): under load a leader waits a moment for company; alone it never waits.

A real ``GroupCommit`` around a store that notes each batch; the deliveries' own path is covered by
tests/test_intake_batches.py. The linger is long here (30 s) so that only the rule can end a wait.
"""
from __future__ import annotations

import threading

from tests.support.waiting import wait_for
from worker.groupcommit import GroupCommit


def a_group() -> tuple[GroupCommit, list[list[str]]]:
    batches: list[list[str]] = []
    return GroupCommit(lambda items: batches.append(list(items)) or [f"stored {item}" for item in items],
                       max_batch=16, linger=30.0), batches


def submit_in_thread(group: GroupCommit, item: str, results: dict) -> threading.Thread:
    thread = threading.Thread(target=lambda: results.__setitem__(item, group.submit(item)))
    thread.start()
    return thread


def test_after_a_batch_of_two_the_next_leader_waits_for_three():  # one more than the last batch held
    group, batches, results = *a_group(), {}
    with group.held():
        first = [submit_in_thread(group, item, results) for item in ("a", "b")]
        wait_for(lambda: group.waiting() == 2)
    for thread in first:
        thread.join(timeout=10)
    later = [submit_in_thread(group, "c", results)]
    wait_for(lambda: group.waiting() == 1)  # c leads, and waits for company
    later += [submit_in_thread(group, item, results) for item in ("d", "e")]
    for thread in later:
        thread.join(timeout=10)
    assert [sorted(batch) for batch in batches] == [["a", "b"], ["c", "d", "e"]]
    assert results == {item: f"stored {item}" for item in "abcde"}


def test_a_lone_item_is_stored_at_once():
    group, batches, results = *a_group(), {}
    alone = submit_in_thread(group, "a", results)
    alone.join(timeout=10)
    assert not alone.is_alive() and batches == [["a"]]  # no linger: the last batch held one (none before)
    second = submit_in_thread(group, "b", results)
    second.join(timeout=10)
    assert not second.is_alive() and batches == [["a"], ["b"]]
