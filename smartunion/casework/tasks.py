"""Background steps of casework, run by the task worker (``manage.py db_worker``)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

#: The hour of the morning a reminder is written (local time).
REMIND_HOUR = 8


@task()
def remind_case(case_kind: str, case_id: int, due_on: str) -> None:
    """Queued for the morning a step falls due and the morning after: writes the reminder if
    the case still waits on that deadline (a case that moved on is left alone)."""
    from smartunion.casework import reminders

    reminders.remind_if_due(case_kind, case_id, dt.date.fromisoformat(due_on))


@task()
def sweep_reminders() -> None:
    from smartunion.casework import reminders

    reminders.sweep()


def _morning(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(REMIND_HOUR)))


def schedule_reminders(case_kind: str, case_id: int, due_on: dt.date) -> None:
    """Queue the reminders of one deadline: on its day, and the day after (overdue)."""
    for day in (due_on, due_on + dt.timedelta(days=1)):
        remind_case.using(run_after=_morning(day)).enqueue(case_kind, case_id, due_on.isoformat())
