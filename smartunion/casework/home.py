"""Casework's 待办 cards on the home page: for every registered case type, the cases waiting on
the user's union (or one below it) and those past their deadline."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from smartunion.casework.models import Reminder, overdue, waiting_on
from smartunion.casework.workflow import case_models
from smartunion.core.home import Figure, todo, url_for


def _waiting(model, user):
    """The cases with a deadline that wait on the user's union or one below it, visible to them.

    The waiting cases are picked first (a partial index of ``due_on``: a few hundred rows) and
    the visibility is checked on those (``pk IN``): as one join, PostgreSQL's plan for an
    empty or near-empty set walked every union of the province through the visibility's OR of
    paths (contest entries: 125–220 ms at 49,000 unions, 0.3 ms this way; bench/load.py).
    """
    # ``due_on`` again on the outer rows (the same rows): it lets the planner reach them through
    # the waiting cases' index too. Without it, once the ids came from that index alone,
    # PostgreSQL priced a hash join with a scan of every service request at the province
    # (84,777 rows, 27 ms) below 1,850 lookups by id (bench/load.py's province admin).
    return model.objects.visible_to(user).filter(
        due_on__isnull=False, pk__in=waiting_ids(model, user)
    )


def waiting_ids(model, user):
    """The ids of ``model``'s cases waiting on the user's union or one below it (``waiting_on``),
    from the waiting cases' index alone (``casework.models.waiting_index``)."""
    return waiting_on(model.objects.all(), user).values("pk").order_by()


def todo_figures(user) -> list[Figure]:
    if not user.can("view"):
        return []
    today = timezone.localdate()
    out = []
    for model in case_models():
        case_type = model.case_type
        if not case_type.waiting_states():
            continue  # no state gives working days: none of its cases ever has a deadline
        # One query per case type: the waiting and the overdue together.
        counts = _waiting(model, user).aggregate(
            count=Count("id"),
            overdue=Count("id", filter=overdue(today)),
        )
        count, late = counts["count"], counts["overdue"]
        if not count:
            continue
        name = case_type.list_url_name
        out.append(todo(f"待办理的{case_type.label}", count, url_for(name, {"waiting": "1"})))
        if late:
            out.append(
                todo(
                    f"逾期未办的{case_type.label}",
                    late,
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
