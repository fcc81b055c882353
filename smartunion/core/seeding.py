"""The parts of `manage.py seed`: each app generates its own data and registers here.

The one ``seed`` command runs every registered part in dependency order (``after``). Each
part decides for itself whether its data exists already (then it generates nothing and says
so), so running the command again on an existing database adds only what a newer module
brings. Parts register in their app's ``AppConfig.ready`` (dependencies point down: core
never imports a domain app; the apps register with it, STYLE.md).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

DEFAULT_SEED = 2026


@dataclass
class SeedOptions:
    """What the command was asked for; every part reads the same options."""

    orgs: int = 1000
    members: int = 50000
    seed: int = DEFAULT_SEED
    demo: bool = False
    workers: int | None = None
    chunk_size: int = 20000
    files: str = ""
    progress: Callable[[str], None] | None = None

    def say(self, line: str) -> None:
        if self.progress:
            self.progress(line)


@dataclass
class DemoDays:
    """The dates of a generated case's steps, so that its page holds together: each step a few
    days after the one before, none after today, and its timeline at those days."""

    rnd: random.Random
    today: dt.date
    now: dt.datetime

    def after(self, day: dt.date, low: int, high: int) -> dt.date:
        """A day ``low`` to ``high`` - 1 days after ``day``, but never after today."""
        return min(self.today, day + dt.timedelta(days=self.rnd.randrange(low, high)))

    def at(self, day: dt.date) -> dt.datetime:
        """A moment of office hours on ``day`` (not later than now)."""
        moment = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(
            minutes=self.rnd.randrange(0, 8 * 60)
        )
        return min(self.now, timezone.make_aware(moment))


@contextmanager
def bulk_transaction() -> Iterator[None]:
    """One transaction for a part's bulk writes; on PostgreSQL its commit does not wait for
    the log to reach the disk (a seed that crashes is run again from an empty table)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        yield


@dataclass(frozen=True)
class SeedPart:
    """One app's share of the data set.

    ``run(options)`` generates it and returns the lines to print (an empty list when it did
    nothing because its data exists already or the options do not ask for it).
    """

    name: str
    label: str
    run: Callable[[SeedOptions], list[str]]
    after: tuple[str, ...] = ()
    #: Among parts whose dependencies are met, lower runs first (what prints at the end, like
    #: the demo accounts, has a high order).
    order: int = 50


_PARTS: dict[str, SeedPart] = {}


def register(part: SeedPart) -> None:
    _PARTS[part.name] = part


def parts() -> list[SeedPart]:
    """The registered parts, each after those it names in ``after`` (then by order, name)."""
    done: list[SeedPart] = []
    placed: set[str] = set()
    pending = sorted(_PARTS.values(), key=lambda p: (p.order, p.name))
    while pending:
        ready = [p for p in pending if all(a in placed or a not in _PARTS for a in p.after)]
        if not ready:
            raise RuntimeError(f"seed parts depend on each other in a circle: {pending}")
        first = ready[0]
        done.append(first)
        placed.add(first.name)
        pending.remove(first)
    return done


@dataclass
class SeedRun:
    lines: list[str] = field(default_factory=list)


def run(options: SeedOptions, only: tuple[str, ...] = ()) -> SeedRun:
    """Run every part (or the named ones) in order; returns what they reported."""
    result = SeedRun()
    for part in parts():
        if only and part.name not in only:
            continue
        result.lines += part.run(options)
    if result.lines:
        settle()
    return result


def settle() -> None:
    """After generating, bring PostgreSQL's statistics and visibility map up to date, as
    autovacuum would some minutes later: the plans and the index-only scans of the first
    pages (and benchmarks) are then those of a settled database. ~20 s at province scale."""
    from django.db import connection

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
