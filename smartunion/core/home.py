"""首页 as a registry: each app contributes its sections and its 待办 cards.

The home page belongs to the apps whose data it shows, not to core (STYLE.md, "Dependencies
point down"): an app registers, in its ``AppConfig.ready``, a section (a template and a
function giving its context for a user) and/or a function giving its 待办 figures. Core
renders whatever is registered, in the declared order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


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
    """The URL of a route, or "" while the route does not exist yet (the figure stays plain)."""
    try:
        url = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


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
