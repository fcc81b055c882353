"""The reader thread of an import: order, errors, and no database work off the caller's thread."""

from __future__ import annotations

import threading

import pytest

from smartunion.imports.readers import ImportRefused
from smartunion.imports.services import read_ahead


def test_results_come_back_in_order_and_the_work_runs_on_another_thread():
    threads = set()

    def work(batch):
        threads.add(threading.current_thread().name)
        return sum(batch)

    batches = [[1, 2], [3], [4, 5, 6]]
    assert list(read_ahead(iter(batches), work)) == [3, 3, 15]
    assert threads and threading.current_thread().name not in threads


def test_the_reader_stays_one_batch_ahead():
    started = []

    def work(batch):
        started.append(batch)
        return batch

    results = read_ahead(iter(range(5)), work)
    assert next(results) == 0
    # While the caller handles batch 0, batch 1 is read; batch 2 is not started yet.
    results_seen = list(started)
    assert results_seen in ([0, 1], [0])  # batch 1 may still be on its way
    assert 2 not in results_seen
    assert list(results) == [1, 2, 3, 4]


def test_a_refused_file_reaches_the_caller_at_the_batch_where_it_happened():
    def rows():
        yield [1]
        yield [2]
        raise ImportRefused("文件从第3行起有超过1000行连续的空行，不能导入。")

    got = []
    with pytest.raises(ImportRefused, match="连续的空行"):
        for result in read_ahead(rows(), lambda b: b[0]):
            got.append(result)
    assert got == [1, 2]


def test_the_caller_stopping_early_leaves_no_thread_behind():
    before = threading.active_count()
    results = read_ahead(iter(range(100)), lambda b: b)
    assert next(results) == 0
    results.close()
    assert threading.active_count() == before
