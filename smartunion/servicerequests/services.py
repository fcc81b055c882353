"""Writes of service requests: taking one (受理), the handlers of its transitions (declared in
``workflows.REQUEST``, run by ``casework.services.transition``), spawning a legal-aid case,
and the province's code list.

Routing (SERVICES.md §4.1, the 12351 model): the union holding a request either handles it
or sends it down — only into its own subtree — to the union that must; a union that got it
wrongly sends it back up to the one above. The handler's result goes back up to the union
that took it, which calls the worker back: someone other than the handler. A dissatisfied
callback reopens the request once, at the union that handled it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from smartunion.casework import services as casework
from smartunion.casework.rates import require_province_admin
from smartunion.core import audit
from smartunion.core.errors import NotInScope
from smartunion.core.idnumber import mask_phone
from smartunion.members.models import Person
from smartunion.orgs.models import Organization
from smartunion.servicerequests.codes import DEFAULT_CATEGORIES, Channel, Urgency
from smartunion.servicerequests.models import Handoff, RequestCategory, ServiceRequest
from smartunion.stats import kept

READ_ONLY = "您的账号只有查看权限，不能修改。"


@dataclass
class RequestData:
    channel: str
    category: str
    caller_name: str
    summary: str
    urgency: str = Urgency.NORMAL
    caller_phone: str = ""
    employer: str = ""
    person_id: int | None = None
    counsellor_id: int | None = None


def ensure_categories(model=None) -> None:
    """The national five and the centre services, when the code list is empty (the data
    migration passes its own model; the tests call it again after a flush)."""
    model = model or RequestCategory
    if model.objects.exists():
        return
    model.objects.bulk_create(
        model(code=code, name=name, confidential=secret, legal_aid=legal)
        for code, name, secret, legal in DEFAULT_CATEGORIES
    )


def category_by_code(code: str) -> RequestCategory:
    category = RequestCategory.objects.filter(code=code or "", active=True).first()
    if category is None:
        raise ValidationError({"category": f"诉求分类“{code}”不在分类代码表中。"})
    return category


@transaction.atomic
def create_request(data: RequestData, org_id, *, actor, on: dt.date | None = None):
    """受理 a request at ``org``: it waits there to be handled or sent down."""
    if not actor.can("change"):
        raise PermissionDenied(READ_ONLY)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("工会组织")
    problems: dict[str, str] = {}
    if data.channel not in Channel.values:
        problems["channel"] = "请选择受理渠道。"
    if data.urgency not in Urgency.values:
        problems["urgency"] = "请选择问题难度。"
    category = None
    try:
        category = category_by_code(data.category)
    except ValidationError as exc:
        problems.update({k: v[0] for k, v in exc.message_dict.items()})
    person = None
    if data.person_id is not None:
        person = Person.objects.visible_to(actor).filter(pk=data.person_id).first()
        if person is None:
            raise NotInScope("人员")
    name = person.name if person else (data.caller_name or "").strip()
    if not name:
        problems["caller_name"] = "请填写来电/来访人姓名。"
    if not (data.summary or "").strip():
        problems["summary"] = "请填写诉求内容。"
    counsellor = None
    if category is not None and category.confidential:
        from smartunion.accounts.models import User

        counsellor = (
            User.objects.filter(pk=data.counsellor_id, is_active=True).first()
            if data.counsellor_id
            else None
        )
        path = counsellor.scope_path if counsellor else ""
        if not path or not (org.path.startswith(path) or path.startswith(org.path)):
            problems["counsellor"] = (
                "心理疏导须指定本工会或其上、下级工会的心理咨询师（平台账号）。"
            )
    if problems:
        raise ValidationError(problems)
    phone = (data.caller_phone or "").strip()
    request = ServiceRequest(
        org=org,
        intake_org=org,
        channel=data.channel,
        category=category,
        urgency=data.urgency,
        confidential=category.confidential,
        person=person,
        caller_name=name[:64],
        caller_phone=phone,
        caller_phone_masked=mask_phone(phone) if phone else "",
        employer=(data.employer or "").strip()[:128],
        summary=data.summary.strip(),
        counsellor=counsellor,
    )
    casework.open_case(request, actor=actor, on=on)
    return request


# ---- transition handlers ------------------------------------------------------------------------


def _handoff(request, kind, to_org, actor, note):
    Handoff.objects.create(
        request=request,
        kind=kind,
        from_org=request.org,
        to_org=to_org,
        note=(note or "")[:500],
        actor_name=casework.actor_label(actor)[0],
    )
    request.org = to_org


def on_send_down(request, actor, data, note):
    target = Organization.objects.filter(pk=data.get("to_org")).first()
    holder = request.org
    if (
        target is None
        or target.pk == holder.pk
        or not target.path.startswith(holder.path)
        or not target.path.startswith(actor.scope_path or target.path)
    ):
        raise ValidationError({"to_org": f"只能下派给{holder.name}的下级工会。"})
    _handoff(request, Handoff.DOWN, target, actor, note)


def on_send_back(request, actor, data, note):
    holder = request.org
    if holder.pk == request.intake_org_id or holder.parent_id is None:
        raise ValidationError("工单在受理工会，不能再退回上级。")
    _handoff(request, Handoff.UP, holder.parent, actor, note)


def on_accept(request, actor, data, note):
    request.handling_org = request.org


def on_report(request, actor, data, note):
    request.result = note
    request.handled_by_user_id = actor.pk
    request.handled_by_name = casework.actor_label(actor)[0]
    request.reported_on = casework.today()
    request.on_time = request.due_on is None or request.reported_on <= request.due_on
    if request.org_id != request.intake_org_id:
        _handoff(request, Handoff.REPORT, request.intake_org, actor, "办结反馈")


def on_callback(request, actor, data, note):
    if actor.pk is not None and request.handled_by_user_id == actor.pk:
        raise ValidationError("回访须由承办人以外的工作人员进行，承办人不能回访自己办理的工单。")
    # 基本满意 counts as satisfied (the field is yes/no); the comment keeps the nuance.
    satisfied = data["satisfied"] in ("yes", "basic")
    request.satisfied = satisfied
    comment = data.get("comment") or note or ""
    if data["satisfied"] == "basic":
        comment = f"基本满意。{comment}"
    request.callback_comment = comment[:500]
    request.callback_by_name = casework.actor_label(actor)[0]
    request.callback_on = casework.today()
    if not satisfied and not request.reopened:
        request.reopened = True
        if request.handling_org_id and request.handling_org_id != request.org_id:
            _handoff(request, Handoff.DOWN, request.handling_org, actor, "回访不满意，重新办理")
        return "handling"
    return None


def on_quality(request, actor, data, note):
    request.quality_flag = True
    request.quality_note = note[:500]


#: What a request can spawn: the case model's key → (the request's link field, what it is).
SPAWNED = {
    "legalaid.legalaidcase": ("legal_case", "法律援助案件"),
    "assistance.hardshipfile": ("hardship_file", "困难职工档案"),
}


def _spawned_kind(target_key: str) -> tuple[str, str]:
    try:
        return SPAWNED[target_key]
    except KeyError:
        raise ValidationError("诉求工单不能转为这类案件。") from None


def refuse_second_spawn(request, target_key: str) -> None:
    """A request spawns at most one case of each kind: the second is refused, naming the
    first (the worker has one file, one legal-aid case for the matter)."""
    field, what = _spawned_kind(target_key)
    existing = getattr(request, field)
    if existing is not None:
        raise ValidationError(f"该工单已转为{what} {existing.number}，不能重复转办。")


def attach_spawned(request, case, actor) -> None:
    """The request's side of a link to a case it spawned (both targets): one of each kind,
    the case must be one the actor may change, and the request's result says where it went."""
    key = case.case_type.key
    field, what = _spawned_kind(key)
    refuse_second_spawn(request, key)
    if not type(case).objects.visible_to(actor, "change").filter(pk=case.pk).exists():
        raise NotInScope(what)
    setattr(request, field, case)
    request.result = request.result or f"已转{what} {case.number}"


