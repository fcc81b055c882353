"""Template tags of the organization pages."""

from __future__ import annotations

from django import template

from smartunion.orgs.models import SEGMENT, Organization

register = template.Library()


def _sees(user, path: str) -> bool:
    return bool(user.is_superuser or (user.scope_path and path.startswith(user.scope_path)))


@register.inclusion_tag("orgs/_org_ref.html", takes_context=True)
def org_ref(context, org: Organization | None) -> dict:
    """A union named with its parent, each a link to its page when the user may open it:
    ``兰州第一机械厂工会（上级：城关区总工会）``. Names repeat across the province; the parent
    tells them apart. Lists load ``org__parent`` with the union (no query per row)."""
    if org is None:
        return {"org": None}
    user = context["request"].user
    parent = org.parent if org.parent_id else None
    return {
        "org": org,
        "org_link": _sees(user, org.path),
        "parent": parent,
        "parent_link": parent is not None and _sees(user, org.path[:-SEGMENT]),
    }
