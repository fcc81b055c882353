"""Writes of casework: opening a case, moving it (transitions), deadlines, the calendar.

A transition is a service like any other write (ARCHITECTURE.md, "Casework"): in one
transaction it locks the case, checks the state and the actor, runs the transition's handler,
sets whose turn it is and by when, writes the timeline entry and the audit row; reminders and
the case type's own side effects run on commit. Two staff acting on one case at once: the
second finds the case moved and gets a Chinese message saying so.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from smartunion.accounts.models import clerk_label
from smartunion.casework import calendar, observers, reminders
from smartunion.casework.models import (
    CalendarDay,
    CalendarSource,
    CalendarYear,
    CaseEvent,
    DayKind,
    Deadline,
)
from smartunion.casework.workflow import (
    RESPONSIBLE,
    CaseType,
    State,
    Transition,
    case_models,
    is_applicant,
)
from smartunion.core import audit
from smartunion.core.errors import NotInScope

STALE = "该事项刚被他人处理，状态已变化，请刷新页面后查看。"


def today() -> dt.date:
    return timezone.localdate()


def actor_label(actor) -> tuple[str, str]:
    """The name and union the timeline shows for an actor (never the login name alone)."""
    if is_applicant(actor):
        return actor.display_name, ""
    if actor is None or not getattr(actor, "pk", None):
        return "系统", ""
    name = getattr(actor, "display_name", "") or actor.get_username()
    org = actor.scope_org.name if getattr(actor, "scope_org_id", None) else ""
    return name, org


# ---- deadlines --------------------------------------------------------------------------------


def deadline_days(case_type: CaseType, step: str, default: int | None = None) -> int | None:
    """The working days a step may take: the province's setting, else the declaration's."""
    row = Deadline.objects.filter(case_kind=case_type.key, step=step).first()
    if row is not None:
        return row.working_days
    if default is not None:
        return default
    return case_type.state(step).wait


def _enter(case, case_type: CaseType, old: State, new: State, on: dt.date) -> None:
    """Set whose turn it is and by when, on entering ``new`` from ``old``."""
    case.state = new.name
    case.state_since = timezone.now()
    if new.final:
        case.closed_on = on
        _clear_wait(case)
        case.clock_stopped_on, case.clock_state, case.clock_used_days = None, "", 0
        return
    case.closed_on = None
    if new.pauses_clock:
        if old.wait is not None and case.due_on is not None:
            used = calendar.working_days_between(case.wait_started_on, on)
            case.clock_used_days = min(used, case.wait_days or 0)
            case.clock_state = old.name
            case.clock_stopped_on = on
        case.responsible_org = RESPONSIBLE[new.responsible](case.org)
        case.due_on = None
        return
    if new.wait is None:
        _clear_wait(case)
        return
    if case.clock_stopped_on is not None and case.clock_state == new.name:
        days = max((case.wait_days or 0) - case.clock_used_days, 0)
    else:
        days = deadline_days(case_type, *case.deadline_step(new))
    case.clock_stopped_on, case.clock_state, case.clock_used_days = None, "", 0
    due = calendar.add_working_days(on, days)
    case.wait_started_on, case.wait_days = on, days
    case.due_on, case.due_complete = due.due, due.complete
    case.responsible_org = RESPONSIBLE[new.responsible](case.org)


def _clear_wait(case) -> None:
    case.responsible_org = None
    case.due_on = None
    case.due_complete = True
    case.wait_started_on = None
    case.wait_days = None


# ---- opening and moving cases -------------------------------------------------------------------


def open_case(
    case, *, actor, on: dt.date | None = None, note: str = "", state: str | None = None
) -> Any:
    """Save a new case in its initial state (call inside the domain's create transaction,
    with the domain fields set); numbers it and writes the first timeline entry. ``state``:
    a case type with more than one way in (a consultation or an application) names it."""
    case_type: CaseType = case.case_type
    on = on or today()
    initial = case_type.state(state or case_type.initial)
    case.opened_on = case.opened_on or on
    case.created_by_name = clerk_label(actor)
    case.number = f"~{uuid.uuid4().hex[:24]}"
    _enter(case, case_type, State("", ""), initial, on)
    case.save()
    observers.added(type(case), [case.pk])
    case.number = f"{case_type.prefix}{case.opened_on.year}{case.pk:07d}"
    type(case).objects.filter(pk=case.pk).update(number=case.number)
    _event(case, "open", "新建", "", initial.name, actor=actor, note=note)
    audit.record(actor, f"{case_type.key}.open", case, changes={"state": initial.name})
    _after_commit(case, case_type, None)
    return case


def lock_case(model, pk, *, actor, what: str | None = None):
    """The case, locked until the transaction ends, within the actor's scope (404 otherwise)."""
    what = what or model.case_type.label
    # A worker acting for themself reaches only their own cases (ScopedModel.own_q).
    rows = model.objects.visible_to(actor, "change")
    try:
        return rows.select_for_update(of=("self",)).select_related("org").get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotInScope(what) from None


