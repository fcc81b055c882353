"""Shared API plumbing: authentication, scoped lookups, strict schemas and Chinese error bodies.

Every answer of the API is JSON, whatever went wrong and wherever (``ApiErrorMiddleware`` turns
Django's own HTML 404/405/400 pages under ``/api/`` into JSON), with the body ``{"detail": …}``:

- 400 ``{"detail": "…"}`` when the request cannot be read at all (too big, broken multipart);
- 401 ``{"detail": "请先登录…"}`` without a valid token or session;
- 403 ``{"detail": "…"}`` when the role lacks the action, or a session POST lacks its CSRF token;
- 404 ``{"detail": "…不存在或不在您的管理范围内。"}`` outside the user's scope (NotInScope), and
  for any URL under /api/ that names no operation (``/api/v1/orgs/-5/dissolve``);
- 405 ``{"detail": "…"}`` for a method the operation does not have (with ``Allow``);
- 409 ``{"detail": [{"field", "message"}]}`` when someone else changed the record first, or the
  request collides with a rule over existing records (a student already aided this year)
  (``core.errors.Conflict``);
- 422 ``{"detail": [{"field", "message"}]}`` for a service's ValidationError, a body or query
  that does not match its schema, a body that is not JSON, a number outside its bound
  (``core.bounds``) or a control character in a text; each message names the field in Chinese
  and never repeats the submitted value (it may be an ID number);
- 429 ``{"detail": "…"}`` with ``Retry-After`` when an address asks too often
  (``throttle=core.ratelimit.AddressRate(…)``), an account is locked, or an account has used up
  a limit of its own (``core.errors.TooManyRequests``, declared with ``@api_errors(429)``).

``SmartunionAPI`` declares these answers in the OpenAPI document for every operation, from what
the operation takes (auth → 401/403/404, path parameters → 404, parameters or a body → 422,
a body → 400, a throttle → 429) and from what it says it can give (``@api_errors(409)``). A new module gets all of it by using ``SmartunionAPI``'s routers as the
existing apps do.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import ConfigDict, Strict, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from smartunion.core.errors import Conflict, TooManyRequests
from smartunion.core.forms import validation_messages
from smartunion.core.scope import get_for_user
from smartunion.core.text import CONTROL_IN_TEXT

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


# What a text may not hold (core/text.py), as JSON Schema patterns: in a body and in a query.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
QUERY_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"


def _allows_null(prop: dict) -> bool:
    return prop.get("type") == "null" or any(s.get("type") == "null" for s in prop.get("anyOf", []))


def _with_pattern(prop: dict, pattern: str) -> None:
    for part in [prop, *prop.get("anyOf", [])]:
        if part.get("type") == "string" and not {"enum", "format", "pattern", "const"} & set(part):
            part["pattern"] = pattern


def _documented(pattern: str):
    """The JSON Schema says what the validators check: no control characters in a text, and
    no ``null`` default for a field that may be left out but never be null."""

    def document(schema: dict, cls) -> None:
        for prop in schema.get("properties", {}).values():
            if "default" in prop and prop["default"] is None and not _allows_null(prop):
                del prop["default"]
            _with_pattern(prop, pattern)

    return document


class StrictSchema(Schema):
    """Request bodies, strictly: unknown fields are refused, not silently ignored; types are
    not coerced (``false`` is no integer, ``"5"`` no number — dates are ISO text, ``Day``); no
    text holds a control character (NUL and the like: PostgreSQL refuses NUL, the rest is never
    typed). A field one may leave out but not set to null is typed without ``None`` and
    defaults to None (``kind: KindCode = None``): an explicit null is then refused."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra=_documented(TEXT_PATTERN)
    )

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value):
        if isinstance(value, str) and CONTROL_IN_TEXT.search(value):
            raise PydanticCustomError("control_characters", "control characters")
        return value


class QuerySchema(Schema):
    """Query parameters given as a schema: documented without control characters (refused by
    core.middleware.RefuseControlCharacters before any view)."""

    model_config = ConfigDict(json_schema_extra=_documented(QUERY_PATTERN))


