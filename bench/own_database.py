"""A database of a benchmark's own: a temporary SQLite file, or a PostgreSQL database created
for the run and dropped after it (unless ``keep``). Shared by the benchmarks that build their
data set from nothing (nearest.py, contests.py)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable


def setup_database(
    db: str, pg_url: str, *, prefix: str, keep: bool = False
) -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at the benchmark's database; returns its vendor and the cleanup."""
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")
    if db == "sqlite":
        tmp = tempfile.mkdtemp(prefix=f"bench-{prefix}-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"

        def cleanup():
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)

        return "SQLite", cleanup
    import psycopg

    name = pg_url.rsplit("/", 1)[1]
    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    if name in ("test", "postgres"):
        raise SystemExit(f"use a database of the benchmark's own (--pg-url …/h_{prefix}_bench)")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = pg_url

    def cleanup():
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return "PostgreSQL", cleanup