def check_allowed(case, t: Transition, actor) -> None:
    """The transition from the case's state by this actor, or a Chinese refusal."""
    case_type: CaseType = case.case_type
    if case.state not in t.source:
        raise ValidationError(f"当前状态为“{case_type.state(case.state).label}”，不能“{t.label}”。")
    if is_applicant(actor):
        if not t.applicant:
            raise PermissionDenied(f"“{t.label}”须由{t.by.label}办理。")
    elif not t.by.allows(actor, case):
        raise PermissionDenied(f"“{t.label}”须由{t.by.label}办理。")


def clean_data(t: Transition, data: dict | None) -> dict:
    """The transition's extra fields, validated by its form (Chinese messages by field)."""
    if t.form is None:
        return {}
    form = t.form(data or {})
    if not form.is_valid():
        raise ValidationError(
            {field: [str(e) for e in errors] for field, errors in form.errors.items()}
        )
    return form.cleaned_data


def transition(
    case,
    name: str,
    *,
    actor,
    note: str = "",
    data: dict | None = None,
    expected_state: str | None = None,
    on: dt.date | None = None,
) -> Any:
    """Move ``case`` by the transition ``name``; returns the updated case."""
    model = type(case)
    case_type: CaseType = model.case_type
    t = case_type.transition(name)
    note = (note or "").strip()
    with transaction.atomic():
        locked = lock_case(model, case.pk, actor=actor)
        if expected_state and locked.state != expected_state:
            raise ValidationError(STALE)
        check_allowed(locked, t, actor)
        if t.note_required and not note:
            raise ValidationError({"note": f"请填写{t.note_label}。"})
        cleaned = clean_data(t, data)
        from_state = locked.state
        # What the observers keep of the case (the statistics' summaries), in this transaction.
        counted = observers.before(model, [locked.pk])
        target = (t.handler(locked, actor, cleaned, note) if t.handler else None) or t.target
        if target not in t.targets:
            raise RuntimeError(f"{t.name} may not lead to {target}")
        due_before = locked.due_on
        _enter(
            locked, case_type, case_type.state(from_state), case_type.state(target), on or today()
        )
        locked.save()
        observers.after(counted, model, [locked.pk])
        if (locked.state, locked.due_on) != (from_state, due_before):
            reminders.clear(locked)
        details = {k: _jsonable(v) for k, v in cleaned.items() if k not in PRIVATE_FIELDS}
        event = _event(
            locked, t.name, t.label, from_state, target, actor=actor, note=note, details=details
        )
        audit.record(
            actor,
            f"{case_type.key}.{t.name}",
            locked,
            changes={"state": [from_state, target], "note": bool(note), **details},
        )
        _after_commit(locked, case_type, event)
    return locked


#: Fields of a transition's form that never go into the timeline or the audit log.
PRIVATE_FIELDS = frozenset({"id_number", "bank_card", "phone"})


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def _event(case, action, label, from_state, to_state, *, actor, note="", details=None):
    name, org = actor_label(actor)
    return CaseEvent.objects.create(
        subject=case,
        action=action,
        label=label,
        from_state=from_state,
        to_state=to_state,
        note=note,
        details=details or {},
        actor_id=getattr(actor, "pk", None),
        actor_name=name,
        actor_org_name=org,
        due_on=case.due_on,
        at=timezone.now(),
    )


