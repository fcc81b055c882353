"""Run a generator in a second process and take its items here, one at a time.

What it is for: an import's rows cost ~110 µs of Python each to read, check, encrypt and
format, and the writing connection then waits ~125 µs a row for PostgreSQL. A thread cannot
overlap the two (the GIL serializes it with the database client: measured in session 2); a
process can, and on two cores the import then runs at the speed of the slower half instead of
the sum of both (``docs/performance.md``).

How: the child is *forked*, so it starts at once with the code already loaded and the settings
exactly as they are in the parent (a test's overrides included). Django's connections are
closed first, so the child opens its own and never speaks on the parent's socket; the caller
must therefore not be inside a transaction (``can_fork()``). Items come back pickled through a
pipe: the pipe holds one item at most, so the child works at most one item ahead and memory
stays bounded. An exception in the child is raised again here; a child that dies (killed,
out of memory) raises ``ChildDied``; stopping early (``close()`` or an exception in the
consumer) kills the child, and a parent that dies leaves the child a broken pipe, so it stops
at its next item.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connections

_ITEM, _END, _ERROR = "item", "end", "error"


class ChildDied(RuntimeError):
    """The child process ended without finishing (killed, or crashed in C code)."""


def can_fork() -> bool:
    """Whether ``in_child_process`` may be used now.

    It needs POSIX fork, a single thread (a fork copies locks that other threads may hold),
    no open transaction (closing the connection would end it), and no in-memory SQLite
    database (Django never closes one: closing would destroy it, so the child would inherit
    the live handle).
    """
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return False
    for alias in connections:
        conn = connections[alias]
        if conn.in_atomic_block:
            return False
        if conn.vendor == "sqlite" and conn.is_in_memory_db():
            return False
    return True


def in_child_process(func: Callable[..., Iterator[Any]], *args: Any) -> Iterator[Any]:
    """Yield what ``func(*args)`` yields, computed in a forked child process."""
    if not can_fork():
        raise RuntimeError("in_child_process() needs fork and no open transaction")
    # The child must not inherit live connections: it would share their sockets.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(receive, send, func, args), daemon=True)
    child.start()
    send.close()  # the child's end: once it exits, receive() sees end-of-file
    finished = False
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                child.join(timeout=5)
                raise ChildDied(f"准备数据的子进程意外结束（退出码 {child.exitcode}）。") from None
            if kind == _ITEM:
                yield payload
            elif kind == _END:
                finished = True
                return
            else:
                finished = True
                raise payload
    finally:
        receive.close()
        if not finished and child.is_alive():
            child.kill()
        child.join(timeout=30)


def _child_main(receive, send, func: Callable[..., Iterator[Any]], args: tuple) -> None:
    # The pipe's reading end is the parent's: with a copy open here, a parent that dies
    # (SIGKILL) would leave this child blocked on send() for ever instead of BrokenPipeError.
    receive.close()
    # The parent's signal handlers (a task worker's graceful SIGTERM) are not ours: stopping
    # the parent stops this child through the pipe or kill().
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        for item in func(*args):
            send.send((_ITEM, item))
        send.send((_END, None))
    except BrokenPipeError:
        pass  # the parent stopped reading: nothing to tell it
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        try:
            send.send((_ERROR, exc))
        except Exception:  # not picklable: send what it said, for the parent to handle
            # (not logged here: an import's messages may quote a cell — an ID number, a phone —
            # and the parent decides what reaches the log, see imports.services.log_failure)
            send.send((_ERROR, RuntimeError("".join(traceback.format_exception(exc)))))
    finally:
        connections.close_all()
        send.close()
