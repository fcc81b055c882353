"""Migrated databases kept for the tests: migrate once, copy afterwards.

Running the 58 migrations costs about 20 s of CPU (Django renders the models' states again and
again), and the tests did it many times in one ``make test``: each pytest process's test
database (each xdist worker, each phase), each live gunicorn (``core.testing_server``) and the
production server of ``test_serving``. Here the first of them migrates and keeps a copy; the
others copy it (SQLite: the backup API, a fraction of a second; PostgreSQL: ``CREATE DATABASE
… TEMPLATE``, about a second).

A copy is found by a fingerprint of everything a migration can read: every file of the
``smartunion`` package outside its tests (the migrations import services, code lists and
packaged data), the dependency files, the development keys, the versions of Python and Django,
the database engine, and today's date. Any change to any of them migrates again, as before.

Two copies are kept: ``migrated`` (the test databases, the production server of
``test_serving``) and the live servers' ``seed<orgs>x<members>`` (migrated, the divisions and
the demo data set loaded). The SQLite copies are files in ``var/test-cache/`` (removed after two
days); the PostgreSQL copies are databases named ``<database>_tpl_<kind>_<fingerprint>`` beside
the database ``DATABASE_URL`` names (keeping a new one drops the older ones of that kind).
``SMARTUNION_TEST_DB_CACHE=0`` turns it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

CACHE_DIR_NAME = "var/test-cache"


def enabled() -> bool:
    return os.environ.get("SMARTUNION_TEST_DB_CACHE", "1") != "0"


def fingerprint(*extra: str) -> str:
    import django

    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for path in sorted((root / "smartunion").rglob("*")):
        if (
            not path.is_file()
            or {"__pycache__", "tests"} & set(path.parts)
            or path.suffix == ".pyc"
        ):
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in ("pyproject.toml", "package-lock.json", ".local/keys.env"):
        if (root / name).exists():
            digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    day = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    for part in (sys.version, django.__version__, day.isoformat(), *extra):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def _cache_dir() -> Path:
    path = Path(settings.BASE_DIR) / CACHE_DIR_NAME
    path.mkdir(parents=True, exist_ok=True)
    return path


# SQLite ---------------------------------------------------------------------------------------


def sqlite_cached(key: str) -> Path | None:
    path = _cache_dir() / f"{key}.sqlite3"
    return path if path.exists() else None


def sqlite_keep(source: sqlite3.Connection, key: str) -> None:
    """A consistent copy of ``source`` as the cache entry ``key`` (written aside, then renamed:
    a process reading the cache never sees half a file). Entries older than two days go."""
    directory = _cache_dir()
    stale = dt.datetime.now().timestamp() - 2 * 86400
    for old in directory.iterdir():
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    partial = directory / f"{key}.{uuid.uuid4().hex[:8]}.partial"
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        # A copy in rollback-journal mode: reading it then leaves no -wal or -shm file.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    os.replace(partial, directory / f"{key}.sqlite3")


def sqlite_copy(cached: Path, target: sqlite3.Connection) -> None:
    source = sqlite3.connect(f"file:{cached}?mode=ro", uri=True)
    try:
        source.backup(target)
    finally:
        source.close()


# PostgreSQL -----------------------------------------------------------------------------------


@contextmanager
def _maintenance(db: dict):
    import psycopg

    conninfo = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
    }
    if db.get("PASSWORD"):
        conninfo["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
        yield conn


def pg_base(name: str) -> str:
    """The database the settings name, from a test database's name (test_x, test_x_gw1)."""
    return re.sub(r"_gw\d+$", "", name).removeprefix("test_")


def _template(base: str, kind: str, key: str) -> str:
    return f"{base}_tpl_{kind}_{key}"[:63]


def pg_cached(db: dict, base: str, kind: str, key: str) -> str | None:
    name = _template(base, kind, key)
    with _maintenance(db) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return name if found else None


def pg_keep(db: dict, source: str, base: str, kind: str, key: str) -> None:
    """A copy of the database ``source`` (nobody connected to it) kept as the template
    ``kind``/``key``; older templates of the same base and kind are dropped."""
    name = _template(base, kind, key)
    partial = f"{base}_tpl_{kind}_partial_{uuid.uuid4().hex[:8]}"[:63]
    with _maintenance(db) as conn:
        conn.execute(f'CREATE DATABASE "{partial}" TEMPLATE "{source}"')
        try:
            conn.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
        except Exception:  # noqa: BLE001 - another process kept the same copy first
            conn.execute(f'DROP DATABASE IF EXISTS "{partial}"')
        pattern = re.compile(re.escape(f"{base}_tpl_{kind}_") + r"[0-9a-f]{16}$")
        for (other,) in conn.execute("SELECT datname FROM pg_database").fetchall():
            if other != name and pattern.match(other):
                try:
                    conn.execute(f'DROP DATABASE IF EXISTS "{other}"')
                except Exception:  # noqa: BLE001 - being copied by another process: left
                    pass


def pg_create_from(db: dict, name: str, template: str, *, replace: bool = False) -> None:
    with _maintenance(db) as conn:
        if replace:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


# The test database ----------------------------------------------------------------------------


def migrate_test_database(connection, migrate) -> None:
    """In place of ``migrate`` while Django creates a test database: the kept copy when there
    is one, else ``migrate()`` and keep a copy."""
    if connection.vendor == "sqlite":
        key = "migrated-" + fingerprint("sqlite")
        cached = sqlite_cached(key)
        connection.ensure_connection()
        if cached:
            sqlite_copy(cached, connection.connection)
            return
        migrate()
        connection.ensure_connection()
        sqlite_keep(connection.connection, key)
        return
    if connection.vendor != "postgresql":
        migrate()
        return
    db = connection.settings_dict
    name, base, key = db["NAME"], pg_base(db["NAME"]), fingerprint("postgresql")
    template = pg_cached(db, base, "m", key)
    if template:
        connection.close()
        pg_create_from(db, name, template, replace=True)
        return
    migrate()
    connection.close()
    pg_keep(db, name, base, "m", key)


def copy_migrated_into(url: str) -> bool:
    """Fill the new, empty database ``url`` with the kept migrated copy, if there is one
    (``migrate`` then finds nothing to do); False when there is none."""
    if not enabled():
        return False
    if url.startswith("sqlite:///"):
        cached = sqlite_cached("migrated-" + fingerprint("sqlite"))
        if cached:
            target = sqlite3.connect(url.removeprefix("sqlite:///"))
            try:
                sqlite_copy(cached, target)
            finally:
                target.close()
        return bool(cached)
    import dj_database_url

    db = dj_database_url.parse(url)
    template = pg_cached(
        db, pg_base(settings.DATABASES["default"]["NAME"]), "m", fingerprint("postgresql")
    )
    if template:
        pg_create_from(db, db["NAME"], template, replace=True)
    return bool(template)
