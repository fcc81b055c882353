"""二次验证: TOTP (an authenticator app's six digits) on top of the password.

Who needs it (``required_at_login``): province, city and county admins and superusers, and
grassroots admins when ``SMARTUNION_OTP_GRASSROOTS`` is on. Until such a session has given a
code, it opens only the second-factor pages (accounts/middleware.py). Revealing a full ID
number or phone needs a verified session from anyone (``satisfied``): a grassroots admin who
logs in without a code is asked for one there, the first time ("step-up").

Each account has one authenticator (a confirmed django-otp ``TOTPDevice``) and ten recovery
codes (a ``StaticDevice``; only a keyed hash of each code is stored, each works once). A
higher admin resets both (services.reset_second_factor), and the account enrols again at its
next login. ``SMARTUNION_OTP_REQUIRED=0`` turns all of this off: demos and tests only.
"""

from __future__ import annotations

import base64
import re
import secrets
import time

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartunion.accounts.roles import Role

LOGIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
#: Actions that need a verified session whoever performs them.
STEP_UP_ACTIONS = frozenset({"reveal_pii", "export_pii"})
STEP_UP_MESSAGE = "查看或导出完整个人信息需要先完成动态口令验证（二次验证）。"

RECOVERY_CODES = 10
TOTP_DIGITS = 6
#: Codes of the previous and next 30-second step are accepted too (phone clocks drift).
TOTP_TOLERANCE = 1
_CODE_CHARS = re.compile(r"[\s-]+")


def enforced() -> bool:
    return settings.SMARTUNION_OTP_REQUIRED


def required_at_login(user) -> bool:
    """Whether ``user`` must give a code before its session opens anything."""
    if not enforced() or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role in LOGIN_ROLES:
        return True
    return user.role == Role.GRASSROOTS_ADMIN and settings.SMARTUNION_OTP_GRASSROOTS


def verified(user) -> bool:
    """Whether this request's user gave a second factor: its session did (django-otp's
    middleware), or its API token was issued with one."""
    if getattr(user, "token_second_factor", False):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def satisfied(user, action: str) -> bool:
    """Whether ``user`` may perform ``action`` as far as the second factor goes."""
    return action not in STEP_UP_ACTIONS or not enforced() or verified(user)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Codes --------------------------------------------------------------------------------------


def normalize(code: str) -> str:
    return _CODE_CHARS.sub("", code or "").lower()


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed hash, 64 bits (StaticToken holds 16 chars)."""
    return salted_hmac("smartunion.recovery-code", normalize(code), algorithm="sha256").hexdigest()[
        :16
    ]


def new_recovery_codes() -> list[str]:
    """Ten codes like ``k7pq2-xm4ta`` (50 random bits each)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(7)).decode().lower()[:10]
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def verify_code(user, code: str) -> Device | None:
    """The device that accepts ``code`` (six digits: the authenticator; otherwise a recovery
    code, used up), or None. django-otp throttles each device after a failure (1, 2, 4 … s)."""
    code = normalize(code)
    if not code:
        return None
    if code.isdigit() and len(code) == TOTP_DIGITS:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        return device if device is not None and device.verify_token(code) else None
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device if device is not None and device.verify_token(recovery_digest(code)) else None


def throttled_seconds(user) -> int:
    """How long the account's authenticator refuses codes after failures (0: it accepts)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


# Enrolment ----------------------------------------------------------------------------------


def new_key() -> str:
    """A TOTP secret: 20 random bytes, hex, as django-otp stores it."""
    return secrets.token_hex(20)


def key_base32(key: str) -> str:
    """The secret as an authenticator app takes it when typed, in groups of four."""
    text = base64.b32encode(bytes.fromhex(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user, key: str) -> str:
    """The ``otpauth://`` address the QR code carries (issuer and username as its label)."""
    return TOTPDevice(user=user, key=key, digits=TOTP_DIGITS).config_url


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup, made here (segno): no image service is asked."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, title="动态口令二维码")


def match_new_key(key: str, code: str) -> int | None:
    """The time step at which ``code`` matches ``key`` (enrolment: no device exists yet)."""
    code = normalize(code)
    if not (code.isdigit() and len(code) == TOTP_DIGITS):
        return None
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=TOTP_DIGITS)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=TOTP_TOLERANCE) else None
