"""The second factor gate: a session that owes a code opens nothing else."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware

from smartunion.accounts import second_factor, sessions

#: Views an account that owes a second factor may still reach.
OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:otp_setup",
        "accounts:otp_verify",
        "healthz",
    }
)


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware (``request.user.otp_device``), taking the session's user and
    its authenticator from the session's own read where it brought them (accounts.sessions):
    one query before a view instead of three. django-otp's checks (the device confirmed and
    the user's own) are applied to it as to one it reads itself."""

    def _verify_user_sync(self, request, user):
        with sessions.prefetched(getattr(request, "session", None)):
            return super()._verify_user_sync(request, user)

    def _device_from_persistent_id(self, persistent_id: str):
        device = sessions.joined_device(persistent_id)
        return device if device is not None else super()._device_from_persistent_id(persistent_id)


class SecondFactorMiddleware:
    """After the password, staff who need a second factor (second_factor.required_at_login)
    are sent to enter their code, or to enrol an authenticator when they have none, before any
    page — the Django admin included. To the API such a session is not logged in (401), so
    nothing is reached around the gate; bearer tokens carry their own verification.

    It sits after django-otp's OTPMiddleware, which tells whether the session gave a code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not second_factor.required_at_login(user) or second_factor.verified(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if match is not None and match.namespaces[:1] == ["api"]:
            request.user = AnonymousUser()
            return None
        return redirect_to_second_factor(request, request.get_full_path())


def redirect_to_second_factor(request, next_url: str) -> HttpResponse:
    """To the code page (or the enrolment page for an account without an authenticator),
    coming back to ``next_url`` afterwards; an HTMX request is sent there as a whole page."""
    name = (
        "accounts:otp_verify"
        if second_factor.has_authenticator(request.user)
        else "accounts:otp_setup"
    )
    url = f"{reverse(name)}?{urlencode({'next': next_url})}"
    if getattr(request, "htmx", False):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)