#: A text query parameter declared as a function argument.
QueryText = Annotated[str, WithJsonSchema({"type": "string", "pattern": QUERY_PATTERN})]
#: A date in a body (YYYY-MM-DD), for StrictSchema's otherwise strict types.
Day = Annotated[dt.date, Strict(False)]


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
    "open_now": "现在开放",
    "box": "收件箱/发件箱",
}

# The same field name means another thing under some paths: a member's "name" is 姓名, a
# region's "parent" is a division.
LABEL_OVERRIDES = {
    "/members": {"name": "姓名", "org": "所在工会"},
    "/regions": {"parent": "上级行政区划代码"},
}


def register_labels(fragment: str, labels: dict[str, str]) -> None:
    """Chinese names of an app's fields for the API's messages, under paths containing
    ``fragment`` (each app registers its own; core knows none of them)."""
    LABEL_OVERRIDES[fragment] = {**LABEL_OVERRIDES.get(fragment, {}), **labels}


def labels_for(path: str) -> dict[str, str]:
    for fragment, overrides in LABEL_OVERRIDES.items():
        if fragment in path:
            return {**FIELD_LABELS, **overrides}
    return FIELD_LABELS


# The few messages django-ninja raises itself, in Chinese.
NINJA_MESSAGES = {
    "CSRF check Failed": "CSRF 校验失败：请刷新页面后重试。",
    "Too many requests.": "请求过于频繁，请稍后再试。",
}


def _schema_message(err: dict[str, Any], label: str) -> str:
    kind = err.get("type", "")
    if (err.get("null") or err.get("input", ...) is None) and kind != "missing":
        return f"{label}：不能为空（不修改就不要提交此字段）。"
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
    if kind == "string_type":
        return f"{label}：应为文字。"
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
    if kind == "control_characters":
        return f"{label}：不能含有控制字符（如 NUL）。"
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


NOT_JSON = "请求内容不是有效的 JSON。"
UNREADABLE = "请求内容无法读取（过大或格式损坏）。"

# The bodies ApiErrorMiddleware gives Django's own error pages under /api/.
STATUS_MESSAGES = {
    400: "请求无法处理，请检查网址和请求内容。",
    403: "您的账号没有此项权限。",
    404: "接口或记录不存在，请检查网址（见 /api/v1/docs）。",
    405: "此接口不支持该请求方法。",
    413: "请求内容过大。",
    500: "服务器内部错误，请稍后重试；问题持续时请联系管理员。",
}


