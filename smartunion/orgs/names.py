"""How two unions' names are compared: two siblings may not share a name (issue 11 §1).

Kept apart from the models so that migrations and bulk writers use the very same rule.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container

NAME_MAX = 128


def normalize_name(name: str) -> str:
    """The name as it is compared with others' names: full-width letters, digits, brackets and
    spaces made half-width (NFKC), runs of whitespace made one space, the ends stripped.
    ``"城关区 快递（一）工会"`` and ``"城关区　快递(一)工会 "`` are the same name."""
    return " ".join(unicodedata.normalize("NFKC", name or "").split())


def numbered_name(name: str, taken: Container[str]) -> str:
    """``name``, or ``name（2）``, ``name（3）``… the first whose normalized form is not in
    ``taken`` (shortened to fit the column): how the seeds and migration 0005 tell apart
    siblings that would share a name."""
    if normalize_name(name) not in taken:
        return name
    name = name.strip()
    n = 2
    while True:
        suffix = f"（{n}）"
        candidate = name[: NAME_MAX - len(suffix)] + suffix
        if normalize_name(candidate) not in taken:
            return candidate
        n += 1
