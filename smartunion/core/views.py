"""首页: the sections and 待办 cards the apps registered (core.home), for the user's scope."""

from __future__ import annotations

from django.views.generic import TemplateView

from smartunion.core.home import sections, todo_figures
from smartunion.core.views_mixins import ScopedViewMixin


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
