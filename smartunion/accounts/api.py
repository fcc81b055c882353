from django.contrib.auth import authenticate
from ninja import Router, Schema
from ninja.errors import HttpError

from smartunion.accounts.services import issue_token

router = Router(tags=["登录"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut})
def create_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (locked out like the login page)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, "用户名或密码不正确，或账号已被临时锁定。")
    return {"token": issue_token(user)}
