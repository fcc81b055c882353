"""API login: a username and password for a bearer token."""

from django.conf import settings
from django.contrib.auth import authenticate
from ninja import Router, Schema, Status

from smartunion.accounts.services import issue_token
from smartunion.core.api import StrictSchema

router = Router(tags=["登录"])


class TokenIn(StrictSchema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_in_hours: int


class Detail(Schema):
    detail: str


@router.post("/token", auth=None, response={200: TokenOut, 401: Detail, 429: Detail})
def create_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token; failures count towards the
    same lockout (django-axes) as the login page."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in JSON here; otherwise axes' middleware would replace it with the HTML page.
        request.axes_locked_out = False
        return Status(429, {"detail": "登录失败次数过多，该账号已被临时锁定，请稍后再试。"})
    if user is None:
        return Status(401, {"detail": "用户名或密码不正确。"})
    return {"token": issue_token(user), "expires_in_hours": settings.SMARTUNION_API_TOKEN_HOURS}
