"""Shared API plumbing: authentication, scoped lookups, strict schemas and Chinese error bodies.

Every error the API answers has the body ``{"detail": …}``:

- 401 ``{"detail": "请先登录…"}`` without a valid token or session;
- 403 ``{"detail": "…"}`` when the role lacks the action, or a session POST lacks its CSRF token;
- 404 ``{"detail": "…不存在或不在您的管理范围内。"}`` outside the user's scope (NotInScope);
- 422 ``{"detail": [{"field", "message"}]}`` for a service's ValidationError and for a body or
  query that does not match its schema; each message names the field in Chinese and never
  repeats the submitted value (it may be an ID number).
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import ConfigDict

from smartunion.core.forms import validation_messages
from smartunion.core.scope import get_for_user

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

logger = logging.getLogger("smartunion.api")


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``POST /api/v1/auth/token``."""

    def __call__(self, request):
        # ninja's own __call__ logs unexpected Authorization headers in DEBUG, which would put
        # Basic credentials into the log; this one just declines them.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        from smartunion.accounts.services import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's Django session, for pages that call the API.

    Unsafe methods need the CSRF token (header ``X-CSRFToken``), as on the pages: the API
    views themselves are CSRF-exempt so that token clients need none. Requests without a
    logged-in session are declined (→ 401), not refused for CSRF.
    """

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method in UNSAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise HttpError(403, "CSRF 校验失败：请刷新页面后重试（请求头需带 X-CSRFToken）。")
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return None


session_or_token = [BearerToken(), SessionAuth()]


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese as it is (not \\uXXXX escapes), readable in curl and logs."""

    json_dumps_params = {"ensure_ascii": False}


class StrictSchema(Schema):
    """Request bodies: unknown fields are refused, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def code_type(choices, *, blank: bool = True):
    """A code list (a Choices class or a sequence of codes) as a Literal type for schemas;
    "" is allowed too when the field may stay blank."""
    values = tuple(getattr(choices, "values", choices))
    return Literal[values + (("",) if blank else ())]


def set_fields(payload, *, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a PATCH body actually sent; an explicit null only where a value may be empty."""
    values = payload.model_dump(exclude_unset=True)
    nulls = [k for k, v in values.items() if v is None and k not in nullable]
    if nulls:
        raise ValidationError({k: "不能为空（不修改就不要提交此字段）。" for k in nulls})
    return values


def require(user, action: str) -> None:
    """403 when the role does not include ``action`` at all (scope is checked per object)."""
    if not user.can(action):
        raise PermissionDenied(ACTION_DENIED.get(action, "您的账号没有此项权限。"))


def get_or_404(queryset, user, pk, *, action: str = "view", what: str = "记录"):
    """One object within the user's scope, or 404 (never revealing that it exists)."""
    return get_for_user(queryset, user, pk, action=action, what=what)


ACTION_DENIED = {
    "change": "您的账号只有查看权限，不能修改。",
    "reveal_pii": "您的账号没有查看完整个人信息的权限。",
    "export_pii": "您的账号没有导出个人信息的权限。",
}

FIELD_LABELS = {
    "name": "名称",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "org": "工会",
    "to_org": "转入工会",
    "parent": "上级工会",
    "kind": "组织类型",
    "region": "行政区划代码",
    "uscc": "工会统一社会信用代码",
    "employer_name": "单位名称",
    "employer_uscc": "单位统一社会信用代码",
    "address": "单位地址",
    "industry": "国民经济行业分类",
    "unit_category": "单位类别",
    "founded_on": "建会日期",
    "chair_name": "工会主席",
    "chair_phone": "主席联系电话",
    "employee_count": "职工人数",
    "women_committee": "女职工委员会",
    "term_ends_on": "任期届满日期",
    "status": "状态",
    "merged_into": "合并至",
    "on": "日期",
    "joined_on": "入会日期",
    "applied_on": "申请日期",
    "card_no": "会员证号",
    "channel": "申请方式",
    "person": "会员",
    "reason": "原因",
    "note": "说明",
    "field": "字段",
    "ethnicity": "民族",
    "education": "学历",
    "political_status": "政治面貌",
    "hukou_type": "户籍类型",
    "is_migrant_worker": "是否农民工",
    "employment_status": "就业状况",
    "skill_level": "技术等级",
    "occupation": "工种",
    "professional_title": "职称",
    "new_form_type": "新就业形态劳动者类型",
    "is_model_worker": "是否劳模",
    "username": "用户名",
    "password": "密码",
    "limit": "每页条数",
    "offset": "偏移量",
    "after": "游标",
    "q": "搜索词",
    "box": "收件箱/发件箱",
}

