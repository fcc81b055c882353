"""Shared API plumbing: authentication, scoped lookups and Chinese error bodies."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from smartunion.core.forms import validation_messages


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from smartunion.accounts.services import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session (with CSRF for unsafe methods), for pages that call the API."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


session_or_token = [BearerToken(), SessionAuth()]

FIELD_LABELS = {
    "name": "姓名",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "org": "工会",
    "to_org": "转入工会",
    "parent": "上级工会",
    "uscc": "工会统一社会信用代码",
    "employer_uscc": "单位统一社会信用代码",
    "joined_on": "入会日期",
    "reason": "原因",
}


def install_error_handlers(api) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        return api.create_response(
            request, {"detail": validation_messages(exc, FIELD_LABELS)}, status=422
        )

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, {"detail": str(exc) or "记录不存在。"}, status=404)

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        return api.create_response(request, {"detail": "请先登录或提供有效的令牌。"}, status=401)

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request, exc: NinjaValidationError):
        details = []
        for err in exc.errors:
            loc = [
                str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")
            ]
            field = loc[-1] if loc else ""
            label = FIELD_LABELS.get(field, field)
            details.append(
                {
                    "field": field,
                    "message": f"{label}：格式不正确或缺少必填项。"
                    if label
                    else "请求格式不正确。",
                }
            )
        return api.create_response(request, {"detail": details}, status=422)
