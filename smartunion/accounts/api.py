"""API login (a username, password and, where needed, a TOTP code for a bearer token) and
the tokens themselves: listed and revoked by their owner or a higher admin of the owner."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from smartunion.accounts import second_factor, services
from smartunion.accounts.models import ApiToken, User
from smartunion.core.api import StrictSchema, get_or_404
from smartunion.core.pagination import PageIn, keyset_page, page_schema

router = Router(tags=["登录"])
staff_router = Router(tags=["工作人员"])


class TokenIn(StrictSchema):
    username: str
    password: str
    #: 动态口令 (six digits) or a recovery code: needed by accounts that log in with one.
    otp: str = ""


class TokenOut(Schema):
    token: str
    expires_in_hours: int


class Detail(Schema):
    detail: str


class TokenInfo(Schema):
    id: int
    prefix: str
    username: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    second_factor: bool
    expired: bool

    @staticmethod
    def resolve_username(token: ApiToken) -> str:
        return token.user.username

    @staticmethod
    def resolve_expired(token: ApiToken) -> bool:
        return token.is_expired


OTP_NEEDED = "该账号需要动态口令：请在 otp 字段提交手机认证器上的 6 位数字（或一个恢复码）。"
OTP_NOT_ENROLLED = "该账号需要动态口令，但尚未绑定认证器：请先在网页上登录并绑定。"
OTP_WRONG = "动态口令不正确或已过期。"


@router.post("/token", auth=None, response={200: TokenOut, 401: Detail, 429: Detail})
def create_token(request, payload: TokenIn, response: HttpResponse):
    """Exchange a username and password for a bearer token; failures count towards the
    same lockout (django-axes) as the login page. Accounts that need a second factor at
    login (province, city and county admins) also send ``otp``; a token issued with a code
    may reveal full ID numbers, one issued without may not."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in JSON here; otherwise axes' middleware would replace it with the HTML page.
        request.axes_locked_out = False
        return Status(429, {"detail": "登录失败次数过多，该账号已被临时锁定，请稍后再试。"})
    if user is None:
        return Status(401, {"detail": "用户名或密码不正确。"})
    device = None
    if payload.otp or second_factor.required_at_login(user):
        if not payload.otp:
            return Status(401, {"detail": OTP_NEEDED})
        if not second_factor.has_authenticator(user):
            return Status(401, {"detail": OTP_NOT_ENROLLED})
        wait = second_factor.throttled_seconds(user)
        if wait:
            response["Retry-After"] = str(wait)
            return Status(429, {"detail": f"动态口令输错次数过多，请 {wait} 秒后再试。"})
        device = second_factor.verify_code(user, payload.otp)
        if device is None:
            return Status(401, {"detail": OTP_WRONG})
    key = services.issue_token(user, with_second_factor=device is not None)
    return {"token": key, "expires_in_hours": settings.SMARTUNION_API_TOKEN_HOURS}


@router.get("/tokens", response=page_schema(TokenInfo))
def list_my_tokens(request, page: Query[PageIn]):
    """The caller's own tokens (expired ones too, until they are cleaned up), newest first."""
    tokens = ApiToken.objects.filter(user=request.user).select_related("user")
    return keyset_page(tokens, page, order=("-id",))


@router.delete("/tokens/{int:token_id}", response={204: None})
def revoke_token(request, token_id: int):
    """作废: one's own token, or one of an account below one's scope; 404 otherwise."""
    token = get_or_404(ApiToken.objects.all(), request.user, token_id, what="令牌")
    services.revoke_token(token, actor=request.user)
    return Status(204, None)


@staff_router.get("/{int:user_id}/tokens", response=page_schema(TokenInfo))
def list_staff_tokens(request, user_id: int, page: Query[PageIn]):
    """The tokens of a staff account below the caller's scope (``manage_staff``), newest first."""
    account = get_or_404(User.objects.all(), request.user, user_id, what="工作人员账号")
    return keyset_page(account.api_tokens.select_related("user"), page, order=("-id",))
