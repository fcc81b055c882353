"""Login and logout pages (django-axes locks an account after repeated failures)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from smartunion.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    """登录. After AXES_FAILURE_LIMIT failures axes answers with accounts/locked_out.html."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """退出: POST only (a GET answers 405), then back to the login page."""

    http_method_names = ["post", "options"]
