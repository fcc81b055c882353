"""Encryption at rest and blind indexes for personal information (个人信息).

Ciphertext format: ``<key id>$<base64(nonce ‖ ciphertext ‖ tag)>``. The key id travels with
each value so keys can rotate: the first key of SMARTUNION_PII_KEYS encrypts, every listed key
decrypts, and `manage.py rotate_pii_keys` re-encrypts old rows.

Algorithms (ARCHITECTURE.md, 密评 GB/T 39786): SM4-GCM with a 128-bit key and HMAC-SM3 by
default; AES-256-GCM and HMAC-SHA256 with ``SMARTUNION_CRYPTO=aes``.

A blind index is an HMAC of the normalized value under a separate key: equal inputs give equal
indexes, so uniqueness and exact lookup work without storing or decrypting the plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hmac as std_hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """A stored value cannot be decrypted with any configured key."""


@dataclass(frozen=True)
class Keyring:
    algorithm: str  # "sm4" or "aes"
    current_id: str
    keys: dict[str, bytes]
    index_key: bytes


def _b64key(raw: str, name: str) -> bytes:
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}: not valid base64") from exc


def parse_keys(
    spec: str, algorithm: str = "", name: str = "SMARTUNION_PII_KEYS"
) -> tuple[str, dict[str, bytes]]:
    """ "id:base64key,…" (the setting ``name``) → (the first key's id, {id: key})."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if ":" not in part:
            raise ImproperlyConfigured(f"{name}: each key is 'id:base64key'")
        kid, raw = part.split(":", 1)
        if not kid.isalnum() or kid in keys:
            raise ImproperlyConfigured(f"{name}: bad or repeated key id {kid!r}")
        key = _b64key(raw, name)
        if len(key) < 32:
            raise ImproperlyConfigured(f"{name}: keys must be 32 random bytes")
        keys[kid] = key
        order.append(kid)
    if not order:
        raise ImproperlyConfigured(f"{name} is empty")
    return order[0], keys


@cache
def keyring() -> Keyring:
    current, keys = parse_keys(settings.SMARTUNION_PII_KEYS, settings.SMARTUNION_CRYPTO)
    index_key = _b64key(settings.SMARTUNION_INDEX_KEY, "SMARTUNION_INDEX_KEY")
    if len(index_key) < 32:
        raise ImproperlyConfigured("SMARTUNION_INDEX_KEY must be 32 random bytes")
    return Keyring(settings.SMARTUNION_CRYPTO, current, keys, index_key)


# Key objects are built once per key (building one costs about as much as encrypting a short
# value); each message still gets its own nonce and cipher context.
@cache
def _sm4(key: bytes) -> algorithms.SM4:
    # SM4 has a 128-bit key: the first 16 bytes of the 32-byte secret.
    return algorithms.SM4(key[:16])


@cache
def _aesgcm(key: bytes) -> AESGCM:
    return AESGCM(key[:32])


def _seal(algorithm: str, key: bytes, nonce: bytes, data: bytes) -> bytes:
    if algorithm == "sm4":
        enc = Cipher(_sm4(key), modes.GCM(nonce)).encryptor()
        return enc.update(data) + enc.finalize() + enc.tag
    return _aesgcm(key).encrypt(nonce, data, None)


def _open(algorithm: str, key: bytes, nonce: bytes, sealed: bytes) -> bytes:
    if algorithm == "sm4":
        body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
        dec = Cipher(_sm4(key), modes.GCM(nonce, tag)).decryptor()
        return dec.update(body) + dec.finalize()
    return _aesgcm(key).decrypt(nonce, sealed, None)


def encrypt(plaintext: str) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _seal(ring.algorithm, ring.keys[ring.current_id], nonce, plaintext.encode("utf-8"))
    return f"{ring.current_id}${base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str) -> str:
    ring = keyring()
    kid, _, body = token.partition("$")
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        raw = base64.b64decode(body, validate=True)
        return _open(ring.algorithm, key, raw[:NONCE_BYTES], raw[NONCE_BYTES:]).decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise DecryptionError(f"cannot decrypt value under key {kid!r}") from exc


def key_id_of(token: str) -> str:
    return token.partition("$")[0]


@cache
def _keyed_index_mac(algorithm: str, key: bytes):
    # Keying an HMAC costs more than hashing a short value: key it once, copy it per value
    # (the copy carries the keyed state; the output is the same HMAC).
    if algorithm == "sm4":
        return crypto_hmac.HMAC(key, hashes.SM3())
    return std_hmac.new(key, digestmod="sha256")


def blind_index(value: str) -> str:
    """HMAC of an already-normalized value, hex encoded (64 characters)."""
    ring = keyring()
    mac = _keyed_index_mac(ring.algorithm, ring.index_key).copy()
    mac.update(value.encode("utf-8"))
    if ring.algorithm == "sm4":
        return mac.finalize().hex()
    return mac.hexdigest()


def seal_bytes(data: bytes) -> tuple[str, bytes]:
    """Encrypt raw bytes (a chunk of a stored file) under the current key.

    Returns the key id and ``nonce ‖ ciphertext ‖ tag`` (28 bytes longer than ``data``).
    """
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    return ring.current_id, nonce + _seal(ring.algorithm, ring.keys[ring.current_id], nonce, data)


def open_bytes(kid: str, blob: bytes) -> bytes:
    """Decrypt what ``seal_bytes`` returned; raises DecryptionError if it was altered."""
    ring = keyring()
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        return _open(ring.algorithm, key, blob[:NONCE_BYTES], blob[NONCE_BYTES:])
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(f"cannot decrypt data under key {kid!r}") from exc


def derive_key(kid: str, salt: bytes, info: bytes) -> bytes:
    """A 32-byte key for one purpose (``info``) and one use (``salt``), derived with HKDF from
    the PII key ``kid`` (HKDF-SM3 under sm4, HKDF-SHA256 under aes): a backup archive gets its
    own key, so its fixed nonces never meet another archive's under the same key."""
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    ring = keyring()
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"unknown key id {kid!r}")
    algorithm = hashes.SM3() if ring.algorithm == "sm4" else hashes.SHA256()
    return HKDF(algorithm=algorithm, length=32, salt=salt, info=info).derive(key)


def seal_with(key: bytes, nonce: bytes, data: bytes) -> bytes:
    """``ciphertext ‖ tag`` of ``data`` under a derived key and a nonce the caller keeps unique."""
    return _seal(keyring().algorithm, key, nonce, data)


def open_with(key: bytes, nonce: bytes, sealed: bytes) -> bytes:
    """The inverse of ``seal_with``; raises DecryptionError if anything was altered."""
    try:
        return _open(keyring().algorithm, key, nonce, sealed)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("cannot decrypt: altered, or another key") from exc
