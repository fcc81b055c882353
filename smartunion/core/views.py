"""首页 (the sections and 待办 cards the apps registered, core.home) and the error pages."""

from __future__ import annotations

import logging
import secrets

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from smartunion.core.home import sections, todo_figures
from smartunion.core.views_mixins import ScopedViewMixin
from smartunion.core.worker import worker_status

logger = logging.getLogger("smartunion.errors")


class HomeView(ScopedViewMixin, TemplateView):
    """首页."""

    template_name = "core/home.html"
    nav = "home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["todo"] = todo_figures(user)
        context["sections_above"], context["sections_below"] = sections(user)
        context["scope_org"] = user.scope_org
        return context


@require_safe
def healthz(request):
    """/healthz for load balancers and monitors: 200 when the database answers and the task
    worker beat recently (core/worker.py), 503 otherwise; no login, no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "error", "worker": None}, status=503)
    worker = worker_status()
    ok = worker["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": "ok", "worker": worker},
        status=200 if ok else 503,
    )


# ---- error pages --------------------------------------------------------------------------
# Django's handlers (urls.py handler400…500, settings.CSRF_FAILURE_VIEW): Chinese pages with
# the navigation bar, for every user and under `make run` too (settings.py: Django's own
# technical pages are a developer's opt-in). The API's paths answer {"detail": …} instead.

GENERIC_MESSAGES = {
    400: ("请求不正确", "页面收到的请求不完整或格式不对。请返回上一页重新操作。"),
    403: ("没有权限", "您的账号没有进行此项操作的权限。"),
    404: ("页面不存在", "您要找的页面或记录不存在，或者不在您的管理范围内。"),
    500: (
        "系统出错了",
        "服务器处理这个请求时出错，错误已经记录。请稍后重试；问题持续时请联系管理员。",
    ),
}
CSRF_MESSAGE = (
    "为保护您的账号，提交表单时要核对页面中的安全校验码，这次核对没有通过：可能是页面打开得太久、"
    "已在别处退出或重新登录，或浏览器禁用了 Cookie。请返回上一页，刷新后重新提交。"
)


_JSON = {"ensure_ascii": False}


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _exception_message(exception) -> str:
    """Our own exceptions carry a Chinese message for the user (NotInScope, "只读账号…");
    Django's own (Resolver404's dict, "No Person matches…") are not shown."""
    message = str(exception or "") if isinstance(exception, Exception) else ""
    return message if _chinese(message) and len(message) < 200 else ""


def error_page(
    request,
    status: int,
    *,
    title: str = "",
    message: str = "",
    reference: str = "",
    back: str = "",
    back_label: str = "返回上一页",
) -> HttpResponse:
    if request.path.startswith("/api/"):
        # The API's own wording (core.api.json_error, as for every other error under /api/).
        from smartunion.core.api import STATUS_MESSAGES, json_error

        detail = STATUS_MESSAGES.get(status, "")
        if status == 403 and message:
            detail = message  # the CSRF refusal says what to do
        if reference:
            detail = f"{detail}（错误编号 {reference}）"
        return json_error(status, message=detail)
    default_title, default_message = GENERIC_MESSAGES[status]
    title, message = title or default_title, message or default_message
    context = {
        "status": status,
        "title": title,
        "message": message,
        "reference": reference,
        "back": back,
        "back_label": back_label,
    }
    try:
        return render(request, "errors/page.html", context, status=status)
    except Exception:
        # The page with the navigation bar needs the database (the user, the menu); when
        # that is what fails, a plain page still says what happened.
        logger.exception("The error page could not be rendered; a plain one is sent")
        body = render_to_string("errors/plain.html", context)
        return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403, message=_exception_message(exception))


def page_not_found(request, exception=None):
    return error_page(request, 404, message=_exception_message(exception))


def server_error(request):
    """500: the page names a reference, the log (settings.LOGGING) carries it beside the
    traceback, so the operator finds the one the user reports."""
    reference = secrets.token_hex(4).upper()
    request.error_reference = reference
    return error_page(request, 500, reference=reference)


def csrf_failure(request, reason: str = ""):
    """settings.CSRF_FAILURE_VIEW; Django logs the reason (django.security.csrf)."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return error_page(
        request,
        403,
        title="页面已过期，请刷新后重试",
        message=CSRF_MESSAGE,
        back=back,
        back_label="返回上一页（刷新后重新提交）",
    )
