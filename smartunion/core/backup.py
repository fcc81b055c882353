"""Backups that restore: an encrypted, checksummed archive of the database and uploaded files.

``manage.py backup`` writes one archive; ``manage.py restore`` checks it whole, then brings it
back into an empty database (decisions/0010-backup-archive.md).

The archive::

    SUBACKUP1\\n ‖ u32 header length ‖ header (JSON: format, cipher, key id, salt, nonce prefix,
    created, database vendor) ‖ records…

Each record is ``u32 length ‖ sealed`` where ``sealed`` is SM4-GCM (or AES-GCM) of one typed
plaintext (``START`` a section, ``DATA`` up to 1 MiB of it, ``END`` with its size and SHA-256,
and last the ``MANIFEST``). The key is derived (HKDF) from the current PII key with the
header as context: a changed header changes the key. Each record's nonce is the archive's
prefix, the record's number and a final flag, so a record moved, dropped, repeated or appended,
and an archive cut short, fail to decrypt or to end. A ``.sha256`` file beside the archive lets
a copy be checked without the key (``sha256sum -c``).

What the snapshot is: on PostgreSQL ``pg_dump`` imports a snapshot exported by our own
REPEATABLE READ transaction, in which the manifest's row counts and audit-log head are read, so
counts and dump agree to the row while imports go on; on SQLite the online backup API copies
the database at one moment and the counts are read from the copy.

The keys are not in the archive: restoring needs the same SMARTUNION_PII_KEYS (the key that
encrypted the archive, and every key the data's ciphertexts name) and SMARTUNION_INDEX_KEY.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from smartunion.core import crypto

MAGIC = b"SUBACKUP1\n"
FORMAT = 1
CHUNK = 1 << 20
INFO = b"smartunion backup v1\n"
START, DATA, END, MANIFEST = 1, 2, 3, 4
DATABASE, MEDIA = "database", "media"


class BackupError(Exception):
    """The archive cannot be written, read or restored; the message says why (in Chinese)."""


# Writing --------------------------------------------------------------------------------------


class _Sealer:
    def __init__(self, out: IO[bytes], header: dict[str, Any]):
        self.out = out
        header_bytes = json.dumps(header, sort_keys=True).encode()
        salt = base64.b64decode(header["salt"])
        self.key = crypto.derive_key(header["key_id"], salt, INFO + header_bytes)
        self.prefix = base64.b64decode(header["nonce_prefix"])
        self.counter = 0
        out.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes)

    def emit(self, kind: int, payload: bytes, *, final: bool = False) -> None:
        nonce = self.prefix + struct.pack(">I", self.counter) + (b"\1" if final else b"\0")
        sealed = crypto.seal_with(self.key, nonce, bytes([kind]) + payload)
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1


class _SectionWriter:
    """A file-like sink for one section: buffers into 1 MiB DATA records, hashes as it goes."""

    def __init__(self, sealer: _Sealer, name: str):
        self.sealer, self.name = sealer, name
        self.buffer = bytearray()
        self.digest = hashlib.sha256()
        self.size = 0
        sealer.emit(START, json.dumps({"name": name}).encode())

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.digest.update(data)
        self.size += len(data)
        while len(self.buffer) >= CHUNK:
            self.sealer.emit(DATA, bytes(self.buffer[:CHUNK]))
            del self.buffer[:CHUNK]
        return len(data)

    def close(self) -> dict[str, Any]:
        if self.buffer:
            self.sealer.emit(DATA, bytes(self.buffer))
            self.buffer.clear()
        info = {"name": self.name, "size": self.size, "sha256": self.digest.hexdigest()}
        self.sealer.emit(END, json.dumps(info).encode())
        return info


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest: dict[str, Any]


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _copy(source: IO[bytes], sink) -> None:
    while chunk := source.read(CHUNK):
        sink.write(chunk)


def _counts(query: Callable[[str], Any], tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    return {table: int(query(f"SELECT COUNT(*) FROM {quote(table)}")[0]) for table in tables}


def _state(query: Callable[[str], Any], tables: list[str]) -> dict[str, Any]:
    """Row counts, the audit log's head and the applied migrations, as ``query`` sees them."""
    head = query("SELECT seq, entry_hash FROM core_auditentry ORDER BY seq DESC LIMIT 1")
    migrations = query("SELECT COUNT(*) FROM django_migrations")
    return {
        "counts": _counts(query, tables),
        "audit_head": {"seq": head[0], "hash": head[1]} if head else None,
        "migrations": int(migrations[0]),
    }


def _dump_postgresql(sealer: _Sealer) -> tuple[dict[str, Any], dict[str, Any]]:
    db = settings.DATABASES["default"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]

        def query(sql: str):
            cursor.execute(sql)
            return cursor.fetchone()

        tables = sorted(connection.introspection.table_names(cursor))
        state = _state(query, tables)
        args, env = _pg_args(db)
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
        command += [f"--snapshot={snapshot}", *args, "--dbname", str(db["NAME"])]
        section = _SectionWriter(sealer, DATABASE)
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        ) as dump:
            _copy(dump.stdout, section)
            error = dump.stderr.read().decode(errors="replace")
        if dump.returncode != 0:
            raise BackupError(f"pg_dump 失败（退出码 {dump.returncode}）：{error.strip()}")
        return section.close(), state


