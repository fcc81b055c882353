"""Rules of the workers' sign-in (docs/decisions/0021-worker-sign-in-separate-from-staff.md).

- a code is 6 digits, valid ``CODE_VALID`` (5 minutes: at exactly 5 minutes it is expired),
  used once, kept only as a keyed hash and compared in constant time;
- sending is limited per address (the route's throttle) and per number (``core.ratelimit.hit``);
- ``MAX_FAILURES`` wrong codes in a row lock the number for ``LOCK_FOR``: while locked, even
  the right code is refused; a right code resets the count.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from smartunion.core.errors import TooManyRequests
from smartunion.core.ratelimit import hit, parse_rate
from smartunion.members.services import phone_blind_index
from smartunion.portal.models import PhoneLock, SignInCode, WorkerToken
from smartunion.portal.sms import SmsError, sender

logger = logging.getLogger(__name__)
CODE_VALID = timedelta(minutes=5)
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=30)
TOKEN_VALID = timedelta(days=30)
WRONG_CODE = "验证码不正确或已失效，请重新获取。"
LOCKED = "验证码错误次数过多，该手机号已暂时锁定，请30分钟后再试。"
TOO_OFTEN = "该手机号获取验证码过于频繁，请稍后再试。"
SMS_FAILED = "短信发送失败，请稍后再试。"


class SignInError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def phone_index(phone: str) -> str:
    """The registry's own index of a phone number (``members.Person.phone_hash``), so that
    binding can match the signed-in number against the registry's."""
    return phone_blind_index(phone)


def _digest(kind: str, value: str) -> str:
    return salted_hmac(f"smartunion.portal.{kind}", value, algorithm="sha256").hexdigest()


def send_code(phone: str, now=None) -> None:
    """Make a code for ``phone`` and send it; ``TooManyRequests`` past the per-number rate."""
    now = now or timezone.now()
    index = phone_index(phone)
    rate = parse_rate(settings.SMARTUNION_PORTAL_PHONE_RATE)
    if rate is not None:
        count, left = hit(f"portal-phone:{index}", rate[1], now.timestamp())
        if count > rate[0]:
            raise TooManyRequests(TOO_OFTEN, left)
    code = f"{secrets.randbelow(10**6):06d}"
    SignInCode.objects.create(
        phone_index=index,
        code_hash=_digest("code", f"{index}:{code}"),
        created_at=now,
        expires_at=now + CODE_VALID,
    )
    minutes = str(int(CODE_VALID.total_seconds() // 60))
    text = f"【智慧工会】您的登录验证码为{code}，{minutes}分钟内有效。请勿告诉他人。"
    try:
        sender().send(phone, text, template_params=(code, minutes))
    except SmsError as exc:
        logger.warning("sign-in SMS not sent: %s", exc)
        raise SignInError(SMS_FAILED) from None


def check_code(phone: str, code: str, now=None) -> str:
    """Use ``code`` for ``phone``: a new worker token (its clear key), or ``SignInError``.

    The failure count is saved before the error is raised (outside the transaction, which
    an exception would roll back together with the count)."""
    with transaction.atomic():
        outcome = _use_code(phone, code, now or timezone.now())
    if isinstance(outcome, SignInError):
        raise outcome
    return outcome


def _use_code(phone: str, code: str, now) -> str | SignInError:
    index = phone_index(phone)
    lock, _ = PhoneLock.objects.select_for_update().get_or_create(phone_index=index)
    if lock.locked_until and lock.locked_until > now:
        return SignInError(LOCKED)
    given = _digest("code", f"{index}:{code}")
    match = None
    for candidate in SignInCode.objects.select_for_update().filter(
        phone_index=index, used_at__isnull=True, expires_at__gt=now
    ):
        if hmac.compare_digest(candidate.code_hash, given):
            match = candidate
    if match is None:
        lock.failures += 1
        if lock.failures >= MAX_FAILURES:
            lock.failures, lock.locked_until = 0, now + LOCK_FOR
            lock.save()
            return SignInError(LOCKED)
        lock.save()
        return SignInError(WRONG_CODE)
    match.used_at = now
    match.save(update_fields=["used_at"])
    lock.failures, lock.locked_until = 0, None
    lock.save()
    return issue_token(phone, now)


def issue_token(phone: str, now=None) -> str:
    """A new worker token for ``phone`` (its clear key; only its hash is kept)."""
    now = now or timezone.now()
    key = secrets.token_urlsafe(32)
    WorkerToken.objects.create(
        key_hash=_digest("token", key),
        phone_index=phone_index(phone),
        phone=phone,
        created_at=now,
        expires_at=now + TOKEN_VALID,
    )
    return key


def worker_for(key: str, now=None) -> WorkerToken | None:
    now = now or timezone.now()
    return WorkerToken.objects.filter(key_hash=_digest("token", key), expires_at__gt=now).first()
