"""职工之家's 我要办事 and 我的办事 pages (decision 0027): apply, follow, answer a 补正, rate,
and the notices. Only a bound worker's cookie opens them; every object is looked up among the
worker's own (``portal.mine``), so another worker's id answers 404.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from smartunion.casework.attachments import attachments_of, limit_label
from smartunion.contests import services as contests
from smartunion.contests.codes import SkillLevel
from smartunion.core.actors import SELF_CLERK
from smartunion.core.errors import NotInScope
from smartunion.portal import apply, binding, ecard, joining, mine, notices
from smartunion.portal.views import worker_required

#: 回访 as the worker answers it: the three words of the callback (基本满意 counts as satisfied).
RATINGS = [("yes", "满意"), ("basic", "基本满意"), ("no", "不满意")]


def bound_required(view):
    """A bound worker only (``request.person``); a worker not yet bound goes to 实名认证."""

    @worker_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        person = binding.bound_person(request.worker)
        if person is None:
            return redirect("portal:bind")
        request.person = person
        return view(request, *args, **kwargs)

    return wrapper


def _messages(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {
            k: "；".join(str(m) for e in v for m in e.messages) for k, v in exc.error_dict.items()
        }
    return {"form": "；".join(exc.messages)}


def _page(request, template: str, context: dict, errors: dict | None = None):
    context = {
        "person_masked": ecard.mask_name(request.person.name),
        "errors": errors or {},
        "limit": limit_label(),
        **context,
    }
    return render(request, template, context, status=400 if errors else 200)


# ---- 我的办事 --------------------------------------------------------------------------------


@bound_required
def mine_list(request):
    """我的办事: each application, its state, the next step and its due date."""
    return _page(request, "portal/mine.html", {"items": mine.items_of(request.person.pk)})


def _detail_context(request, kind: str, item_id: int) -> dict:
    source, obj = mine.get(request.person.pk, kind, item_id)
    item = source.item(obj)
    case_type = getattr(obj, "case_type", None)
    actions = case_type.for_applicant(obj) if case_type else []
    return {
        "source": source,
        "obj": obj,
        "item": item,
        "timeline": source.timeline(obj),
        # The worker's own uploads only: what staff attached (their notes, other papers) is
        # theirs to show through the timeline's words.
        "files": (
            list(attachments_of(obj).filter(uploaded_by_name=SELF_CLERK)) if case_type else []
        ),
        "answers": [t for t in actions if t.form is None],
        "ratings": [t for t in actions if t.form is not None],
        "rating_choices": RATINGS,
    }


@bound_required
def mine_detail(request, kind: str, item_id: int):
    """One application: the timeline meant for the applicant, the files, what to do now."""
    return _page(request, "portal/mine_detail.html", _detail_context(request, kind, item_id))


@bound_required
@require_POST
def mine_answer(request, kind: str, item_id: int, action: str):
    """The applicant's transition (补正 answered with files and a note, or a rating)."""
    context = _detail_context(request, kind, item_id)
    obj = context["obj"]
    allowed = {t.name: t for t in context["answers"] + context["ratings"]}
    if action not in allowed:
        raise NotInScope("办理事项")
    t = allowed[action]
    note = request.POST.get("note", "")
    data = None
    if t.form is not None:
        data = {"satisfied": request.POST.get("satisfied", ""), "comment": note[:500]}
    try:
        apply.answer(
            request.person,
            obj,
            action,
            note=note,
            data=data,
            files=request.FILES.getlist("file"),
        )
    except (ValidationError, PermissionDenied) as exc:
        errors = _messages(exc) if isinstance(exc, ValidationError) else {"form": str(exc)}
        errors = {("form" if k == "satisfied" else k): v for k, v in errors.items()}
        context.update(note=note, action=action)
        return _page(request, "portal/mine_detail.html", context, errors)
    return redirect(reverse("portal:mine_detail", kwargs={"kind": kind, "item_id": item_id}))


# ---- 我要办事 --------------------------------------------------------------------------------


@bound_required
def apply_home(request):
    """我要办事: the four kinds of application."""
    return _page(
        request,
        "portal/apply.html",
        {"household": apply.household_file(request.person) is not None},
    )


def _created(case) -> str:
    return reverse(
        "portal:mine_detail",
        kwargs={"kind": case.case_type.key.split(".")[-1], "item_id": case.pk},
    )


def _apply_form(request, template: str, context: dict, create):
    if request.method != "POST":
        return _page(request, template, {**context, "values": {}})
    values = request.POST.dict()
    try:
        case = create(values, request.FILES.getlist("file"))
    except ValidationError as exc:
        return _page(request, template, {**context, "values": values}, _messages(exc))
    return redirect(_created(case))


@bound_required
def apply_request(request):
    """我有诉求: any category of the province's list, with photos from the phone."""
    from smartunion.servicerequests.models import RequestCategory

    categories = RequestCategory.objects.filter(active=True, parent=None).order_by("code")
    return _apply_form(
        request,
        "portal/apply_request.html",
        {"categories": categories, "prefill": request.GET.get("summary", "")[:500]},
        lambda v, files: apply.request_service(
            request.person,
            category=v.get("category", ""),
            summary=v.get("summary", ""),
            employer=v.get("employer", ""),
            files=files,
        ),
    )


