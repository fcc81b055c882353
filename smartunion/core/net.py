"""The client's network address, as the login lockout and the logs see it."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """The address of the client: ``REMOTE_ADDR``, or behind ``SMARTUNION_TRUSTED_PROXIES``
    reverse proxies, the address the outermost of them saw.

    Each proxy appends the address it received the request from to ``X-Forwarded-For``, so
    the trustworthy entry is the N-th from the right; everything left of it was written by the
    client and may be forged. Without a trusted proxy the header is ignored: otherwise anyone
    could give each login attempt a new address and never be locked out.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.SMARTUNION_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
