"""网上入会: a signed-in worker joins a union from the phone (issue 14; decision 0026).

The worker picks a union (``search_unions``: 正常 grassroots unions by the union's or the
employer's name, with the path), fills the registry's fields, and ``join`` hands them to the
registry's own services with the worker as the actor (``core.actors.SelfActor``: recorded as
``worker:p<person>`` (or ``worker:t<token row>``) in the audit log and "本人（职工之家）" in the histories, never as a staff
account):

- nobody in the registry has the ID number → a new person with the signed-in number as phone
  and an application (channel 网上申请), in that union's pending list for its staff;
- the number is registered → only when the name matches and the registry's phone is the
  signed-in number (the binding's rule and its one message, so nobody learns whether an ID
  number is registered); then an application (rejoining) or, for a current member of another
  union, a transfer request that the receiving union decides;
- a worker bound already applies as that person (no name or number typed).

The number is bound to the person in the same transaction (name, ID number and the
registry's phone all match at that moment), so the worker follows the application on the
portal and, once approved, sees 我的会籍 and the e-card. Submissions are limited per number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from smartunion.core import audit, ratelimit
from smartunion.core.actors import SELF_CLERK, SelfActor
from smartunion.core.errors import TooManyRequests
from smartunion.members import services as registry
from smartunion.members.forms import IdNumberForm, PersonFieldsMixin
from smartunion.members.models import (
    ApplicationChannel,
    ChangeType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferKind,
    TransferStatus,
)
from smartunion.orgs.models import Organization, attach_path_names
from smartunion.portal.binding import NOT_VERIFIED, bound_person
from smartunion.portal.models import WorkerBinding, WorkerToken

TOO_MANY = "提交次数过多，请稍后再试，或到所在工会办理。"
PENDING = "您已提交过申请，正在等待工会审批，请勿重复提交。"
SEARCH_MIN = 2
#: The fields of 《工会会员基本信息采集表》 a worker fills on the phone (the ID number gives
#: gender and birth date; the signed-in number is the phone; 劳模 is for staff to record).
WORKER_FIELDS = tuple(f for f in registry.PERSON_FIELDS if f != "is_model_worker")


class JoinForm(PersonFieldsMixin, IdNumberForm):
    """入会申请 on the phone: the registry's fields (``members.forms``), without the phone
    (the signed-in number) and 劳模; a bound worker types no name and ID number."""

    field_order = ["name", "id_number"]

    def __init__(self, *args, bound: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["phone"], self.fields["is_model_worker"]
        if bound:
            del self.fields["name"], self.fields["id_number"]

    def extra(self) -> dict:
        return {key: self.cleaned_data[key] for key in WORKER_FIELDS}


def search_unions(q: str):
    """Open grassroots unions whose name or employer's name contains ``q`` (none for a query
    shorter than two characters); the caller pages them."""
    q = "".join((q or "").split())
    if len(q) < SEARCH_MIN:
        return Organization.objects.none()
    return registry.joinable_unions().filter(Q(name__contains=q) | Q(employer_name__contains=q))


def with_paths(unions: list[Organization]) -> list[Organization]:
    attach_path_names(unions)
    return unions


def joinable(org_id) -> Organization | None:
    try:
        return registry.joinable_unions().filter(pk=int(org_id)).first()
    except (TypeError, ValueError):
        return None


def union(org_id) -> Organization:
    """The union a worker names (any status: ``join`` says why it cannot take members), or a
    ValidationError on ``org``."""
    found = None
    try:
        found = Organization.objects.filter(pk=int(org_id)).first()
    except (TypeError, ValueError):
        pass
    if found is None:
        raise ValidationError({"org": "工会不存在，请重新选择。"})
    return found


def actor_for(worker: WorkerToken, person: Person | None = None) -> SelfActor:
    return SelfActor(worker.phone_index, worker.pk, person.pk if person else None)


def _audit_refusal(worker: WorkerToken, outcome: str, org: Organization) -> None:
    with transaction.atomic():
        audit.record(
            actor_for(worker),
            "portal.join",
            object_type="orgs.organization",
            object_id=str(org.pk),
            org_path=org.path,
            changes={"outcome": outcome},
        )


def _throttle(worker: WorkerToken, org: Organization) -> None:
    rate = ratelimit.parse_rate(settings.SMARTUNION_PORTAL_JOIN_RATE)
    if rate is None:
        return
    count, left = ratelimit.hit(f"portal-join:{worker.phone_index}", rate[1])
    if count > rate[0]:
        _audit_refusal(worker, "throttled", org)
        raise TooManyRequests(TOO_MANY, left)


def _pending(person: Person) -> bool:
    return (
        Membership.objects.filter(person=person, status=MembershipStatus.APPLIED).exists()
        or Transfer.objects.filter(person=person, status=TransferStatus.PENDING).exists()
    )


def join(
    worker: WorkerToken,
    org: Organization,
    *,
    name: str = "",
    id_number: str = "",
    extra: dict | None = None,
) -> Membership | Transfer:
    """网上入会 of the signed-in worker to ``org``: an application (``Membership`` 申请中) or,
    for a current member of another union, a transfer request (``Transfer``). Raises
    ``ValidationError`` (Chinese, by field), ``TooManyRequests``; saves nothing then."""
    _throttle(worker, org)
    org = registry.joinable_union(org)
    person = bound_person(worker)
    actor = actor_for(worker, person)
    if person is None:
        name, ident = registry.check_name_and_id_number(name, id_number)
        registry.check_join_age(ident, registry.today())
        person = registry.find_person_by_id_number(ident.number)
        if person is not None and (
            "".join(person.name.split()) != name or person.phone_hash != worker.phone_index
        ):
            _audit_refusal(worker, "not_verified", org)
            raise ValidationError(NOT_VERIFIED)
    try:
        with transaction.atomic():
            if person is not None and _pending(person):
                raise ValidationError(PENDING)
            current = Membership.objects.current().filter(person=person).first() if person else None
            if current is not None:
                result = registry.request_own_transfer(person, org, actor=actor)
            else:
                data = person or registry.PersonData(
                    name=name, id_number=ident.number, phone=worker.phone, extra=extra or {}
                )
                result = registry.apply_for_membership(
                    data, org, actor=actor, channel=ApplicationChannel.ONLINE
                )
            binding, _ = WorkerBinding.objects.get_or_create(
                phone_index=worker.phone_index,
                defaults={"person_id": result.person_id, "bound_at": timezone.now()},
            )
            if binding.person_id != result.person_id:
                # Bound to someone else meanwhile (two submissions at once): undo this one.
                raise IntegrityError("bound to another person")
    except (IntegrityError, Http404):
        # The person is bound to another number already, or the registry's phone of the bound
        # person changed since: the binding's answer.
        _audit_refusal(worker, "not_verified", org)
        raise ValidationError(NOT_VERIFIED) from None
    return result


# ---- following the application ------------------------------------------------------------

PENDING_LABEL, APPROVED_LABEL, REFUSED_LABEL, WITHDRAWN_LABEL = (
    "申请中",
    "已批准",
    "未通过",
    "已撤回",
)


@dataclass(frozen=True)
class JoinState:
    """Where the worker's latest 网上入会 stands."""

    kind: str  # "application" | "transfer"
    state: str  # "pending" | "approved" | "rejected" | "withdrawn"
    label: str
    union: Organization
    applied_on: dt.date
    decided_on: dt.date | None
    reason: str

    @property
    def kind_label(self) -> str:
        return "入会申请" if self.kind == "application" else "转会申请"


