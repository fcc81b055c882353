"""Development keys: generated once into an ignored local file, never used with DEBUG off.

The keys a deployment needs are SECRET_KEY, SMARTUNION_PII_KEYS (encryption keys with their
ids), SMARTUNION_INDEX_KEY (the blind-index HMAC key) and SMARTUNION_ECARD_KEYS (the
电子会员证's signing keys). In development, `ensure_dev_keys` writes random ones to
``.local/keys.env`` on first run — and adds a key a newer version needs to an older file — so
that `make run` needs no set-up; a production server must be given real ones (see
docs/operator-guide.md).
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

KEY_NAMES = ("SECRET_KEY", "SMARTUNION_PII_KEYS", "SMARTUNION_INDEX_KEY", "SMARTUNION_ECARD_KEYS")


def new_key_values() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        # "<key id>:<base64 key>" pairs; the first one encrypts, all of them decrypt.
        "SMARTUNION_PII_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "SMARTUNION_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "SMARTUNION_ECARD_KEYS": "e1:" + base64.b64encode(os.urandom(32)).decode(),
    }


def ensure_dev_keys(path: Path) -> None:
    if path.exists():
        text = path.read_text(encoding="utf-8")
        have = {line.split("=", 1)[0].strip() for line in text.splitlines() if "=" in line}
        missing = [(n, v) for n, v in new_key_values().items() if n not in have]
        if missing:
            lines = [f"{name}={value}" for name, value in missing]
            path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Generated development keys. Never use them in production; never commit them."]
    lines += [f"{name}={value}" for name, value in new_key_values().items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
