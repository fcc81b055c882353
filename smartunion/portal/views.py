"""职工之家's phone pages at /portal/ and the public 会员证核验 at /verify/ (decision 0022).

A worker's session is a cookie of its own (``WORKER_COOKIE``) carrying a worker token — never
Django's ``sessionid``: a staff session opens none of these pages (it is not looked at), and
the worker cookie opens no staff page (staff pages read only Django's session). Pages are
server-rendered, 390 px first, with htmx only to renew the e-card's QR code.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from smartunion.core.errors import TooManyRequests
from smartunion.core.idnumber import mask_phone, normalize_phone
from smartunion.core.ratelimit import AddressRate
from smartunion.portal import binding, ecard, joining, services, signin
from smartunion.portal.api import PHONE
from smartunion.portal.models import WorkerToken

WORKER_COOKIE = "smartunion_worker"
VERIFY_RATE = AddressRate("verify", "SMARTUNION_VERIFY_RATE")
CODE_RATE = AddressRate("portal-code", "SMARTUNION_PORTAL_CODE_RATE")
TOO_OFTEN = "请求过于频繁，请稍后再试。"


def current_worker(request) -> WorkerToken | None:
    key = request.COOKIES.get(WORKER_COOKIE, "")
    return signin.worker_for(key) if key else None


def worker_required(view):
    """Only a worker's cookie opens the page; anyone else goes to the portal's sign-in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        worker = current_worker(request)
        if worker is None:
            return redirect("portal:signin")
        request.worker = worker
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _set_worker_cookie(response: HttpResponse, key: str) -> None:
    response.set_cookie(
        WORKER_COOKIE,
        key,
        max_age=int(signin.TOKEN_VALID.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=not settings.DEVELOPMENT,
        path="/",
    )


@never_cache
def signin_page(request):
    """登录: the mobile number, then the SMS code."""
    if current_worker(request) is not None:
        return redirect("portal:home")
    context = {"phone": "", "code_sent": False, "error": "", "dev_outbox": settings.DEVELOPMENT}
    if request.method == "POST":
        phone = normalize_phone(request.POST.get("phone", ""))
        context["phone"] = phone
        if not PHONE.match(phone):
            context["error"] = "请输入11位手机号码。"
        elif "code" in request.POST:
            context["code_sent"] = True
            try:
                key = signin.check_code(phone, request.POST.get("code", "").strip())
            except signin.SignInError as exc:
                context["error"] = exc.message
            else:
                response = redirect("portal:home")
                _set_worker_cookie(response, key)
                return response
        elif not CODE_RATE.allow_request(request):
            context["error"] = TOO_OFTEN
        else:
            try:
                signin.send_code(phone)
            except (TooManyRequests, signin.SignInError) as exc:
                context["error"] = exc.message
            else:
                context["code_sent"] = True
    status = 200 if not context["error"] else 400
    return render(request, "portal/signin.html", context, status=status)


@worker_required
@require_POST
def signout(request):
    request.worker.delete()
    response = redirect("portal:signin")
    response.delete_cookie(WORKER_COOKIE, path="/", samesite="Lax")
    return response


@worker_required
def bind_page(request):
    """实名认证: name and ID number of the member whose registry phone is this number."""
    context = {"name": "", "error": "", "phone_masked": mask_phone(request.worker.phone)}
    if request.method == "POST":
        context["name"] = request.POST.get("name", "")
        try:
            binding.bind(request.worker, context["name"], request.POST.get("id_number", ""))
        except ValidationError as exc:
            context["error"] = "；".join(exc.messages)
        except (binding.BindError, TooManyRequests) as exc:
            context["error"] = exc.message
        else:
            return redirect("portal:home")
    status = 200 if not context["error"] else 400
    return render(request, "portal/bind.html", context, status=status)


def _card_context(request, membership) -> dict:
    if membership is None or not membership.is_current:
        return {"card": None}
    issued = ecard.issue(membership)
    url = ecard.verify_url(request, issued.token)
    refresh = int((ecard.VALID_FOR - ecard.REFRESH_BEFORE).total_seconds())
    return {"card": issued, "qr_svg": ecard.qr_svg(url), "verify_url": url, "refresh": refresh}


@worker_required
def home(request):
    """首页: the membership card, the e-card with its QR code, 附近驿站."""
    person = binding.bound_person(request.worker)
    if person is None:
        return redirect("portal:bind")
    membership = services.membership_of(person)
    context = {
        "person_masked": ecard.mask_name(person.name),
        "phone_masked": mask_phone(request.worker.phone),
        "membership": membership,
        "history": services.history_of(person),
        **_card_context(request, membership),
        "join_state": joining.state_of(person),  # 网上入会 (decision 0026)
    }
    from smartunion.portal.caseviews import home_context  # 消息 (decision 0027)

    context.update(home_context(person))
    return render(request, "portal/home.html", context)


@worker_required
@require_GET
def card(request):
    """The e-card's fragment, fetched again by htmx before the code expires."""
    person = binding.bound_person(request.worker)
    membership = services.membership_of(person) if person else None
    return render(request, "portal/_ecard.html", _card_context(request, membership))


def _throttled(request) -> HttpResponse | None:
    if VERIFY_RATE.allow_request(request):
        return None
    response = render(
        request, "portal/verify.html", {"throttled": True, "message": TOO_OFTEN}, status=429
    )
    response["Retry-After"] = str(int(VERIFY_RATE.wait() or 60))
    return response


@never_cache
def verify_landing(request):
    """会员证核验: scan the member's QR code with the phone's camera, or paste its code."""
    token = request.GET.get("token", "").strip()
    if token:
        if "/verify/" in token:  # the whole address was pasted
            token = token.rstrip("/").rsplit("/", 1)[-1]
        return redirect("verify_token", token=token)
    return render(request, "portal/verify.html", {"result": None})


@never_cache
def verify_page(request, token: str):
    """有效 / 已过期 / 无效, without login and without any ID number."""
    throttled = _throttled(request)
    if throttled is not None:
        return throttled
    result = ecard.check(token)
    return render(request, "portal/verify.html", {"result": result, "now": timezone.now()})


@login_required
@require_POST
def reset_binding(request, person_id: int):
    """解除职工之家绑定 (staff, from the member's page): the worker binds again."""
    found = binding.binding_for_staff(person_id, request.user)
    binding.reset_binding(found, actor=request.user)
    return redirect(reverse("members:detail", kwargs={"person_id": person_id}) + "#portal-binding")