def _application_state(m: Membership) -> JoinState:
    if m.status == MembershipStatus.APPLIED:
        state, label, decided, reason = "pending", PENDING_LABEL, None, ""
    elif m.status == MembershipStatus.REJECTED:
        event = (
            MembershipEvent.objects.filter(membership=m, change_type=ChangeType.REJECT)
            .order_by("-id")
            .first()
        )
        state, label, decided = "rejected", REFUSED_LABEL, m.ended_on
        reason = event.note if event else ""
    else:
        state, label, decided, reason = "approved", APPROVED_LABEL, m.joined_on, ""
    return JoinState("application", state, label, m.org, m.applied_on, decided, reason)


TRANSFER_STATES = {
    TransferStatus.PENDING: ("pending", PENDING_LABEL),
    TransferStatus.ACCEPTED: ("approved", APPROVED_LABEL),
    TransferStatus.REJECTED: ("rejected", REFUSED_LABEL),
    TransferStatus.CANCELLED: ("withdrawn", WITHDRAWN_LABEL),
}


def state_of(person: Person | None) -> JoinState | None:
    """The person's latest online application or own transfer request (``None`` if none)."""
    if person is None:
        return None
    m = (
        Membership.objects.select_related("org")
        .filter(person=person, channel=ApplicationChannel.ONLINE)
        .order_by("-id")
        .first()
    )
    t = (
        Transfer.objects.select_related("to_org")
        .filter(person=person, kind=TransferKind.SEND, sent_by_name=SELF_CLERK)
        .order_by("-id")
        .first()
    )
    if t is not None and (m is None or t.created_at > m.created_at):
        state, label = TRANSFER_STATES[t.status]
        reason = t.note if state == "rejected" else ""
        return JoinState("transfer", state, label, t.to_org, t.sent_on, t.decided_on, reason)
    return _application_state(m) if m is not None else None