@bound_required
def apply_legal_aid(request):
    """申请法律援助: the facts, what help, the other party; the union reviews it."""
    from smartunion.legalaid.codes import AidForm, Matter

    return _apply_form(
        request,
        "portal/apply_legal_aid.html",
        {"matters": Matter.choices, "aid_forms": AidForm.choices},
        lambda v, files: apply.apply_legal_aid(
            request.person,
            matter=v.get("matter", ""),
            aid_form=v.get("aid_form", ""),
            facts=v.get("facts", ""),
            employer=v.get("employer", ""),
            files=files,
        ),
    )


@bound_required
def apply_student_aid(request):
    """金秋助学: a child of the worker's household in the register, during a campaign."""
    from smartunion.assistance.codes import SchoolLevel
    from smartunion.assistance.student_aid import STUDENT_AID_LEVELS

    campaigns = list(apply.student_aid_campaigns(request.person))
    levels = [(v, label) for v, label in SchoolLevel.choices if v in STUDENT_AID_LEVELS]
    return _apply_form(
        request,
        "portal/apply_student_aid.html",
        {
            "campaigns": campaigns,
            "levels": levels,
            "household": apply.household_file(request.person) is not None,
        },
        lambda v, files: apply.apply_student_aid(
            request.person,
            campaign_id=v.get("campaign") or None,
            student_name=v.get("student_name", ""),
            student_id_number=v.get("student_id_number", ""),
            school=v.get("school", ""),
            level=v.get("level", ""),
            admission_year=v.get("admission_year", ""),
            files=files,
        ),
    )


def _counties(person):
    from smartunion.regions.models import Level, Region

    return Region.objects.in_province().filter(level=Level.COUNTY).order_by("code")


def _int(value, field: str, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"请填写{label}（整数）。"}) from None


@bound_required
def self_test(request):
    """困难职工自测 (nothing saved); from its result the worker applies for help (a 服务帮扶
    request, which the union turns into the national 档案表: 转为困难帮扶)."""
    from smartunion.assistance import services as assistance

    membership_region = getattr(apply.services.membership_of(request.person), "org", None)
    context = {
        "counties": _counties(request.person),
        "values": {"region": getattr(membership_region, "region_id", "") or ""},
        "result": None,
    }
    if request.method != "POST":
        return _page(request, "portal/self_test.html", context)
    values = request.POST.dict()
    context["values"] = values
    try:
        size = _int(values.get("household_size"), "household_size", "家庭人口")
        result = assistance.self_test(
            region=values.get("region", ""),
            year=timezone.localdate().year,
            household_size=size,
            annual_income=values.get("annual_income", ""),
            annual_rigid_expenses=values.get("annual_rigid_expenses") or "0",
            hardship_costs=values.get("hardship_costs") or "0",
        )
        if "apply" in values:
            case = apply.request_service(
                request.person,
                category=HARDSHIP_CATEGORY,
                summary=apply.hardship_summary(
                    result, household_size=size, region_name=result.region_name
                )
                + (values.get("note", "").strip()[:300]),
                files=request.FILES.getlist("file"),
            )
            return redirect(_created(case))
    except ValidationError as exc:
        return _page(request, "portal/self_test.html", context, _messages(exc))
    context["result"] = result
    return _page(request, "portal/self_test.html", context)


#: 服务帮扶: the category a self-test's application is filed under.
HARDSHIP_CATEGORY = "02"


# ---- 消息 ------------------------------------------------------------------------------------


@bound_required
def notice_list(request):
    """消息: everything that concerns the worker, newest first; opening it marks them read."""
    seen_at = request.person.worker_binding.notices_seen_at
    rows = notices.notices_for(request.person.pk, seen_at, limit=50)
    notices.mark_seen(request.person, timezone.now())
    return _page(request, "portal/notices.html", {"notices": rows})


def home_context(person) -> dict:
    """The notices block of the portal's home."""
    seen_at = person.worker_binding.notices_seen_at
    rows = notices.notices_for(person.pk, seen_at, limit=notices.SHOWN)
    return {"notices": rows[:5], "unread": sum(1 for n in rows if n.unread)}


# ---- 竞赛报名 (issue 16) ------------------------------------------------------------------------


@bound_required
def contest_page(request):
    """竞赛报名: the contests in 报名中 the member's union may enter; an entry goes through
    ``contests.services.enter_self`` to the unit's check (单位审核) and into 我的办事."""
    actor = joining.actor_for(request.worker, request.person)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            entry = contests.enter_self(
                posted.get("contest"),
                trade_id=posted.get("trade"),
                actor=actor,
                skill_level=posted.get("skill_level", ""),
            )
        except ValidationError as exc:
            errors = _messages(exc)
        else:
            return redirect(
                reverse("portal:mine_detail", kwargs={"kind": "entry", "item_id": entry.pk})
            )
    context = {
        "contests": contests.open_for_self(actor),
        "levels": SkillLevel.choices,
        "posted": posted,
    }
    return _page(request, "portal/contests.html", context, errors)