def _dump_sqlite(sealer: _Sealer, workdir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    copy_path = workdir / "database.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy_path)
    try:
        # One step (pages=-1): the copy is the database at one moment, writers or not.
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        tables = sorted(
            row[0]
            for row in target.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        state = _state(lambda sql: target.execute(sql).fetchone(), tables)
    finally:
        target.close()
    section = _SectionWriter(sealer, DATABASE)
    with open(copy_path, "rb") as source:
        _copy(source, section)
    copy_path.unlink()
    return section.close(), state


def _dump_media(sealer: _Sealer, media_root: Path) -> dict[str, Any]:
    section = _SectionWriter(sealer, MEDIA)
    with tarfile.open(fileobj=section, mode="w|") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
    return section.close()


def default_name(now: dt.datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"smartunion-{now:%Y%m%d-%H%M%S}.subak"


def write_backup(path: Path, *, media: bool = True) -> BackupResult:
    """Write the archive to ``path`` (and ``path.sha256``); the file appears only when whole."""
    ring = crypto.keyring()
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"不支持的数据库：{vendor}")
    header = {
        "format": FORMAT,
        "cipher": "sm4-gcm" if ring.algorithm == "sm4" else "aes-256-gcm",
        "key_id": ring.current_id,
        "salt": base64.b64encode(os.urandom(16)).decode(),
        "nonce_prefix": base64.b64encode(os.urandom(7)).decode(),
        "created_at": timezone.now().isoformat(),
        "database": vendor,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="smartunion-backup-") as work:
        os.chmod(work, 0o700)
        try:
            with open(partial, "wb") as raw:
                digest = _HashingWriter(raw)
                sealer = _Sealer(digest, header)
                if vendor == "postgresql":
                    database, state = _dump_postgresql(sealer)
                else:
                    database, state = _dump_sqlite(sealer, Path(work))
                sections = [database]
                if media:
                    sections.append(_dump_media(sealer, Path(settings.MEDIA_ROOT)))
                manifest = {**header, **state, "sections": sections}
                sealer.emit(MANIFEST, json.dumps(manifest).encode(), final=True)
                raw.flush()
                os.fsync(raw.fileno())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, path)
    sha256 = digest.hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{sha256}  {path.name}\n")
    return BackupResult(path, path.stat().st_size, sha256, manifest)


class _HashingWriter:
    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


# Reading --------------------------------------------------------------------------------------


def _read_exact(source: IO[bytes], n: int) -> bytes:
    data = source.read(n)
    if len(data) != n:
        raise BackupError("备份文件不完整（被截断）。")
    return data


def read_header(source: IO[bytes]) -> dict[str, Any]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("不是智慧工会平台的备份文件。")
    (length,) = struct.unpack(">I", _read_exact(source, 4))
    header_bytes = _read_exact(source, length)
    try:
        header = json.loads(header_bytes)
    except ValueError as exc:
        raise BackupError("备份文件头已损坏。") from exc
    if header.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式：{header.get('format')}")
    header["_bytes"] = header_bytes
    return header


def _records(source: IO[bytes], header: dict[str, Any]) -> Iterator[tuple[int, bytes]]:
    """Every record, decrypted and in order; the manifest (the final record) last."""
    if header["key_id"] not in crypto.keyring().keys:
        raise BackupError(
            f"缺少加密这份备份的密钥“{header['key_id']}”：请在 SMARTUNION_PII_KEYS 中配置它。"
        )
    salt = base64.b64decode(header["salt"])
    key = crypto.derive_key(header["key_id"], salt, INFO + header["_bytes"])
    prefix = base64.b64decode(header["nonce_prefix"])
    counter = 0
    while True:
        raw_length = source.read(4)
        if len(raw_length) < 4:
            raise BackupError("备份文件不完整（缺少结尾的清单，可能被截断）。")
        (length,) = struct.unpack(">I", raw_length)
        sealed = _read_exact(source, length)
        for final in (False, True):
            nonce = prefix + struct.pack(">I", counter) + (b"\1" if final else b"\0")
            try:
                plain = crypto.open_with(key, nonce, sealed)
                break
            except crypto.DecryptionError:
                continue
        else:
            raise BackupError(
                f"备份文件第 {counter + 1} 段校验失败：文件被改动或损坏，或密钥不对。"
            )
        counter += 1
        if final != (plain[0] == MANIFEST):
            raise BackupError("备份文件结构错误：清单不在结尾。")
        yield plain[0], plain[1:]
        if final:
            if source.read(1):
                raise BackupError("备份文件在清单之后还有多余的内容：文件被改动。")
            return


@dataclass
class _Sink:
    write: Callable[[bytes], Any]
    close: Callable[[], Any] = lambda: None


@dataclass
class ArchiveContents:
    header: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)