# ---- 我的办事 and 消息: the application and the own transfer request as sources --------------
# (``portal.mine``'s registry, registered from PortalConfig.ready; the decision's SMS comes from
# the registry's observer, ``members.decisions``.)

JOIN_SOURCE, TRANSFER_SOURCE = "join", "transfer"
#: The steps of an application the worker reads: (label, state after it).
APPLICATION_STEPS = {
    ChangeType.APPLY: ("提交申请", PENDING_LABEL),
    ChangeType.JOIN: ("批准入会", APPROVED_LABEL),
    ChangeType.REJECT: ("未予批准", REFUSED_LABEL),
}
TRANSFER_DECISIONS = {
    TransferStatus.ACCEPTED: "同意接收",
    TransferStatus.REJECTED: "不予接收",
    TransferStatus.CANCELLED: "申请已撤回",
}
#: What the decision's SMS says happened (portal.notices.send_sms).
DECIDED = "已有审批结果"


def _applications(person_id):
    return Membership.objects.select_related("org").filter(
        person_id=person_id, channel=ApplicationChannel.ONLINE
    )


def _own_requests(person_id):
    return Transfer.objects.select_related("from_org", "to_org").filter(
        person_id=person_id, kind=TransferKind.SEND, sent_by_name=SELF_CLERK
    )


def _one(rows, pk):
    try:
        return rows.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在。") from None


def _transfer_state(t: Transfer) -> JoinState:
    state, label = TRANSFER_STATES[t.status]
    return JoinState("transfer", state, label, t.to_org, t.sent_on, t.decided_on, "")


def application_item(m: Membership):
    from smartunion.portal import mine

    state = _application_state(m)
    pending = state.state == "pending"
    return mine.Item(
        source=JOIN_SOURCE,
        pk=m.pk,
        number="",
        kind=f"{state.kind_label}（{m.org.name}）",
        state=state.state,
        state_label=state.label,
        next_step=f"由{m.org.name}审批"
        if pending
        else ("已入会，可查看我的会籍和电子会员证" if state.state == "approved" else "已办结"),
        due_on=None,
        opened_on=m.applied_on,
        closed=not pending,
    )


def transfer_item(t: Transfer):
    from smartunion.portal import mine

    state = _transfer_state(t)
    pending = state.state == "pending"
    return mine.Item(
        source=TRANSFER_SOURCE,
        pk=t.pk,
        number="",
        kind=f"{state.kind_label}（转入{t.to_org.name}）",
        state=state.state,
        state_label=state.label,
        next_step=f"由{t.to_org.name}审批" if pending else "已办结",
        due_on=None,
        opened_on=t.sent_on,
        closed=not pending,
    )


