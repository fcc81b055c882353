"""Legal aid on the home page: hearings and arbitration dates in the next seven days."""

from __future__ import annotations

from django.utils import timezone

from smartunion.core.home import Figure, todo, url_for
from smartunion.legalaid.models import LegalAidCase


def todo_figures(user) -> list[Figure]:
    if not user.can("view"):
        return []
    count = LegalAidCase.objects.visible_to(user).hearings_within(timezone.localdate()).count()
    if not count:
        return []
    return [
        todo(
            "7日内开庭/仲裁的法律援助案件",
            count,
            url_for("legalaid:cases", {"list": "hearings"}),
            note="请提醒承办人做好准备",
        )
    ]


def register() -> None:
    from smartunion.core import home

    home.register_todo("legalaid", todo_figures, order=45)
