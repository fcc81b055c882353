"""Who did a write when it was no staff account.

Services take an ``actor``: normally an ``accounts.User`` (its scope decides what it may touch,
its name goes into histories and the audit log). A worker acting for themself on the portal
(职工之家: 网上入会, applications) is no ``User`` and holds no scope (decision 0021); services
that let a worker act take a ``SelfActor`` instead and check, in place of a scope, that the
rows are the worker's own (the registry's phone of the person is the number signed in).
"""

from __future__ import annotations

from dataclasses import dataclass

#: 经办人 of what a worker did for themself on the portal.
SELF_CLERK = "本人（职工之家）"


@dataclass(frozen=True)
class SelfActor:
    """职工本人: the signed-in number (``phone_index``, the registry's blind index of it), the
    portal's row id of its token (``ref``, written into the audit log as ``worker:<ref>`` — no
    name, no number) and the person the number is bound to (``person_id``, None before the
    real-name binding). ``pk`` is None: no user id is ever recorded for it."""

    phone_index: str
    ref: int
    person_id: int | None = None

    pk = None
    is_superuser = False
    is_authenticated = False
    scope_path = ""
    clerk_label = SELF_CLERK

    @property
    def audit_name(self) -> str:
        return f"worker:{self.ref}"


def is_self(actor) -> bool:
    """Whether ``actor`` is a worker acting for themself (not a staff account)."""
    return isinstance(actor, SelfActor)