def install_error_handlers(api) -> None:
    @api.exception_handler(Conflict)
    def on_conflict(request, exc: Conflict):
        details = validation_messages(exc, labels_for(request.path))
        return api.create_response(request, {"detail": details}, status=409)

    @api.exception_handler(TooManyRequests)
    def on_too_many(request, exc: TooManyRequests):
        response = api.create_response(request, {"detail": exc.message}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        details = validation_messages(exc, labels_for(request.path))
        return api.create_response(request, {"detail": details}, status=422)

    @api.exception_handler(SuspiciousOperation)
    def on_unreadable(request, exc):
        # Django's refusals of a request it will not read: too many fields, a body above
        # DATA_UPLOAD_MAX_MEMORY_SIZE…
        return api.create_response(request, {"detail": UNREADABLE}, status=400)

    @api.exception_handler(MultiPartParserError)
    def on_bad_multipart(request, exc):
        return api.create_response(request, {"detail": UNREADABLE}, status=400)

    @api.exception_handler(UnreadablePostError)
    def on_unreadable_post(request, exc):
        return api.create_response(request, {"detail": UNREADABLE}, status=400)

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
        if exc.status_code == 400 and str(exc) == "Cannot parse request body":
            # Not JSON is bad input like any other: 422 with the usual list.
            return api.create_response(
                request, {"detail": [{"field": "", "message": NOT_JSON}]}, status=422
            )
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


# ---- the error answers in the OpenAPI document ------------------------------------------------


class FieldError(Schema):
    field: str
    message: str


class Error(Schema):
    """Every error answer: a message, or (400/409/422) a list of messages naming the fields."""

    detail: str | list[FieldError]


ERROR_DESCRIPTIONS = {
    400: "请求无法读取（内容过大或格式损坏）",
    401: "没有登录，或令牌无效、已过期",
    403: "账号的角色没有此项权限，或缺少 CSRF 令牌",
    404: "记录不存在或不在管理范围内；网址有误",
    409: "记录刚被他人修改，请重新读取后再试",
    422: "数据不正确：detail 列出每个字段的问题（字段名和中文说明）",
    429: "请求过于频繁：按 Retry-After 头所说的秒数之后再试",
}
DECLARED = "_smartunion_api_errors"


def api_errors(*statuses: int):
    """Declare error answers an operation gives beyond those its signature implies:
    ``@api_errors(409)`` under ``@router.post(…)`` (429 comes with a ``throttle``)."""
    unknown = set(statuses) - set(ERROR_DESCRIPTIONS)
    if unknown:
        raise ValueError(f"no description for {sorted(unknown)}: add it to ERROR_DESCRIPTIONS")

    def decorate(view):
        setattr(view, DECLARED, getattr(view, DECLARED, frozenset()) | frozenset(statuses))
        return view

    return decorate


_BODY_SOURCES = ("body", "form", "file")


def error_statuses(operation: Operation) -> set[int]:
    """The error answers ``operation`` can give, from what it takes and what it declares."""
    statuses = set(getattr(operation.view_func, DECLARED, ()))
    sources = {model.__ninja_param_source__ for model in operation.models}
    if operation.auth_callbacks:
        # Every object a user names is looked up within the user's scope: 404 outside it.
        statuses |= {401, 403, 404}
    if "path" in sources:
        statuses.add(404)
    if sources:
        statuses.add(422)
    if sources & set(_BODY_SOURCES):
        statuses.add(400)
    if operation.throttle_objects:
        statuses.add(429)
    return statuses


class ErrorDeclaringSchema(OpenAPISchema):
    """ninja's OpenAPI document, with each operation's error answers and the Error schema."""

    def responses(self, operation: Operation) -> dict[int, Any]:
        result = super().responses(operation)
        statuses = error_statuses(operation) - set(result)
        if statuses:
            self._add_error_schema()
        for status in sorted(statuses):
            result[status] = {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        return dict(sorted(result.items()))

    def _add_error_schema(self) -> None:
        if "Error" in self.schemas:
            return
        schema = Error.model_json_schema(ref_template=REF_TEMPLATE)
        self.add_schema_definitions(schema.pop("$defs", {}))
        self.add_schema_definitions({"Error": schema})


class SmartunionAPI(NinjaAPI):
    """The platform's NinjaAPI: its OpenAPI document declares every operation's errors, and
    a schema error remembers whether the value sent was null (ninja drops the values, which
    may be ID numbers), so that the message can say "不能为空" rather than "格式不正确"."""

    def validation_error_from_error_contexts(self, error_contexts):
        error = super().validation_error_from_error_contexts(error_contexts)
        nulls = [
            err.get("input", ...) is None
            for context in error_contexts
            for err in context.pydantic_validation_error.errors(include_url=False)
        ]
        for err, null in zip(error.errors, nulls, strict=False):
            err["null"] = null
        return error

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ErrorDeclaringSchema(api=self, path_prefix=path_prefix)


# ---- JSON everywhere under /api/ --------------------------------------------------------------


class ApiErrorMiddleware:
    """Under ``/api/``, an error answer that is not JSON becomes one (``{"detail": …}``).

    Django answers some requests before any API view runs: a URL that names no operation (a
    negative or non-numeric id: ``/api/v1/orgs/-5/dissolve``), a method an operation lacks
    (ninja's 405), a refused Host header. A client of the API then still gets its own format.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.prefix = "/" + getattr(settings, "SMARTUNION_API_PREFIX", "api/").lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(self.prefix)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return json_error(response.status_code, response)
        return response


def json_error(status: int, original: HttpResponse | None = None, message: str = ""):
    import json

    message = message or STATUS_MESSAGES.get(status) or STATUS_MESSAGES[400]
    response = HttpResponse(
        json.dumps({"detail": message}, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    if original is not None:
        for header in ("Allow", "Retry-After", "Vary"):
            if original.has_header(header):
                response[header] = original[header]
    return response
