"""首页 as a registry: each app contributes its sections and its 待办 cards.

The home page belongs to the apps whose data it shows, not to core (STYLE.md, "Dependencies
point down"): an app registers, in its ``AppConfig.ready``, a section (a template and a
function giving its context for a user) and/or a function giving its 待办 figures. Core
renders whatever is registered, in the declared order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@dataclass
class Figure:
    """One number on a page (the home page, a union's page), with the list it comes from."""

    label: str
    value: int | str
    url: str = ""
    note: str = ""
    tone: str = ""  # "warn" draws attention (overdue elections, pending work)

    @property
    def display(self) -> str:
        return f"{self.value:,}" if isinstance(self.value, int) else str(self.value)


def todo(label: str, count: int, url: str = "", note: str = "") -> Figure:
    """A 待办 card: pending work, drawn attention to when there is any."""
    return Figure(label, count, url, note=note, tone="warn" if count else "")


def url_for(name: str, query: dict | None = None, **kwargs) -> str:
    """The URL of a route, or "" while the route does not exist yet (the figure stays plain).

    The route's path is reversed once per URLconf and prefix: a figures page links each of a
    city's ~450 sub-units for each of its figures, and reversing cost ~40 µs a link there.
    """
    url = _reversed(get_urlconf(), get_script_prefix(), name, tuple(sorted(kwargs.items())))
    if not url:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


@lru_cache(maxsize=4096)
def _reversed(urlconf, prefix: str, name: str, kwargs: tuple) -> str:
    try:
        return reverse(name, urlconf=urlconf, kwargs=dict(kwargs) or None)
    except NoReverseMatch:
        return ""


#: An id no table reaches: reversed in its place, then cut out (id_url).
_MARK = 987_654_321_012_345


def id_url(name: str, pk) -> str:
    """The URL of a route whose one argument is an id (``members:detail``), for the rows of a
    list: the route is reversed once per URLconf and prefix with a marker id, and each row's
    id put in its place. A union's page links its 50 members and 20 sub-unions, and reversing
    cost ~40 µs a link there (bench/load.py, 2 cores). "" for no id, as ``{% url … as %}``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return ""
    before, after = _id_route(get_urlconf(), get_script_prefix(), name)
    return f"{before}{pk}{after}"


@lru_cache(maxsize=256)
def _id_route(urlconf, prefix: str, name: str) -> tuple[str, str]:
    before, _, after = reverse(name, urlconf=urlconf, args=[_MARK]).partition(str(_MARK))
    return before, after


@receiver(setting_changed)
def _forget_reversed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":  # as Django's own URL caches (tests override it)
        _reversed.cache_clear()
        _id_route.cache_clear()


@dataclass(frozen=True)
class Section:
    """A block of the home page: ``template`` rendered with ``context(user)``."""

    name: str
    template: str
    context: Callable[..., dict]
    order: int = 50


_SECTIONS: dict[str, Section] = {}
_TODOS: dict[str, tuple[int, Callable[..., list[Figure]]]] = {}


def register_section(section: Section) -> None:
    _SECTIONS[section.name] = section


def register_todo(name: str, figures: Callable[..., list[Figure]], order: int = 50) -> None:
    """``figures(user)`` gives the app's 待办 cards for that user's scope."""
    _TODOS[name] = (order, figures)


def todo_figures(user) -> list[Figure]:
    out: list[Figure] = []
    for _, figures in sorted(_TODOS.values(), key=lambda t: t[0]):
        out += figures(user)
    return out


#: Where the 待办 cards stand among the sections: sections ordered below it come first.
TODO_ORDER = 20


def sections(user) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """(template, context) of every registered section, in order: those above the 待办 cards,
    and those below them."""
    ordered = sorted(_SECTIONS.values(), key=lambda s: s.order)
    above = [(s.template, s.context(user)) for s in ordered if s.order < TODO_ORDER]
    below = [(s.template, s.context(user)) for s in ordered if s.order >= TODO_ORDER]
    return above, below