# The same field name means another thing under some paths: a member's "name" is 姓名, a
# region's "parent" is a division.
LABEL_OVERRIDES = {
    "/members": {"name": "姓名", "org": "所在工会"},
    "/regions": {"parent": "上级行政区划代码"},
}


def labels_for(path: str) -> dict[str, str]:
    for fragment, overrides in LABEL_OVERRIDES.items():
        if fragment in path:
            return {**FIELD_LABELS, **overrides}
    return FIELD_LABELS


# The few messages django-ninja raises itself, in Chinese.
NINJA_MESSAGES = {
    "Cannot parse request body": "请求内容不是有效的 JSON。",
    "CSRF check Failed": "CSRF 校验失败：请刷新页面后重试。",
}


def _schema_message(err: dict[str, Any], label: str) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return f"{label}：必须填写。"
    if kind == "extra_forbidden":
        return f"“{label}”不是可以提交的字段。"
    if kind in ("enum", "literal_error"):
        expected = str((err.get("ctx") or {}).get("expected", ""))
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        if options and len(options) <= 12:
            return f"{label}：取值不正确，可选值为 {'、'.join(options)}。"
        return f"{label}：取值不正确，请使用代码表中的代码（见 /api/v1/docs）。"
    if kind.startswith(("int_", "float_")):
        return f"{label}：应为整数。"
    if kind.startswith("bool"):
        return f"{label}：应为 true 或 false。"
    if kind.startswith("date"):
        return f"{label}：应为日期，格式 YYYY-MM-DD。"
    if kind in ("string_too_long",):
        limit = (err.get("ctx") or {}).get("max_length")
        return f"{label}：不能超过{limit}个字。" if limit else f"{label}：太长。"
    if kind.startswith(("greater_than", "less_than")):
        ctx = err.get("ctx") or {}
        if "ge" in ctx:
            return f"{label}：不能小于{ctx['ge']}。"
        if "le" in ctx:
            return f"{label}：不能大于{ctx['le']}。"
        if "gt" in ctx:
            return f"{label}：应大于{ctx['gt']}。"
        if "lt" in ctx:
            return f"{label}：应小于{ctx['lt']}。"
        return f"{label}：超出允许的范围。"
    if kind == "decimal_max_places":
        return f"{label}：最多{(err.get('ctx') or {}).get('decimal_places')}位小数。"
    if kind.startswith("decimal"):
        return f"{label}：应为数字，且不超过允许的位数。"
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return "请求内容不是有效的 JSON 对象。"
    return f"{label}：格式不正确。"


def schema_error_details(errors, labels: dict[str, str]) -> list[dict[str, str]]:
    """Pydantic errors as [{"field", "message"}] in Chinese, without the submitted values."""
    details = []
    for err in errors:
        loc = [
            str(p)
            for p in err.get("loc", [])
            if p not in ("body", "payload", "query", "path", "params", "filters")
            and not isinstance(p, int)
        ]
        field = loc[-1] if loc else ""
        label = labels.get(field, field) if field else "请求"
        details.append({"field": field, "message": _schema_message(err, label)})
    return details


def install_error_handlers(api) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        details = validation_messages(exc, labels_for(request.path))
        return api.create_response(request, {"detail": details}, status=422)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, {"detail": str(exc) or "记录不存在。"}, status=404)

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc):
        return api.create_response(
            request, {"detail": str(exc) or "您的账号没有此项权限。"}, status=403
        )

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        return api.create_response(request, {"detail": "请先登录或提供有效的令牌。"}, status=401)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        message = NINJA_MESSAGES.get(str(exc), str(exc))
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(Exception)
    def on_crash(request, exc: Exception):
        # A bug, not bad input: logged with its traceback, answered in JSON like everything
        # else (the message says nothing about the data involved).
        logger.exception("API error on %s %s", request.method, request.path)
        return api.create_response(
            request, {"detail": "服务器内部错误，请稍后重试；问题持续时请联系管理员。"}, status=500
        )

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request, exc: NinjaValidationError):
        return api.create_response(
            request,
            {"detail": schema_error_details(exc.errors, labels_for(request.path))},
            status=422,
        )
