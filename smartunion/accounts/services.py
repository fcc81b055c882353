"""Staff accounts and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from smartunion.accounts.models import ApiToken, User
from smartunion.accounts.roles import Role
from smartunion.core import audit
from smartunion.orgs.models import Organization


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user: User) -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=_digest(key),
        expires_at=timezone.now() + dt.timedelta(hours=settings.SMARTUNION_API_TOKEN_HOURS),
    )
    return key


def user_for_token(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__scope_org")
        .filter(key_hash=_digest(key), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


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
