"""催办: reminders for steps that fall due today or are overdue.

Written by the task queued for each deadline (casework.tasks), and by ``manage.py
send_reminders`` (a sweep over every waiting case, for a daily cron or after the worker was
down). Each reminder is written once per case, kind and deadline; it is shown to the staff of
the responsible union and those above it until the case moves on.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from smartunion.casework.models import Reminder
from smartunion.casework.workflow import case_model, case_models


def _kind(due_on: dt.date, today: dt.date) -> str:
    return "overdue" if due_on < today else "due"


def _write(case, today: dt.date) -> bool:
    kind = _kind(case.due_on, today)
    what = case.case_type.label
    state = case.state_label
    if kind == "due":
        text = f"{what} {case.number}（{state}）今天到期。"
    else:
        text = f"{what} {case.number}（{state}）已超过办理期限 {case.due_on:%Y-%m-%d}。"
    try:
        with transaction.atomic():
            Reminder.objects.create(
                subject=case,
                org=case.responsible_org or case.org,
                kind=kind,
                text=text,
                due_on=case.due_on,
            )
    except IntegrityError:
        return False  # already reminded of this deadline
    return True


def remind_if_due(case_kind: str, case_id: int, due_on: dt.date, today=None) -> bool:
    today = today or timezone.localdate()
    model = case_model(case_kind)
    case = model.objects.select_related("org", "responsible_org").filter(pk=case_id).first()
    if case is None or case.due_on != due_on or case.clock_stopped_on or case.due_on > today:
        return False
    return _write(case, today)


def sweep(today=None) -> int:
    """Reminders for every case due today or overdue; returns how many were written."""
    today = today or timezone.localdate()
    written = 0
    for model in case_models():
        due = model.objects.filter(due_on__lte=today, clock_stopped_on=None).select_related(
            "org", "responsible_org"
        )
        for case in due.iterator():
            written += _write(case, today)
    return written


def clear(case) -> None:
    """The case moved on: its reminders are done."""
    from django.contrib.contenttypes.models import ContentType

    Reminder.objects.filter(
        content_type=ContentType.objects.get_for_model(type(case)), object_id=case.pk
    ).delete()