def on_spawn_legal_aid(request, actor, data, note):
    """转法律援助: open a legal-aid application from the request, with the worker's details."""
    from smartunion.casework.spawn import mark_origin
    from smartunion.legalaid import services as legalaid

    refuse_second_spawn(request, "legalaid.legalaidcase")
    case = legalaid.create_case(
        legalaid.CaseData(
            applicant_kind=data["applicant_kind"],
            applicant_name=request.caller_name,
            person_id=request.person_id,
            employer=request.employer,
            matter="labour",
            subtype=data.get("subtype") or "",
            aid_form=data["aid_form"],
            facts=request.summary,
            amount_in_dispute=data.get("amount_in_dispute") or None,
            income_per_head=data.get("income_per_head") or None,
            exemption=data.get("exemption") or "",
        ),
        request.org_id,
        actor=actor,
    )
    attach_spawned(request, case, actor)
    mark_origin(case, request, "诉求工单", actor=actor)


def on_spawn_hardship(request, actor, data, note):
    """转困难帮扶: link the hardship file opened from the request (the assistance module's own
    建档 form, pre-filled from the request: ``spawn_source``)."""
    from smartunion.assistance.models import HardshipFile

    file = (
        HardshipFile.objects.visible_to(actor, "change")
        .filter(pk=data.get("hardship_file"))
        .first()
    )
    if file is None:
        raise NotInScope("困难职工档案")
    attach_spawned(request, file, actor)
    if request.state == "dispatch":
        on_accept(request, actor, data, note)


