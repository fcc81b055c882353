"""Small template filters for the staff pages."""

from __future__ import annotations

import datetime as dt

from django import template

from smartunion.core.home import id_url, url_for

register = template.Library()


@register.filter
def minutes(value) -> int:
    """A timedelta in whole minutes (rounded up)."""
    if not isinstance(value, dt.timedelta):
        return 0
    seconds = int(value.total_seconds())
    return -(-seconds // 60)


@register.filter
def percent(value) -> str:
    """0.873 → "87.3%"; None (unknown) → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def yuan(value) -> str:
    """A sum of money (Decimal, 元) as pages write it: 1390000 → "1,390,000.00"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{value:,.2f}"


@register.filter
def url_of(pk, name: str) -> str:
    """``{{ m.person_id|url_of:"members:detail" }}``: ``{% url "members:detail" m.person_id %}``
    for list rows, the route reversed once (core.home.id_url)."""
    return id_url(name, pk)


@register.simple_tag
def route(name: str) -> str:
    """``{% route "orgs:tree" %}``: the URL of a route without arguments, reversed once per
    URLconf (core.home.url_for) rather than on every page as ``{% url %}`` (the navigation
    bar's 16 links: ~0.2 ms of each page's CPU); "" while the route does not exist, as
    ``{% url … as %}``."""
    return url_for(name)
