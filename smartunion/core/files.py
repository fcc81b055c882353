"""The encrypted file store: uploads and generated files kept encrypted at rest.

Import files, exports, case attachments (application forms, income proofs, ID photos) hold
ID numbers, phones and health details in plaintext, so none is ever written to disk as it is.

A stored file is a header (``SUIMP1``, the key id) followed by fixed-size chunks, each sealed
on its own with ``core.crypto.seal_bytes`` (SM4-GCM or AES-GCM: a fresh nonce and a tag per
chunk). Fixed-size chunks make the file seekable without decrypting it whole, so a 400 MB CSV
is read as a stream and an xlsx by calamine's random access, and no plaintext copy ever lands
on disk.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings

from smartunion.core import crypto

MAGIC = b"SUIMP1"
CHUNK = 1 << 20
OVERHEAD = crypto.NONCE_BYTES + crypto.TAG_BYTES


class EncryptedFileStore:
    """A folder of encrypted files: ``settings.<setting>``, or ``VAR_DIR/<subdir>``."""

    def __init__(self, setting: str, subdir: str):
        self.setting = setting
        self.subdir = subdir

    def storage_dir(self) -> Path:
        path = Path(getattr(settings, self.setting, None) or (Path(settings.VAR_DIR) / self.subdir))
        path.mkdir(parents=True, exist_ok=True)
        return path

    def store(self, source: IO[bytes]) -> tuple[str, str, int]:
        """Encrypt a file into the store; returns (stored name, SHA-256 of the plaintext, size)."""
        return store_in(self.storage_dir(), source)

    def delete(self, name: str) -> None:
        if name:
            (self.storage_dir() / name).unlink(missing_ok=True)

    def open(self, name: str, size: int) -> IO[bytes]:
        """The plaintext of a stored file, as a seekable stream decrypted chunk by chunk."""
        return io.BufferedReader(
            DecryptingReader(self.storage_dir() / name, size), buffer_size=CHUNK
        )


def store_in(folder: Path, source: IO[bytes]) -> tuple[str, str, int]:
    name = f"{uuid.uuid4().hex}.enc"
    path = folder / name
    digest = hashlib.sha256()
    size = 0
    kid_written = False
    with open(path, "wb") as out:
        while True:
            chunk = _read_full(source, CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            kid, sealed = crypto.seal_bytes(chunk)
            if not kid_written:
                out.write(MAGIC + bytes([len(kid)]) + kid.encode("ascii"))
                kid_written = True
            out.write(sealed)
        if not kid_written:
            kid = crypto.keyring().current_id
            out.write(MAGIC + bytes([len(kid)]) + kid.encode("ascii"))
    return name, digest.hexdigest(), size


def _read_full(source: IO[bytes], n: int) -> bytes:
    parts = []
    left = n
    while left:
        part = source.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def sha256_of(path: str | os.PathLike) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class DecryptingReader(io.RawIOBase):
    """A read-only, seekable view of the plaintext of a stored file."""

    def __init__(self, path: Path, size: int):
        self._file = open(path, "rb")  # noqa: SIM115 - closed in close()
        head = self._file.read(len(MAGIC) + 1)
        if head[: len(MAGIC)] != MAGIC:
            self._file.close()
            raise crypto.DecryptionError("not a file of the encrypted store")
        kid_len = head[-1]
        self._kid = self._file.read(kid_len).decode("ascii")
        self._base = len(MAGIC) + 1 + kid_len
        self._size = size
        self._pos = 0
        self._chunk_index = -1
        self._chunk = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        else:
            pos = self._size + offset
        self._pos = max(0, pos)
        return self._pos

    def _load(self, index: int) -> bytes:
        if index != self._chunk_index:
            self._file.seek(self._base + index * (CHUNK + OVERHEAD))
            plain_len = min(CHUNK, self._size - index * CHUNK)
            blob = self._file.read(plain_len + OVERHEAD)
            self._chunk = crypto.open_bytes(self._kid, blob)
            self._chunk_index = index
        return self._chunk

    def readinto(self, buffer) -> int:
        if self._pos >= self._size:
            return 0
        index, start = divmod(self._pos, CHUNK)
        chunk = self._load(index)
        n = min(len(buffer), len(chunk) - start)
        buffer[:n] = chunk[start : start + n]
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()
