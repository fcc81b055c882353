"""Fetching one object for a user: 404 outside scope, never revealing that it exists."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from smartunion.core.errors import NotInScope

M = TypeVar("M", bound=Model)


def get_for_user(queryset: QuerySet[M], user, pk, *, action: str = "view", what: str = "记录") -> M:
    try:
        return queryset.visible_to(user, action).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotInScope(what) from None


def lock_for_user(
    queryset: QuerySet[M], user, pk, *, action: str = "change", what: str = "记录"
) -> M:
    """Like get_for_user, with the row locked until the transaction ends."""
    return get_for_user(
        queryset.select_for_update(of=("self",)), user, pk, action=action, what=what
    )
