"""我的办事: what a bound worker has applied for, one registry for every kind (decision 0027).

A ``Source`` says how to find a person's items of one kind and how to read one. Every case
model casework knows that names an ``applicant_field`` is a source without any code of its own
(``case_sources``); anything else a worker applies for that is not a casework case (网上入会,
issue 14's join application) registers a ``Source`` from its ``AppConfig.ready``::

    mine.register(mine.Source(key="join", label="网上入会", items=…, get=…, timeline=…))

The worker reaches only their own items: ``get`` filters by the person, so another worker's
id answers 404, never "not yours".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from smartunion.casework.workflow import case_models
from smartunion.core.actors import SELF_CLERK


@dataclass(frozen=True)
class Item:
    """One of the worker's applications as the list shows it."""

    source: str
    pk: int
    number: str
    kind: str
    state: str
    state_label: str
    next_step: str
    due_on: dt.date | None
    opened_on: dt.date | None
    closed: bool
    #: The worker is waited on (补正, a rating): the list marks it.
    yours: bool = False


@dataclass(frozen=True)
class Entry:
    """A step of the timeline the applicant sees (never staff names or internal notes)."""

    at: dt.datetime
    label: str
    state_label: str
    org_name: str
    note: str


@dataclass
class Source:
    key: str
    label: str
    #: (person id) → the person's items, newest first.
    items: Callable[[int], list[Item]]
    #: (person id, pk) → the object (Http404 when it is not the person's).
    get: Callable[[int, Any], Any]
    #: (object) → the applicant's timeline, oldest first.
    timeline: Callable[[Any], list[Entry]]
    #: (object) → its Item.
    item: Callable[[Any], Item] | None = None
    #: (person id, seen at) → the person's notices (``portal.notices.Notice``), newest first.
    notices: Callable[[int, Any], list] | None = None
    extra: dict = field(default_factory=dict)


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.key] = source


def sources() -> list[Source]:
    for model in case_models():
        if model.applicant_field:
            key = model.case_type.key.split(".")[-1]
            if key not in _SOURCES:
                register(case_source(model))
    return list(_SOURCES.values())


def source(key: str) -> Source:
    sources()
    try:
        return _SOURCES[key]
    except KeyError:
        raise Http404("记录不存在。") from None


def items_of(person_id: int) -> list[Item]:
    """Every item of the person, newest first (a worker has a handful)."""
    rows = [item for s in sources() for item in s.items(person_id)]
    return sorted(rows, key=lambda i: (i.opened_on or dt.date.min, i.pk), reverse=True)


def get(person_id: int, key: str, pk) -> tuple[Source, Any]:
    found = source(key)
    return found, found.get(person_id, pk)


# ---- casework cases as sources ----------------------------------------------------------------


def next_step(case) -> tuple[str, bool]:
    """What happens next, and whether the applicant is the one waited on."""
    case_type = case.case_type
    state = case_type.state(case.state)
    if state.final:
        return "已办结", False
    mine = case_type.for_applicant(case)
    if mine:
        if any(t.form is not None for t in mine):
            return "请您评价办理结果", True
        return "请您补正材料", True
    if case.responsible_org_id:
        return f"由{case.responsible_org.name}办理", False
    return state.label, False


def case_item(case) -> Item:
    step, yours = next_step(case)
    return Item(
        source=case.case_type.key.split(".")[-1],
        pk=case.pk,
        number=case.number,
        kind=case.case_type.label,
        state=case.state,
        state_label=case.state_label,
        next_step=step,
        due_on=None if yours else case.due_on,
        opened_on=case.opened_on,
        closed=case.case_type.state(case.state).final,
        yours=yours,
    )


#: The first step as the applicant reads it: their own application, or taken by the union.
OPENED = {True: "提交申请", False: "工会受理"}

#: Timeline actions whose note is written for the applicant (a result, an answer).
ANSWERS = frozenset({"report", "answer"})


def applicant_note(case_type, event) -> bool:
    """A note the applicant reads: their own, what they are asked for, a decision or a
    result; a staff member's working note between reviews is not theirs to read."""
    if event.actor_name == SELF_CLERK:
        return True
    if event.action in ANSWERS or case_type.state(event.to_state).final:
        return True
    return any(t.applicant and event.to_state in t.source for t in case_type.transitions)


def case_timeline(case) -> list:
    from django.contrib.contenttypes.models import ContentType

    from smartunion.casework.models import CaseEvent

    case_type = case.case_type
    events = CaseEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(case)), object_id=case.pk
    ).order_by("at", "id")
    return [
        Entry(
            at=e.at,
            label=OPENED.get(e.actor_name == SELF_CLERK) if e.action == "open" else e.label,
            state_label=case_type.state(e.to_state).label if e.to_state else "",
            org_name=e.actor_org_name,
            note=e.note if applicant_note(case_type, e) else "",
        )
        for e in events
    ]


def case_source(model) -> Source:
    from smartunion.portal import notices

    case_type = model.case_type

    def items(person_id):
        rows = model.of_applicant(person_id).select_related("org", "responsible_org")
        return [case_item(c) for c in rows.order_by("-id")[:50]]

    def get_case(person_id, pk):
        try:
            return (
                model.of_applicant(person_id)
                .select_related("org", "responsible_org")
                .get(pk=int(pk))
            )
        except (model.DoesNotExist, ValueError, TypeError):
            raise Http404("记录不存在。") from None

    return Source(
        key=case_type.key.split(".")[-1],
        label=case_type.label,
        items=items,
        get=get_case,
        timeline=case_timeline,
        item=case_item,
        notices=lambda person_id, seen_at: notices.case_notices(model, person_id, seen_at),
        extra={"model": model},
    )
