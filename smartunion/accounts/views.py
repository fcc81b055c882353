"""Login and logout, the second factor (enrolment, codes), API tokens and staff accounts.

django-axes locks an account after repeated password failures from one address; django-otp
throttles repeated wrong codes. Every change here is a service (accounts/services.py), audited.
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView

from smartunion.accounts import second_factor, services
from smartunion.accounts.forms import LoginForm, SecondFactorForm
from smartunion.accounts.models import ApiToken, User
from smartunion.core.scope import get_for_user
from smartunion.core.views_mixins import ScopedViewMixin, fetch_page

SETUP_KEY_SESSION = "smartunion_otp_setup_key"


class LoginView(auth_views.LoginView):
    """登录. After AXES_FAILURE_LIMIT failures axes answers with accounts/locked_out.html."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["otp_required"] = second_factor.enforced()
        return context


class LogoutView(auth_views.LogoutView):
    """退出: POST only (a GET answers 405), then back to the login page."""

    http_method_names = ["post", "options"]


def _next_url(request: HttpRequest) -> str:
    """Where to go after the second factor: the page that asked, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class SecondFactorSetupView(LoginRequiredMixin, FormView):
    """绑定动态口令: a QR code (and the same secret as text) for an authenticator app, then
    the first code it shows; the answer shows the ten recovery codes, once.

    The secret waits in the session until a code proves the app holds it, so looking at
    this page writes nothing.
    """

    template_name = "accounts/otp_setup.html"
    form_class = SecondFactorForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and second_factor.has_authenticator(request.user):
            if second_factor.verified(request.user):
                messages.info(request, "您的账号已绑定动态口令。")
                return redirect("accounts:security")
            return redirect(f"{reverse('accounts:otp_verify')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def _key(self) -> str:
        key = self.request.session.get(SETUP_KEY_SESSION)
        if not key:
            key = second_factor.new_key()
            self.request.session[SETUP_KEY_SESSION] = key
        return key

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key = self._key()
        uri = second_factor.provisioning_uri(self.request.user, key)
        context.update(
            qr_svg=second_factor.qr_svg(uri),
            secret=second_factor.key_base32(key),
            next=_next_url(self.request),
            required=second_factor.required_at_login(self.request.user),
        )
        return context

    def form_valid(self, form):
        request = self.request
        try:
            device, codes = services.enrol_second_factor(
                request.user, self._key(), form.cleaned_data["code"]
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("code", exc.messages):
                form.add_error("code", message)
            return self.form_invalid(form)
        request.session.pop(SETUP_KEY_SESSION, None)
        django_otp.login(request, device)
        response = render(
            request,
            "accounts/recovery_codes.html",
            {"codes": codes, "next": _next_url(request)},
        )
        response["Cache-Control"] = "no-store"
        return response


class SecondFactorVerifyView(LoginRequiredMixin, FormView):
    """输入动态口令: after the password (or before revealing a full number), six digits from
    the authenticator or one recovery code."""

    template_name = "accounts/otp_verify.html"
    form_class = SecondFactorForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not second_factor.has_authenticator(request.user):
            return redirect(f"{reverse('accounts:otp_setup')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = _next_url(self.request)
        return context

    def form_valid(self, form):
        request = self.request
        wait = second_factor.throttled_seconds(request.user)
        if wait:
            form.add_error("code", f"输错次数过多，请 {wait} 秒后再试。")
            return self.form_invalid(form)
        device = second_factor.verify_code(request.user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", "动态口令不正确或已过期，请输入认证器上当前显示的数字。")
            return self.form_invalid(form)
        django_otp.login(request, device)
        if device.name == "恢复码":
            left = device.token_set.count()
            messages.warning(
                request,
                f"已使用一个恢复码，还剩 {left} 个。手机丢失时请联系上级工会管理员重置动态口令。",
            )
        return redirect(_next_url(request))


class SecurityView(LoginRequiredMixin, TemplateView):
    """账号安全: one's own second factor and API tokens (each can be revoked here)."""

    template_name = "accounts/security.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            account=user,
            has_authenticator=second_factor.has_authenticator(user),
            verified=second_factor.verified(user),
            otp_enforced=second_factor.enforced(),
            otp_required=second_factor.required_at_login(user),
            tokens=list(ApiToken.objects.filter(user=user).order_by("-created_at")),
            token_hours=settings.SMARTUNION_API_TOKEN_HOURS,
        )
        return context


class TokenRevokeView(LoginRequiredMixin, View):
    """作废令牌: by its owner or a higher admin of the owner; 404 for anyone else."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, token_id: int) -> HttpResponse:
        token = get_for_user(ApiToken.objects.all(), request.user, token_id, what="令牌")
        services.revoke_token(token, actor=request.user)
        messages.success(request, f"已作废令牌 {token.prefix}…，使用它的程序将无法再访问。")
        if token.user_id == request.user.pk:
            return redirect("accounts:security")
        return redirect("accounts:staff_detail", user_id=token.user_id)


class StaffMixin(ScopedViewMixin):
    """Pages about the staff accounts below one's own scope (``manage_staff``)."""

    nav = "staff"

    def managed(self):
        return User.objects.managed_by(self.request.user).select_related("scope_org")

    def get_staff(self, pk) -> User:
        return get_for_user(self.managed(), self.request.user, pk, what="工作人员账号")


class StaffListView(StaffMixin, TemplateView):
    """工作人员: the accounts below one's scope, with their second factor."""

    template_name = "accounts/staff_list.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        queryset = self.managed().order_by("scope_org__path", "username")
        page = fetch_page(queryset, self.request)
        enrolled = set(
            second_factor.TOTPDevice.objects.filter(
                user__in=[u.pk for u in page.items], confirmed=True
            ).values_list("user_id", flat=True)
        )
        for account in page.items:
            account.has_authenticator = account.pk in enrolled
        context.update(page=page, otp_enforced=second_factor.enforced())
        return context


class StaffDetailView(StaffMixin, TemplateView):
    """一个工作人员账号: its scope, second factor and API tokens; reset and revoke here."""

    template_name = "accounts/staff_detail.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        account = self.get_staff(self.kwargs["user_id"])
        context.update(
            account=account,
            has_authenticator=second_factor.has_authenticator(account),
            otp_required=second_factor.required_at_login(account),
            otp_enforced=second_factor.enforced(),
            tokens=list(account.api_tokens.order_by("-created_at")),
        )
        return context


class SecondFactorResetView(StaffMixin, View):
    """重置动态口令: for an account that lost its phone; audited. It enrols again at login."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        account = self.get_staff(user_id)
        services.reset_second_factor(account, actor=request.user)
        messages.success(
            request,
            f"已重置{account.display_name}的动态口令和恢复码；该账号下次登录时需重新绑定。",
        )
        return redirect("accounts:staff_detail", user_id=account.pk)
