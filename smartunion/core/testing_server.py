"""A real server for tests that need one: gunicorn, in its own process, on its own database.

``live_gunicorn()`` makes a fresh database (a temporary SQLite file, or a new PostgreSQL
database beside the one ``DATABASE_URL`` names), migrates it, loads the divisions and a small
demo data set with its demo accounts (password ``Gansu-demo-2026``) — or copies the one an
earlier server of the same sources built (core.testing_dbcache) —, starts gunicorn with two
workers on a free port of 127.0.0.1 writing its access and error logs to files, and stops and
removes everything afterwards. The tests that read a real server's logs and the schemathesis run
(``make test-api``) use it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEMO_PASSWORD = "Gansu-demo-2026"
STARTUP_SECONDS = 60


@dataclass
class LiveServer:
    url: str
    access_log: Path
    error_log: Path
    env: dict[str, str]

    def logs(self) -> str:
        """Everything the server logged: gunicorn's access log, its error log (which also
        holds what the application logged to stderr)."""
        return "\n".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in (self.access_log, self.error_log)
            if p.exists()
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=600,
    )


@contextmanager
def _database(base_url: str, workdir: Path) -> Iterator[str]:
    if not base_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir / 'live.sqlite3'}"
        return
    import psycopg

    head, _, _name = base_url.rpartition("/")
    name = f"smartunion_live_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{head}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{head}/{name}"
    finally:
        with psycopg.connect(f"{head}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seeded_database(
    url: str, base_url: str, env: dict[str, str], *, orgs: int, members: int
) -> None:
    """Migrate ``url``, load the divisions and seed the demo data set — or copy the database an
    earlier server of the same sources built (core.testing_dbcache), which takes a second
    instead of the half minute the migrations take."""
    from smartunion.core import testing_dbcache as cache

    def build(migrated_copy: bool) -> None:
        if not migrated_copy:
            _manage(["migrate", "--noinput", "-v0"], env)
        _manage(["load_regions"], env)
        _manage(["seed", "--demo", "--orgs", str(orgs), "--members", str(members)], env)

    if not cache.enabled():
        build(False)
        return
    kind = f"seed{orgs}x{members}"
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        key = cache.fingerprint("sqlite")
        seeded = cache.sqlite_cached(f"{kind}-{key}")
        migrated = seeded or cache.sqlite_cached(f"migrated-{key}")
        if migrated:
            with sqlite3.connect(path) as target:
                cache.sqlite_copy(migrated, target)
            target.close()
            if seeded:
                return
        build(bool(migrated))
        with sqlite3.connect(path) as source:
            cache.sqlite_keep(source, f"{kind}-{key}")
        source.close()
        return
    import dj_database_url

    db = dj_database_url.parse(url)
    name, key = db["NAME"], cache.fingerprint("postgresql")
    base = cache.pg_base(base_url.rpartition("/")[2])
    seeded = cache.pg_cached(db, base, kind, key)
    migrated = seeded or cache.pg_cached(db, base, "m", key)
    if migrated:
        cache.pg_create_from(db, name, migrated, replace=True)
        if seeded:
            return
    build(bool(migrated))
    cache.pg_keep(db, name, base, kind, key)


@contextmanager
def live_gunicorn(
    *,
    database_url: str | None = None,
    orgs: int = 30,
    members: int = 300,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
) -> Iterator[LiveServer]:
    """A gunicorn serving this checkout on a fresh, seeded database (see the module doc)."""
    workdir = Path(tempfile.mkdtemp(prefix="smartunion-live-"))
    base_url = os.environ.get("DATABASE_URL", "") if database_url is None else database_url
    try:
        with _database(base_url, workdir) as url:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "SMARTUNION_VAR_DIR": str(workdir / "var"),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "PYTHONUNBUFFERED": "1",
                # Each worker keeps its database connection, as in production (settings): a
                # new PostgreSQL connection per request cost the server a fifth of its time.
                "DATABASE_CONN_MAX_AGE": "60",
                **(extra_env or {}),
            }
            _seeded_database(url, base_url, env, orgs=orgs, members=members)
            port = _free_port()
            server = LiveServer(
                url=f"http://127.0.0.1:{port}",
                access_log=workdir / "access.log",
                error_log=workdir / "error.log",
                env=env,
            )
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "smartunion.wsgi:application",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    f"--access-logfile={server.access_log}",
                    f"--error-logfile={server.error_log}",
                    "--capture-output",
                    "--timeout=120",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                _wait_until_up(server, process)
                yield server
            finally:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_up(server: LiveServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.logs()}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/v1/openapi.json", timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{server.logs()}")
