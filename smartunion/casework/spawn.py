"""One case opened from another (转办成案): a service request that is really a legal-aid case or
a hardship application opens one with what it already holds — the worker's name, ID number,
phone, union, what they asked — and the two are linked both ways (SERVICES.md §4), so nobody
types the worker's details twice.

Casework knows no domain: a *source* case type registers here (from its AppConfig.ready)

- ``prefill(source, target, user)``: what the source knows of the worker, for the target's form to
  start with (``org_id``, ``person_id``, ``name``, ``id_number``, ``phone``, ``employer``,
  ``reason``; personal numbers masked: the page never holds them in full), or a
  ValidationError or PermissionDenied when the source may not spawn that target (it has
  spawned one already; the user may not act on it);
- ``unmask(source, field, value)``: the full number a masked pre-filled value stands for;
- ``link(source, case, actor)``: records the link on the source — a transition of the source
  case, so it is checked (role, scope), locked, on its timeline and in the audit log like any
  other, and refused when the source has spawned such a case already.

A target's page names its source in the URL (``?from=request-12``) and reads it through
``spawn_from`` (within the user's scope: 404 otherwise); its service creates the case, then
calls ``link`` in the same transaction, so a refused link saves nothing. ``link`` also writes
"由…转来" on the new case's timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smartunion.core.errors import NotInScope
from smartunion.core.scope import get_for_user


@dataclass(frozen=True)
class Source:
    """A case type other cases can be opened from."""

    key: str  # in URLs: ?from=<key>-<id>
    model: type
    what: str  # 诉求工单
    prefill: Callable[[Any, str, Any], dict[str, Any]]
    link: Callable[[Any, Any, Any], None]
    unmask: Callable[[Any, str, str], str | None]


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.key] = source


@dataclass
class Spawn:
    """The source case a new case is being opened from."""

    source: Source
    case: Any

    @property
    def param(self) -> str:
        return f"{self.source.key}-{self.case.pk}"

    def prefill(self, target: str, user) -> dict[str, Any]:
        return self.source.prefill(self.case, target, user)

    def unmask(self, field: str, value: str) -> str:
        """``value`` as typed, or the full number when it is still the masked one pre-filled."""
        full = self.source.unmask(self.case, field, value) if "*" in (value or "") else None
        return full if full is not None else value


def spawn_from(value: str | None, user, *, action: str = "change") -> Spawn | None:
    """The source named by a ``from`` parameter ("request-12"); None when none is named.
    A forged or unknown one, or one outside the user's scope, is NotInScope (404)."""
    if not value:
        return None
    key, _, pk = str(value).partition("-")
    source = _SOURCES.get(key)
    if source is None or not pk.isdigit():
        raise NotInScope("来源")
    case = get_for_user(source.model.objects.all(), user, int(pk), action=action, what=source.what)
    return Spawn(source, case)


def link(spawn: Spawn, case, *, actor) -> None:
    """Link a case just opened to its source (both timelines); call inside the transaction
    that created it."""
    spawn.source.link(spawn.case, case, actor)
    mark_origin(case, spawn.case, spawn.source.what, actor=actor)


def mark_origin(case, source_case, what: str, *, actor) -> None:
    """ "由…转来" on the new case's timeline, naming the source case's number."""
    from smartunion.casework import services

    services.record_event(
        case,
        "from_source",
        f"由{what}转来",
        actor=actor,
        note=source_case.number,
        details={"source": source_case.number},
    )