def application_timeline(m: Membership) -> list:
    from smartunion.portal import mine

    events = (
        MembershipEvent.objects.select_related("org")
        .filter(membership=m, change_type__in=list(APPLICATION_STEPS))
        .order_by("created_at", "id")
    )
    return [
        mine.Entry(
            at=e.created_at,
            label=APPLICATION_STEPS[e.change_type][0],
            state_label=APPLICATION_STEPS[e.change_type][1],
            org_name="" if e.actor_name == SELF_CLERK else e.org.name,
            note=e.note if e.change_type == ChangeType.REJECT else "",
        )
        for e in events
    ]


def transfer_timeline(t: Transfer) -> list:
    """The request and its decision (the membership's step recorded with the decision)."""
    from smartunion.portal import mine

    rows = [mine.Entry(t.created_at, "提交申请", PENDING_LABEL, "", "")]
    if t.status == TransferStatus.PENDING:
        return rows
    decision = (
        MembershipEvent.objects.filter(
            membership_id=t.membership_id,
            change_type__in=(ChangeType.TRANSFER_OUT, ChangeType.TRANSFER_CANCELLED),
            created_at__gte=t.created_at,
        )
        .order_by("id")
        .first()
    )
    if decision is not None:
        org = t.to_org if t.status == TransferStatus.CANCELLED else t.from_org
        rows.append(
            mine.Entry(
                decision.created_at,
                TRANSFER_DECISIONS[t.status],
                TRANSFER_STATES[t.status][1],
                org.name,
                decision.note if t.status == TransferStatus.REJECTED else "",
            )
        )
    return rows


def _decision_notices(source: str, rows, item, timeline, seen_at) -> list:
    """A RESULT notice for each decided row (its last step), none for what the worker did."""
    from smartunion.portal import notices

    out = []
    for row in rows:
        it = item(row)
        if not it.closed:
            continue
        steps = timeline(row)
        if len(steps) < 2:
            continue
        last = steps[-1]
        out.append(
            notices.Notice(
                at=last.at,
                kind=notices.RESULT,
                title=it.kind,
                text=f"{last.label}：{last.state_label}",
                source=source,
                pk=row.pk,
                unread=seen_at is None or last.at > seen_at,
            )
        )
    return out


def sources() -> list:
    """The 网上入会 application and the own transfer request as sources of 我的办事."""
    from smartunion.portal import mine

    return [
        mine.Source(
            key=JOIN_SOURCE,
            label="入会申请",
            items=lambda pid: [application_item(m) for m in _applications(pid).order_by("-id")],
            get=lambda pid, pk: _one(_applications(pid), pk),
            timeline=application_timeline,
            item=application_item,
            notices=lambda pid, seen_at: _decision_notices(
                JOIN_SOURCE,
                _applications(pid).exclude(status=MembershipStatus.APPLIED).order_by("-id")[:10],
                application_item,
                application_timeline,
                seen_at,
            ),
        ),
        mine.Source(
            key=TRANSFER_SOURCE,
            label="转会申请",
            items=lambda pid: [transfer_item(t) for t in _own_requests(pid).order_by("-id")],
            get=lambda pid, pk: _one(_own_requests(pid), pk),
            timeline=transfer_timeline,
            item=transfer_item,
            notices=lambda pid, seen_at: _decision_notices(
                TRANSFER_SOURCE,
                _own_requests(pid).exclude(status=TransferStatus.PENDING).order_by("-id")[:10],
                transfer_item,
                transfer_timeline,
                seen_at,
            ),
        ),
    ]


def on_decision(kind: str, pk: int) -> None:
    """``members.decisions``' observer (after the commit): an SMS to a worker who applied on
    the portal, saying only that the decision is there (no name, union or reason)."""
    from smartunion.members import decisions

    if kind == decisions.APPLICATION:
        row = Membership.objects.filter(pk=pk, channel=ApplicationChannel.ONLINE).first()
        label = "入会申请"
    else:
        row = Transfer.objects.filter(
            pk=pk, kind=TransferKind.SEND, sent_by_name=SELF_CLERK
        ).first()
        label = "转会申请"
    if row is None:
        return
    from smartunion.portal.tasks import send_notice_sms

    send_notice_sms.enqueue(row.person_id, label, DECIDED)
