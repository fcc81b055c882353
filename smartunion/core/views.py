"""首页: the sections and 待办 cards the apps registered (core.home), for the user's scope."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from smartunion.core.home import sections, todo_figures
from smartunion.core.views_mixins import ScopedViewMixin
from smartunion.core.worker import worker_status


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
