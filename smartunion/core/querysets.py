"""Scoped querysets: every query a user can reach goes through ``visible_to``.

A staff account sees the subtree of its scope organization (ARCHITECTURE.md invariant 1).
Each scoped model names, in ``scope_path_lookup``, the lookup that leads from a row to the
materialized path of the organization it belongs to; the subtree is then one indexed prefix
filter. Anonymous and inactive users see nothing; superusers and the staff of the only root
(the province federation) see everything, without the filter. A worker acting for themself on
the portal (``core.actors.SelfActor``) holds no scope: they see only the rows that are their own
(``ScopedModel.own_q``: their person, their union, the cases they applied for), whatever union
those are in.
"""

from __future__ import annotations

from django.db import models

from smartunion.core.actors import is_self

#: A condition no row meets.
NOTHING = models.Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view") -> ScopedQuerySet:
        if is_self(user):
            return self.filter(self.model.own_q(user)) if user.can(action) else self.none()
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.can(action):
            return self.none()
        if getattr(user, "sees_whole_tree", user.is_superuser):
            # The staff of the only root see every row: no prefix filter, so no join with the
            # 49,000 unions on each count of a province admin's pages (accounts.User).
            return self.all()
        path = user.scope_path
        if not path:
            return self.none()
        return self.filter(self.model.scope_q(path))


class ScopedModel(models.Model):
    """Abstract base of everything that belongs to one organization's subtree."""

    scope_path_lookup: str = "org__path"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, path: str) -> models.Q:
        return models.Q(**{f"{cls.scope_path_lookup}__startswith": path})

    @classmethod
    def own_q(cls, actor) -> models.Q:
        """The rows that are a worker's own (``core.actors.SelfActor``): none, unless the model
        says which (a person, a union, a case by its applicant)."""
        return NOTHING

    @property
    def audit_org_path(self) -> str:
        """The path of the union the audit log files a write of this row under (core.audit):
        the one ``scope_path_lookup`` leads to, so who may read the entry is who may see the
        row ("" when the row has no union yet)."""
        value = self
        for name in self.scope_path_lookup.split("__"):
            value = getattr(value, name, None)
            if value is None:
                return ""
        return value

    def is_visible_to(self, user, action: str = "view") -> bool:
        return type(self).objects.visible_to(user, action).filter(pk=self.pk).exists()
