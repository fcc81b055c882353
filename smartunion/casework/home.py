"""Casework's 待办 cards on the home page: for every registered case type, the cases waiting on
the user's union (or one below it) and those past their deadline."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from smartunion.casework.models import Reminder
from smartunion.casework.workflow import case_models
from smartunion.core.home import Figure, todo, url_for


def _waiting(model, user):
    rows = model.objects.visible_to(user).filter(due_on__isnull=False)
    if not user.sees_whole_tree:
        rows = rows.filter(responsible_org__path__startswith=user.scope_path)
    return rows


def todo_figures(user) -> list[Figure]:
    if not user.can("view"):
        return []
    today = timezone.localdate()
    out = []
    for model in case_models():
        case_type = model.case_type
        # One query per case type: the waiting and the overdue together.
        counts = _waiting(model, user).aggregate(
            count=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today, clock_stopped_on=None)),
        )
        count, overdue = counts["count"], counts["overdue"]
        if not count:
            continue
        name = case_type.list_url_name
        out.append(todo(f"待办理的{case_type.label}", count, url_for(name, {"waiting": "1"})))
        if overdue:
            out.append(
                todo(
                    f"逾期未办的{case_type.label}",
                    overdue,
                    url_for(name, {"overdue": "1"}),
                    note="已超过办理期限（工作日）",
                )
            )
    reminders = Reminder.objects.visible_to(user).count()
    if reminders:
        out.append(todo("催办提醒", reminders, url_for("casework:reminders")))
    return out


def register() -> None:
    from smartunion.core import home

    home.register_todo("casework", todo_figures, order=30)
