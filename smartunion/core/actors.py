"""Who did a write when it was no staff account: a worker acting for themself (职工之家).

Services take an ``actor``: normally an ``accounts.User`` (its scope decides what it may touch,
its name goes into histories and the audit log). A worker on the portal is no ``User`` and
holds no scope of staff (decision 0021). The services that let a worker act take a
``SelfActor`` and check, in place of a scope, that the rows are the worker's own:

- the registry (网上入会, decision 0026): the person the number is bound to, or before binding
  the person whose registry phone is the signed-in number (``phone_index``);
- casework (applications, 补正, rating; decision 0027): the cases whose applicant is
  ``person_id`` (``Case.of_applicant``), and only the transitions declared ``applicant=True``;
  a case the worker opens is filed at ``org``, the union of their current membership (their
  ``scope_path`` for the domain's opening service).

Histories show ``SELF_CLERK`` (no name); the audit log ``worker:p<person id>`` or, before the
person is known, ``worker:t<token row id>`` — never a name or a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: 经办人 of what a worker did for themself on the portal.
SELF_CLERK = "本人（职工之家）"


@dataclass(frozen=True)
class SelfActor:
    """职工本人: the blind index of the signed-in number, the portal's row id of its token
    (``ref``), the person it is bound to (None before the real-name binding) and the union of
    their current membership (``org``, None when they have none). ``pk`` is None: no user id is
    ever recorded for it."""

    phone_index: str = ""
    ref: int | None = None
    person_id: int | None = None
    org: Any = None  # orgs.Organization

    pk = None
    is_superuser = False
    # No staff session: whatever checks for one (the staff pages, the audit log, the tokens)
    # refuses it; scoped querysets give it its own rows only (core.querysets).
    is_authenticated = False
    is_active = True
    sees_whole_tree = False
    role = "self"
    clerk_label = SELF_CLERK
    display_name = SELF_CLERK

    @property
    def scope_org(self):
        return self.org

    @property
    def scope_org_id(self) -> int | None:
        return self.org.pk if self.org is not None else None

    @property
    def scope_path(self) -> str:
        return self.org.path if self.org is not None else ""

    @property
    def audit_name(self) -> str:
        return f"worker:p{self.person_id}" if self.person_id else f"worker:t{self.ref}"

    def get_username(self) -> str:
        return self.audit_name

    def can(self, action: str) -> bool:
        """What a worker may do to their own rows (the services check that they are)."""
        return action in ("view", "change")


def is_self(actor) -> bool:
    """Whether ``actor`` is a worker acting for themself (not a staff account)."""
    return isinstance(actor, SelfActor)
