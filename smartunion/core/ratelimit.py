"""Rate limits per client address, counted in the database (docs/decisions/0007-rate-limits-counted-in-the-database.md).

An operation anyone may call (the public 附近驿站 API) gets ``throttle=AddressRate(setting)``
in its route; django-ninja then answers 429 with ``Retry-After`` once an address has used up
its requests of the current time slot, and the OpenAPI document lists the 429 answer
(core.api.error_statuses). The rate is a setting such as ``"120/m"`` (requests per second,
minute, hour or day); an empty rate turns the limit off.

Counting happens in the ``RateCounter`` table by one atomic statement per request
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``, the same SQL on SQLite ≥ 3.35 and PostgreSQL),
so any number of gunicorn workers share one count without Redis or a shared cache, which
government intranets may not have.

The client address is ``REMOTE_ADDR``, or — behind ``SMARTUNION_TRUSTED_PROXIES`` proxies
that each append to ``X-Forwarded-For`` (nginx: ``proxy_add_x_forwarded_for``) — the address the
first trusted proxy saw. IPv6 addresses count by their /64 network, which one device can
otherwise cycle through.
"""

from __future__ import annotations

import ipaddress
import random
import threading
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from ninja.throttling import BaseThrottle

from smartunion.core.models import RateCounter
from smartunion.core.net import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Past slots are deleted by about one request in this many that opens a new slot.
PURGE_ONE_IN = 50


def parse_rate(rate: str) -> tuple[int, int] | None:
    """ "120/m" → (120, 60); "" → None (no limit)."""
    rate = (rate or "").strip()
    if not rate:
        return None
    count, _, period = rate.partition("/")
    try:
        return int(count), PERIODS[period.strip()[:1]]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(
            f"rate {rate!r}: use N/s, N/m, N/h or N/d (e.g. 120/m), or nothing for no limit"
        ) from None


def client_address(request) -> str:
    """The address a rate limit counts by (see the module doc): the client's address as the
    login lockout sees it (``core.net.client_ip``), an IPv6 one by its /64 network."""
    address = client_ip(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:45]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hit(key: str, period: int, now: float | None = None) -> tuple[int, int]:
    """Count one request for ``key`` in the current slot: (requests so far, seconds left)."""
    now = time.time() if now is None else now
    slot = int(now // period)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key_col, slot_col, count_col = (connection.ops.quote_name(c) for c in ("key", "slot", "count"))
    values = "VALUES (%s, %s, 1)"
    if connection.vendor == "postgresql":
        # A count lost in a crash costs nothing; waiting for the WAL flush on every public
        # request would cost a disk flush each: this statement's transaction commits without.
        values = "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {slot_col}, {count_col}) {values} "
            f"ON CONFLICT ({key_col}, {slot_col}) "
            f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}",
            [key[:100], slot],
        )
        (count,) = cursor.fetchone()
    if count == 1 and random.randrange(PURGE_ONE_IN) == 0:  # noqa: S311 - not security
        RateCounter.objects.filter(slot__lt=slot - 1).delete()
    return count, max(1, int((slot + 1) * period - now + 0.999))


def used(key: str, period: int, now: float | None = None) -> tuple[int, int]:
    """What ``hit`` has counted for ``key`` in the current slot, without counting: (requests
    so far, seconds left). For limits that count only some requests (a lookup's misses)."""
    now = time.time() if now is None else now
    slot = int(now // period)
    count = (
        RateCounter.objects.filter(key=key[:100], slot=slot).values_list("count", flat=True).first()
    )
    return count or 0, max(1, int((slot + 1) * period - now + 0.999))


class AddressRate(BaseThrottle):
    """A django-ninja throttle: at most the rate of ``setting`` per client address."""

    def __init__(self, scope: str, setting: str):
        self.scope = scope
        self.setting = setting
        self._local = threading.local()

    def allow_request(self, request) -> bool:
        rate = parse_rate(getattr(settings, self.setting, ""))
        if rate is None:
            return True
        limit, period = rate
        count, left = hit(f"{self.scope}:{client_address(request)}", period)
        self._local.wait = left
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