def record_event(case, action: str, label: str, *, actor, note: str = "", details=None):
    """A timeline entry that changes no state (an attachment added, a payment recorded …)."""
    return _event(
        case, action, label, case.state, case.state, actor=actor, note=note, details=details
    )


def _after_commit(case, case_type: CaseType, event) -> None:
    due_on = case.due_on

    def run():
        if due_on is not None:
            from smartunion.casework.tasks import schedule_reminders

            schedule_reminders(case_type.key, case.pk, due_on)
        for hook in case_type.on_commit:
            hook(case, event)

    transaction.on_commit(run)


# ---- the calendar -------------------------------------------------------------------------------


def save_calendar_year(
    year: int,
    *,
    holidays: dict[dt.date, str],
    workdays: dict[dt.date, str],
    actor,
    note: str = "",
) -> CalendarYear:
    """Enter (or correct) one year's holiday arrangement; deadlines that were estimated over
    that year are computed again."""
    if not actor.is_superuser and not (actor.scope_org_id and actor.scope_org.parent_id is None):
        raise PermissionDenied("节假日安排只能由省总工会管理员维护。")
    if not actor.can("change"):
        raise PermissionDenied("您的账号只有查看权限，不能修改。")
    problems = {}
    for label, days in (("holidays", holidays), ("workdays", workdays)):
        wrong = [d for d in days if d.year != year]
        if wrong:
            problems[label] = f"{wrong[0]:%Y-%m-%d} 不在{year}年。"
    both = set(holidays) & set(workdays)
    weekday_workdays = sorted(d for d in workdays if d.weekday() < 5)
    if both:
        problems["workdays"] = f"{min(both):%Y-%m-%d} 不能既放假又上班。"
    elif weekday_workdays:
        problems["workdays"] = f"{weekday_workdays[0]:%Y-%m-%d} 是工作日，不必列为调休上班日。"
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        row, created = CalendarYear.objects.select_for_update().get_or_create(
            year=year, defaults={"source": CalendarSource.MANUAL}
        )
        before = {
            "holidays": CalendarDay.objects.filter(day__year=year, kind=DayKind.HOLIDAY).count(),
            "workdays": CalendarDay.objects.filter(day__year=year, kind=DayKind.WORKDAY).count(),
            "complete": row.complete,
        }
        CalendarDay.objects.filter(day__year=year).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(day=d, kind=DayKind.HOLIDAY, name=n) for d, n in sorted(holidays.items())]
            + [
                CalendarDay(day=d, kind=DayKind.WORKDAY, name=n)
                for d, n in sorted(workdays.items())
            ]
        )
        row.complete = True
        row.source = CalendarSource.MANUAL
        row.note = note[:200]
        row.updated_by_name = clerk_label(actor)
        row.save()
        audit.record(
            actor,
            "calendar.save",
            object_type="casework.calendaryear",
            object_id=str(year),
            changes={
                "before": before,
                "holidays": len(holidays),
                "workdays": len(workdays),
            },
        )
        transaction.on_commit(recompute_due_dates)
    return row


def recompute_due_dates() -> int:
    """Compute again the deadlines that were estimated Monday to Friday (``due_complete``
    off) now that more of the calendar may be known; returns how many changed."""
    changed = 0
    for model in case_models():
        rows = model.objects.filter(due_complete=False, due_on__isnull=False).exclude(
            wait_started_on=None
        )
        for case in rows.iterator():
            due = calendar.add_working_days(case.wait_started_on, case.wait_days or 0)
            if (due.due, due.complete) != (case.due_on, case.due_complete):
                model.objects.filter(pk=case.pk, due_on=case.due_on).update(
                    due_on=due.due, due_complete=due.complete
                )
                changed += 1
    return changed
