"""Observers of case writes: apps that keep something derived from the cases (the statistics'
summaries, decision 0025) register here from their ``AppConfig.ready`` and are called inside
the transaction of every ``open_case`` and ``transition``, so what they keep can never drift
from the cases. Casework knows no domain and no observer (dependencies point down).

An observer has three callables, all given the case model and the ids written:
``before(model, ids)`` returns whatever it needs to remember of the records before a write,
``after(remembered, model, ids)`` sees them after it, ``added(model, ids)`` sees new records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Observer:
    key: str
    before: Callable[[type, list[int]], Any]
    after: Callable[[Any, type, list[int]], None]
    added: Callable[[type, list[int]], None]


_observers: dict[str, Observer] = {}


def register(observer: Observer) -> None:
    """Add (or replace, by key) an observer."""
    _observers[observer.key] = observer


def added(model, ids: Iterable[int]) -> None:
    ids = list(ids)
    for observer in _observers.values():
        observer.added(model, ids)


def before(model, ids: Iterable[int]) -> dict[str, Any]:
    ids = list(ids)
    return {key: observer.before(model, ids) for key, observer in _observers.items()}


def after(remembered: dict[str, Any], model, ids: Iterable[int]) -> None:
    ids = list(ids)
    for key, observer in _observers.items():
        observer.after(remembered.get(key), model, ids)
