"""Who hears of the registry's decisions on a person's own request (issue 14).

``approve_application`` / ``reject_application`` (入会申请) and ``accept_transfer`` /
``decline_transfer`` (转会) call ``decided`` inside their transaction; every observer runs after
the commit, with the kind and the row's id. ``members`` knows no observer: the workers' portal
registers its notice (an SMS) from its ``AppConfig.ready``, so the registry never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db import transaction

APPLICATION, TRANSFER = "application", "transfer"

_OBSERVERS: list[Callable[[str, int], None]] = []


def observe(observer: Callable[[str, int], None]) -> None:
    """Call ``observer(kind, pk)`` after the commit of each decision."""
    if observer not in _OBSERVERS:
        _OBSERVERS.append(observer)


def decided(kind: str, pk: int) -> None:
    for observer in _OBSERVERS:
        transaction.on_commit(partial(observer, kind, pk))
