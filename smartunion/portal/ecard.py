"""电子会员证: a short-lived signed token, shown as a QR code, that any phone checks at /verify/.

Token: ``<key id>.<base64url payload>.<base64url signature>``; the payload is JSON with the
membership's row id, the masked name, the union's name, the status and the expiry (epoch
seconds); the signature is HMAC-SHA256 (first 16 bytes) of ``<key id>.<payload>`` under the
key of that id in ``SMARTUNION_ECARD_KEYS`` — the first key signs, every listed key verifies,
so keys rotate like the others (decision 0022). No ID number or phone is in it.

Checking answers 有效 / 已过期 / 无效: an edited or foreign-signed token is 无效, an old one (a
screenshot) 已过期, and a membership that is no longer current (left, transferred, expelled) is
无效 with its status, as the registry says now.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from smartunion.casework.notices import mask_name
from smartunion.core.crypto import parse_keys
from smartunion.members.models import Membership, MembershipStatus

VALID_FOR = timedelta(minutes=5)
#: The phone page fetches a new code this long before the old one expires.
REFRESH_BEFORE = timedelta(minutes=1)
SIGNATURE_BYTES = 16

VALID, EXPIRED, INVALID = "有效", "已过期", "无效"


@cache
def _keys(spec: str) -> tuple[str, dict[str, bytes]]:
    return parse_keys(spec, name="SMARTUNION_ECARD_KEYS")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, signed: str) -> str:
    return _b64(hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest()[:SIGNATURE_BYTES])


@dataclass(frozen=True)
class Card:
    token: str
    expires_at: datetime


def issue(membership: Membership, now: datetime | None = None) -> Card:
    """A token for ``membership`` (its person and union loaded), valid ``VALID_FOR``."""
    now = now or timezone.now()
    expires = (now + VALID_FOR).replace(microsecond=0)
    payload = {
        "m": membership.pk,
        "n": mask_name(membership.person.name),
        "u": membership.org.name,
        "s": membership.status,
        "e": int(expires.timestamp()),
    }
    body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    kid, keys = _keys(settings.SMARTUNION_ECARD_KEYS)
    signed = f"{kid}.{body}"
    return Card(f"{signed}.{_signature(keys[kid], signed)}", expires)


def verify_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("verify_token", kwargs={"token": token}))


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (segno: nothing is fetched)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title="电子会员证二维码")


@dataclass(frozen=True)
class Check:
    result: str  # 有效 / 已过期 / 无效
    status: str = ""  # the membership's status as the registry says now (label)
    union: str = ""
    name_masked: str = ""
    expires_at: datetime | None = None

    @property
    def valid(self) -> bool:
        return self.result == VALID


def _payload(token: str) -> dict | None:
    """The signed payload of ``token``, or ``None`` if it is malformed or not ours."""
    parts = (token or "").split(".")
    if len(parts) != 3 or len(token) > 600:
        return None
    kid, body, signature = parts
    key = _keys(settings.SMARTUNION_ECARD_KEYS)[1].get(kid)
    if key is None or not hmac.compare_digest(_signature(key, f"{kid}.{body}"), signature):
        return None
    try:
        payload = json.loads(_unb64(body).decode("utf-8"))
        int(payload["m"]), int(payload["e"]), str(payload["n"]), str(payload["u"])
    except (binascii.Error, ValueError, UnicodeDecodeError, KeyError, TypeError):
        return None
    return payload


def check(token: str, now: datetime | None = None) -> Check:
    now = now or timezone.now()
    payload = _payload(token)
    if payload is None:
        return Check(INVALID)
    expires = datetime.fromtimestamp(int(payload["e"]), tz=timezone.get_current_timezone())
    shown = {"union": payload["u"], "name_masked": payload["n"], "expires_at": expires}
    if expires <= now:
        return Check(EXPIRED, **shown)
    status = (
        Membership.objects.filter(pk=int(payload["m"])).values_list("status", flat=True).first()
    )
    label = MembershipStatus(status).label if status else ""
    if status not in (MembershipStatus.ACTIVE, MembershipStatus.RETAINED):
        return Check(INVALID, status=label, **shown)
    return Check(VALID, status=label, **shown)