def read_archive(path: Path, sink_for: Callable[[str], _Sink] | None = None) -> ArchiveContents:
    """Read and check every record; each section's bytes go to ``sink_for(name)`` (nowhere by
    default: a check only). Sizes and SHA-256 are compared with each section's end record and
    with the manifest."""
    with open(path, "rb") as source:
        header = read_header(source)
        contents = ArchiveContents({k: v for k, v in header.items() if k != "_bytes"})
        current, digest, size, sink, ended = None, None, 0, None, []
        for kind, payload in _records(source, header):
            if kind == START:
                if current is not None:
                    raise BackupError("备份文件结构错误：上一部分没有结束。")
                current = json.loads(payload)["name"]
                digest, size = hashlib.sha256(), 0
                sink = sink_for(current) if sink_for else _Sink(lambda data: None)
            elif kind == DATA:
                if current is None:
                    raise BackupError("备份文件结构错误：数据不属于任何部分。")
                digest.update(payload)
                size += len(payload)
                sink.write(payload)
            elif kind == END:
                info = json.loads(payload)
                if (info["name"], info["size"], info["sha256"]) != (
                    current,
                    size,
                    digest.hexdigest(),
                ):
                    raise BackupError(f"备份中“{current}”部分的校验和不符。")
                sink.close()
                ended.append(info)
                current = None
            elif kind == MANIFEST:
                manifest = json.loads(payload)
                if current is not None or manifest["sections"] != ended:
                    raise BackupError("备份清单与内容不符。")
                contents.manifest = manifest
            else:
                raise BackupError("备份文件结构错误：未知的记录类型。")
        return contents


def checksum_file_ok(path: Path) -> bool | None:
    """Whether ``path.sha256`` matches the file (None when there is no such file)."""
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.exists():
        return None
    expected = sidecar.read_text().split()[0]
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == expected


# Restoring ------------------------------------------------------------------------------------


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    media_files: int


def restore_backup(path: Path, *, media_root: Path | None = None) -> RestoreResult:
    """Check the archive whole, then load it into the (empty) database and media folder, then
    compare the row counts and the audit log's head with the manifest."""
    contents = read_archive(path)  # everything checked before anything is written
    manifest = contents.manifest
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"这份备份来自 {manifest['database']}，不能恢复到 {connection.vendor} 数据库。"
        )
    if not database_is_empty():
        raise BackupError("目标数据库不是空的：请恢复到一个新建的空数据库。")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    has_media = any(s["name"] == MEDIA for s in manifest["sections"])
    if has_media and media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"上传文件目录 {media_root} 不是空的：请换一个空目录或先清空它。")

    with tempfile.TemporaryDirectory(prefix="smartunion-restore-") as work:
        os.chmod(work, 0o700)
        work_dir = Path(work)
        loader = _PostgresLoader() if connection.vendor == "postgresql" else None
        files: dict[str, Any] = {}

        def sink_for(name: str) -> _Sink:
            if name == DATABASE and loader is not None:
                return _Sink(loader.write, loader.close)
            handle = open(work_dir / name, "wb")  # noqa: SIM115 - closed by the sink
            files[name] = work_dir / name
            return _Sink(handle.write, handle.close)

        try:
            read_archive(path, sink_for)
        finally:
            if loader is not None:
                loader.abort()
        if loader is None:
            _load_sqlite(files[DATABASE])
        media_files = 0
        if has_media:
            media_root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(files[MEDIA]) as tar:
                members = tar.getmembers()
                tar.extractall(media_root, filter="data")
            media_files = sum(1 for m in members if m.isfile())

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with connection.cursor() as cursor:

        def query(sql: str):
            cursor.execute(sql)
            return cursor.fetchone()

        state = _state(query, sorted(manifest["counts"]))
    if state["counts"] != manifest["counts"]:
        differing = sorted(
            t for t in manifest["counts"] if state["counts"].get(t) != manifest["counts"][t]
        )
        raise BackupError(f"恢复后的行数与备份清单不符：{'、'.join(differing)}")
    if state["audit_head"] != manifest["audit_head"]:
        raise BackupError("恢复后审计日志的最后一条与备份清单不符。")
    return RestoreResult(manifest, state["counts"], media_files)


class _PostgresLoader:
    """pg_restore reading the dump from a pipe, in one transaction: all or nothing."""

    def __init__(self) -> None:
        db = settings.DATABASES["default"]
        args, env = _pg_args(db)
        command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction"]
        command += ["--exit-on-error", *args, "--dbname", str(db["NAME"])]
        connection.close()  # pg_restore works on its own connection
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        self.closed = False

    def write(self, data: bytes) -> None:
        try:
            self.process.stdin.write(data)
        except BrokenPipeError:
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.close()
        error = self.process.stderr.read().decode(errors="replace")
        if self.process.wait() != 0:
            raise BackupError(
                f"pg_restore 失败（退出码 {self.process.returncode}）：{error.strip()}"
            )

    def abort(self) -> None:
        if not self.closed:
            self.process.kill()
            self.process.wait()


def _load_sqlite(copy_path: Path) -> None:
    source = sqlite3.connect(copy_path)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("备份中的 SQLite 数据库未通过完整性检查。")
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
