"""Hardship assistance on the home page: files not re-checked for a year."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from smartunion.assistance.models import HardshipFile, Rules
from smartunion.core.home import Figure, todo, url_for


def recheck_due_before(today: dt.date | None = None) -> dt.date:
    """Files last re-checked (or filed) before this day are due for their yearly re-check."""
    today = today or timezone.localdate()
    months = Rules.current().recheck_months
    year, month = divmod(today.month - 1 - months, 12)
    day = min(today.day, 28)
    return dt.date(today.year + year, month + 1, day)


def not_rechecked(rows, today=None):
    cutoff = recheck_due_before(today)
    return rows.filter(state="in_file").filter(
        Q(last_recheck_on__lt=cutoff) | Q(last_recheck_on__isnull=True)
    )


def todo_figures(user) -> list[Figure]:
    if not user.can("view"):
        return []
    count = not_rechecked(HardshipFile.objects.visible_to(user)).count()
    if not count:
        return []
    return [
        todo(
            "一年未复核的困难职工档案",
            count,
            url_for("assistance:files", {"list": "not_rechecked"}),
            note="在档超过复核周期未复核",
        )
    ]


def register() -> None:
    from smartunion.core import home

    home.register_todo("assistance", todo_figures, order=40)