# ---- the request as a source of other cases (casework.spawn) -------------------------------------


#: The request's transition that records a case opened from it in the case's own form.
SPAWN_TRANSITIONS = {"assistance.hardshipfile": "spawn_hardship"}


def spawn_prefill(request, target_key: str, user) -> dict:
    """What the request knows of the worker, for the form of the case it spawns — refused
    before anything is typed when the request may not spawn it (already did; its state; the
    user not at or above the union holding it)."""
    refuse_second_spawn(request, target_key)
    name = SPAWN_TRANSITIONS.get(target_key, "")
    casework.check_allowed(request, request.case_type.transition(name), user)
    person = request.person
    return {
        "org_id": person.org_id if person and person.org_id else request.org_id,
        "person_id": request.person_id,
        "name": person.name if person else request.caller_name,
        "id_number": person.id_masked if person else "",
        "phone": request.caller_phone_masked,
        "employer": request.employer,
        "reason": request.summary,
    }


def spawn_unmask(request, field: str, value: str) -> str | None:
    """The full number behind a masked value the prefill gave (``None``: not one of them)."""
    if field == "id_number" and request.person_id and value == request.person.id_masked:
        return request.person.id_number
    if field == "phone" and request.caller_phone and value == request.caller_phone_masked:
        return request.caller_phone
    return None


def spawn_link(request, case, actor) -> None:
    """Run the request's transition recording the case it spawned (checked, locked, on its
    timeline, audited like every transition)."""
    casework.transition(
        request,
        SPAWN_TRANSITIONS.get(case.case_type.key, ""),
        actor=actor,
        data={"hardship_file": case.pk},
        note=f"已转{_spawned_kind(case.case_type.key)[1]} {case.number}",
    )


# ---- the province's code list -------------------------------------------------------------------


@transaction.atomic
def save_category(
    *, code: str, name: str, parent_code: str = "", confidential=False, legal_aid=False, actor
):
    require_province_admin(actor)
    problems = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code.isdigit() or not 2 <= len(code) <= 8:
        problems["code"] = "代码应为2至8位数字。"
    if not name:
        problems["name"] = "请填写分类名称。"
    parent = None
    if parent_code:
        parent = RequestCategory.objects.filter(code=parent_code).first()
        if parent is None:
            problems["parent_code"] = f"大类“{parent_code}”不在分类代码表中。"
    if problems:
        raise ValidationError(problems)
    # A category moved under another counts its requests there (the statistics' summaries).
    with kept.records_changed(ServiceRequest.objects.filter(category__code=code)):
        row, _ = RequestCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name[:64],
                "parent": parent,
                "confidential": bool(confidential),
                "legal_aid": bool(legal_aid),
            },
        )
    audit.record(
        actor,
        "servicerequests.category",
        object_type="servicerequests.requestcategory",
        object_id=str(row.pk),
        changes={"code": code, "name": name},
    )
    return row


@transaction.atomic
def set_centre_head(*, org_id, head_user_id, actor):
    """职工服务中心: name the head of a union's centre (a staff account of that union or one
    below it), who then sees the counselling requests taken under it."""
    from smartunion.accounts.models import User
    from smartunion.casework.workflow import COUNTY_OR_ABOVE
    from smartunion.servicerequests.models import ServiceCentre

    if not actor.can("change"):
        raise PermissionDenied(READ_ONLY)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("工会组织")
    if org.kind not in COUNTY_OR_ABOVE:
        raise ValidationError({"org": "职工服务中心设在县级（含）以上工会。"})
    head = User.objects.filter(
        pk=head_user_id, is_active=True, scope_org__path__startswith=org.path
    ).first()
    if head is None:
        raise ValidationError({"head_user": "中心负责人须是该工会或其下级工会的工作人员账号。"})
    centre, _ = ServiceCentre.objects.update_or_create(org=org, defaults={"head": head})
    audit.record(
        actor,
        "servicerequests.centre",
        object_type="servicerequests.servicecentre",
        object_id=str(centre.pk),
        org_path=org.path,
        changes={"head": head.pk},
    )
    return centre
