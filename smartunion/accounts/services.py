"""Staff accounts, their second factor and their API tokens: every write audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartunion.accounts import second_factor
from smartunion.accounts.models import ApiToken, User
from smartunion.accounts.roles import Role
from smartunion.core import audit
from smartunion.core.errors import NotInScope
from smartunion.orgs.models import Organization

# A token's last use is written at most this often: not one write per API call.
TOKEN_USE_PRECISION = dt.timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _org_path(user: User) -> str:
    return user.scope_org.path if user.scope_org_id else ""


# API tokens ---------------------------------------------------------------------------------


@transaction.atomic
def issue_token(user: User, *, with_second_factor: bool = False) -> str:
    """A new bearer token for ``user`` (the key is returned once; only its hash is kept)."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_digest(key),
        prefix=key[:8],
        auth_hash=user.get_session_auth_hash(),
        second_factor=with_second_factor,
        expires_at=timezone.now() + dt.timedelta(hours=settings.SMARTUNION_API_TOKEN_HOURS),
    )
    audit.record(
        user,
        "token.issue",
        token,
        changes={"prefix": token.prefix, "second_factor": with_second_factor},
        org_path=_org_path(user),
    )
    return key


def user_for_token(key: str) -> User | None:
    """The user a bearer token stands for, or None: unknown, expired, revoked, an inactive
    account, or a password changed since the token was issued."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__scope_org")
        .filter(key_hash=_digest(key), expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    user = token.user
    if not constant_time_compare(token.auth_hash, user.get_session_auth_hash()):
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user.token_second_factor = token.second_factor
    return user


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User) -> None:
    """作废: the owner, or a higher admin of the owner, deletes a token; it stops at once."""
    locked = ApiToken.objects.visible_to(actor).select_for_update().filter(pk=token.pk).first()
    if locked is None:
        raise NotInScope("令牌")
    owner = User.objects.select_related("scope_org").get(pk=locked.user_id)
    audit.record(
        actor,
        "token.revoke",
        locked,
        changes={"owner": owner.username, "prefix": locked.prefix},
        org_path=_org_path(owner),
    )
    locked.delete()


# Second factor ------------------------------------------------------------------------------


@transaction.atomic
def enrol_second_factor(user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """绑定动态口令: the authenticator holding ``key`` gave ``code``; it becomes the account's
    device, with ten new recovery codes (returned once, stored hashed)."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(
            {"code": "该账号已绑定动态口令；如需更换，请联系上级工会管理员重置。"}
        )
    step = second_factor.match_new_key(key, code)
    if step is None:
        raise ValidationError(
            {"code": "动态口令不正确：请输入认证器上当前显示的 6 位数字（并确认手机时间准确）。"}
        )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user,
        name="认证器",
        key=key,
        digits=second_factor.TOTP_DIGITS,
        tolerance=second_factor.TOTP_TOLERANCE,
        last_t=step,
        confirmed=True,
    )
    codes = _replace_recovery_codes(user)
    audit.record(user, "staff.otp_enrol", user, org_path=_org_path(user))
    return device, codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = second_factor.new_recovery_codes()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=second_factor.recovery_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def reset_second_factor(target: User, *, actor: User | None) -> int:
    """重置动态口令: a higher admin (or an operator's command, ``actor`` None) removes the
    account's authenticator and recovery codes; it enrols again at its next login. Its
    sessions lose their verification at once. Returns the number of devices removed."""
    if actor is not None:
        if not User.objects.managed_by(actor).filter(pk=target.pk).exists():
            raise NotInScope("工作人员账号")
    locked = (
        User.objects.select_for_update(of=("self",)).select_related("scope_org").get(pk=target.pk)
    )
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=locked).delete()[1].get(model._meta.label, 0)
    audit.record(
        actor, "staff.otp_reset", locked, changes={"devices": removed}, org_path=_org_path(locked)
    )
    return removed


@transaction.atomic
def create_staff(
    username: str,
    *,
    org: Organization,
    role: str,
    password: str,
    full_name: str = "",
    actor: User | None = None,
    check_password: bool = True,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": f"角色不正确，应为：{'、'.join(Role.values)}。"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该用户名已存在。"})
    if actor is not None and not actor.is_superuser:
        if not Organization.objects.visible_to(actor, "manage_staff").filter(pk=org.pk).exists():
            raise ValidationError({"org": "工会组织不存在或不在您的管理范围内。"})
    user = User(username=username, scope_org=org, role=role, full_name=full_name)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(
        actor, "staff.create", user, changes={"role": role, "org": org.pk}, org_path=org.path
    )
    return user
