"""Membership lifecycle (会籍管理, DOMAIN.md §3): every write is one of these verbs.

Each verb runs in one transaction, locks the rows it reads to change, checks the actor's
scope, writes a MembershipEvent with the national change type and reason, keeps the member
counters, and appends to the audit log. Errors are ValidationErrors with Chinese messages
keyed by field, so forms, the API and imports show them the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from smartunion.accounts import second_factor
from smartunion.accounts.models import clerk_label
from smartunion.core import audit, crypto, ratelimit
from smartunion.core.actors import SelfActor, is_self
from smartunion.core.errors import Conflict, NotInScope, TooManyRequests
from smartunion.core.idnumber import IdNumber, age_on, mask_phone, parse_id_number, validate_phone
from smartunion.members import counted as member_counted
from smartunion.members import decisions
from smartunion.members import summaries as member_summaries
from smartunion.members.models import (
    CURRENT_STATUSES,
    RETAIN_REASONS,
    ApplicationChannel,
    ChangeReason,
    ChangeType,
    EndType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferKind,
    TransferStatus,
)
from smartunion.orgs import counters
from smartunion.orgs.models import GRASSROOTS_KINDS, SEGMENT, Organization, Status
from smartunion.regions.models import known_region_codes

PERSON_FIELDS = (
    "ethnicity",
    "education",
    "political_status",
    "hukou_type",
    "is_migrant_worker",
    "employment_status",
    "skill_level",
    "occupation",
    "professional_title",
    "new_form_type",
    "is_model_worker",
)

STALE = "该会员的会籍已发生变化（可能刚被他人处理），请刷新页面后重试。"
DECIDED = "该转会已处理（可能刚被他人处理），请刷新页面。"


@dataclass
class PersonData:
    """What a form, an API call or an import row says about a person."""

    name: str
    id_number: str
    phone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def today() -> dt.date:
    return timezone.localdate()


def id_blind_index(number: str) -> str:
    return crypto.blind_index("id:" + number)


def phone_blind_index(phone: str) -> str:
    return crypto.blind_index("phone:" + phone)


def check_id_number(raw: str) -> IdNumber:
    """Parse an ID number, raising ValidationError on the ``id_number`` field."""
    try:
        return parse_id_number(raw, known_regions=known_region_codes() or None)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None


def check_name_and_id_number(name: str, id_number: str) -> tuple[str, IdNumber]:
    """A full name (spaces removed) and a parsed ID number to look a person up by (申请转入,
    the workers' real-name binding); ValidationError naming the field."""
    name = "".join((name or "").split())
    if not name:
        raise ValidationError({"name": "请填写姓名。"})
    if not (id_number or "").strip():
        raise ValidationError({"id_number": "请填写身份证号码。"})
    return name, check_id_number(id_number)


def join_ages() -> tuple[int, int]:
    """The youngest and oldest age at which a person may join (settings)."""
    return settings.SMARTUNION_MIN_JOIN_AGE, settings.SMARTUNION_MAX_JOIN_AGE


def join_age_error(ident: IdNumber, on: dt.date, ages: tuple[int, int] | None = None) -> str:
    """Why this person may not join on that day ("" if they may).

    ``ages``: ``join_ages()`` read once by a caller checking millions of rows.
    """
    low, high = ages or join_ages()
    age = age_on(ident.birth_date, on)
    if low <= age <= high:
        return ""
    return f"入会时年龄应在{low}至{high}周岁之间，按身份证号码计算为{age}周岁。"


def check_join_age(ident: IdNumber, on: dt.date) -> None:
    if message := join_age_error(ident, on):
        raise ValidationError({"id_number": message})


def find_person_by_id_number(number: str) -> Person | None:
    """Exact lookup through the blind index (the caller scopes the result)."""
    return Person.objects.filter(id_hash=id_blind_index(number)).first()


def joinable_unions():
    """The unions a worker may apply to on the portal (网上入会): 正常 grassroots unions
    (单独 or 联合基层工会), anywhere in the deployment."""
    return Organization.objects.filter(kind__in=GRASSROOTS_KINDS, status=Status.NORMAL)


NOT_JOINABLE = "“{name}”不是基层工会，请选择您所在单位（或所在区域、行业联合）的基层工会。"


def joinable_union(org: Organization, field_name: str = "org") -> Organization:
    """The union re-read, if a worker may apply to it; else ValidationError on ``field_name``."""
    fresh = Organization.objects.filter(pk=org.pk).first()
    if fresh is None:
        raise ValidationError({field_name: "工会不存在，请重新选择。"})
    _require_active_org(fresh, field_name)
    if not fresh.is_grassroots:
        raise ValidationError({field_name: NOT_JOINABLE.format(name=fresh.name)})
    return fresh


def _fresh_org(org: Organization, actor, *, action: str, field_name: str) -> Organization:
    """Re-read the union (the caller's copy may be stale), within the actor's scope; for a
    worker acting for themself (no scope), any union they may apply to."""
    if is_self(actor):
        return joinable_union(org, field_name)
    fresh = Organization.objects.visible_to(actor, action).filter(pk=org.pk).first()
    if fresh is None:
        if field_name == "org":
            raise NotInScope("工会组织")
        raise ValidationError({field_name: "工会不存在或不在您的管理范围内。"})
    _require_active_org(fresh, field_name)
    return fresh


def province_unions(actor):
    """The unions a transfer may go to: every union of the actor's province (the root of its
    scope). Only what a transfer needs of them is shown (name and place in the tree)."""
    if actor.is_superuser:
        return Organization.objects.all()
    if not actor.scope_path:
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=actor.scope_path[:SEGMENT])


def _province_org(org: Organization, actor) -> Organization:
    fresh = province_unions(actor).filter(pk=org.pk).first()
    if fresh is None:
        raise ValidationError({"to_org": "转入工会不存在，请重新选择。"})
    _require_active_org(fresh, "to_org")
    return fresh


def _require_active_org(org: Organization, field_name: str = "org") -> None:
    if not org.is_active:
        raise ValidationError(
            {field_name: f"“{org.name}”已{org.get_status_display()}，不能接收会员。"}
        )


def _event(membership, change_type, *, actor, on, reason="", note="", org=None) -> MembershipEvent:
    """A membership event, counted at once in the statistics' summaries."""
    event = MembershipEvent.objects.create(
        person_id=membership.person_id,
        membership=membership,
        org=org or membership.org,
        change_type=change_type,
        reason=reason,
        occurred_on=on,
        note=note,
        actor_id=getattr(actor, "pk", None),
        actor_name=clerk_label(actor),
    )
    # The summaries' rows are written under the counters' root lock, taken after the records
    # the service changes (lock order: orgs/counters.py; a move of a union holds the root
    # while it rewrites the same rows).
    counters.lock_roots()
    member_summaries.events_added([event])
    return event


def _save_unique(obj) -> None:
    """Save, turning a unique-constraint race into the constraint's Chinese message."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        text = str(exc)
        for constraint in type(obj)._meta.constraints:
            if constraint.name in text:
                raise ValidationError(constraint.violation_error_message) from None
        if "id_hash" in text:
            raise ValidationError(
                {"id_number": "该身份证号码已登记，不能重复登记同一个人。"}
            ) from None
        # SQLite names the columns, not the constraint ("UNIQUE constraint failed:
        # members_membership.person_id" fits two of them): ask the constraints which one it is.
        try:
            obj.validate_constraints()
        except ValidationError as found:
            raise ValidationError(found.messages[0]) from None
        raise Conflict(STALE) from None


def _check_day(
    on: dt.date,
    field_name: str = "on",
    *,
    label: str = "日期",
    not_before: tuple[tuple[str, dt.date | None], ...] = (),
) -> None:
    """A date of a membership step: never in the future, never before the step it follows.

    ``not_before`` pairs the Chinese name of an earlier date with that date (None is skipped).
    """
    if on > today():
        raise ValidationError({field_name: f"{label}不能晚于今天。"})
    for name, earlier in not_before:
        if earlier is not None and on < earlier:
            raise ValidationError({field_name: f"{label}不能早于{name}。"})


def _new_person(data: PersonData, org: Organization, ident: IdNumber) -> Person:
    name = (data.name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写姓名。"})
    if len(name) > 64:
        raise ValidationError({"name": "姓名不能超过64个字。"})
    phone = validate_phone(data.phone) if data.phone else ""
    id_hash = id_blind_index(ident.number)
    if Person.objects.filter(id_hash=id_hash).exists():
        raise ValidationError({"id_number": "该身份证号码已登记，不能重复登记同一个人。"})
    person = Person(
        id_number=ident.number,
        id_hash=id_hash,
        id_masked=ident.masked,
        gender=ident.gender,
        birth_date=ident.birth_date,
        phone=phone,
        phone_hash=phone_blind_index(phone) if phone else "",
        phone_masked=mask_phone(phone) if phone else "",
        org=org,
        **{k: v for k, v in data.extra.items() if k in PERSON_FIELDS},
    )
    person.set_name(name)
    person.full_clean(exclude=["org", "id_number", "phone"], validate_constraints=False)
    _save_unique(person)
    return person


def _phone_error(exc: ValidationError) -> ValidationError:
    return ValidationError({"phone": exc.messages})


def _person_for(data: PersonData, org: Organization, ident: IdNumber) -> Person:
    """The person a join names: new, or known and rejoining (rejoining is allowed).

    A person with a current membership elsewhere must be transferred, never joined twice; a
    known number with another name is a typing error or a false identity, never merged.
    """
    existing = (
        Person.objects.select_for_update().filter(id_hash=id_blind_index(ident.number)).first()
    )
    if existing is None:
        try:
            return _new_person(data, org, ident)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "phone":
                raise _phone_error(exc) from None
            raise
    if existing.memberships.filter(status__in=CURRENT_STATUSES).exists():
        raise ValidationError(
            {"id_number": "此人已是会员（每人只能有一个有效会籍），如已换工作请办理转会。"}
        )
    if existing.name != (data.name or "").strip():
        raise ValidationError(
            {"id_number": "该身份证号码已登记为另一姓名的人员，请核对姓名和号码。"}
        )
    existing.org = org
    existing.save(update_fields=["org", "updated_at"])
    return existing


@transaction.atomic
def register_member(
    data: PersonData,
    org: Organization,
    *,
    actor,
    joined_on: dt.date | None = None,
    card_no: str = "",
) -> Membership:
    """Record a member already approved on paper: a new person with a current membership."""
    org = _fresh_org(org, actor, action="change", field_name="org")
    joined_on = joined_on or today()
    if joined_on > today():
        raise ValidationError({"joined_on": "入会日期不能晚于今天。"})
    ident = check_id_number(data.id_number)
    check_join_age(ident, joined_on)
    person = _person_for(data, org, ident)
    membership = Membership(
        person=person,
        org=org,
        status=MembershipStatus.ACTIVE,
        channel=ApplicationChannel.PAPER_RECORD,
        applied_on=joined_on,
        joined_on=joined_on,
        card_no=card_no,
    )
    if card_no and Membership.objects.current().filter(card_no=card_no).exists():
        raise ValidationError({"card_no": "该会员证号已被其他会员使用，请核对。"})
    _save_unique(membership)
    if not card_no:
        membership.card_no = issue_card_no(membership)
        membership.save(update_fields=["card_no"])
    _event(membership, ChangeType.JOIN, actor=actor, on=joined_on, reason=ChangeReason.APPLICATION)
    counters.add_members({org.pk: +1})
    member_summaries.memberships_added([membership.pk])
    audit.record(
        actor, "member.register", person, changes={"org": org.pk, "id_number": ident.masked}
    )
    return membership


def issue_card_no(membership: Membership) -> str:
    """会员证号: province code and the approving membership's number, unique for ever."""
    return f"{settings.SMARTUNION_PROVINCE}{membership.pk:010d}"


@transaction.atomic
def apply_for_membership(
    data: PersonData | Person,
    org: Organization,
    *,
    actor,
    channel: str = ApplicationChannel.WRITTEN,
    applied_on: dt.date | None = None,
) -> Membership:
    """入会申请: a new person, or a known person who is not a current member (rejoining).

    ``actor`` is staff (the union in their scope), or the worker themself on the portal
    (``SelfActor``: 网上入会, to any open grassroots union; a known person must have the signed-in
    number as the registry's phone)."""
    org = _fresh_org(org, actor, action="change", field_name="org")
    applied_on = applied_on or today()
    _check_day(applied_on, "applied_on", label="申请日期")
    if isinstance(data, Person):
        person = _own_persons(actor).select_for_update(of=("self",)).filter(pk=data.pk).first()
        if person is None:
            raise NotInScope("会员")
        ident = check_id_number(person.id_number)
    else:
        ident = check_id_number(data.id_number)
        check_join_age(ident, applied_on)
        person = _person_for(data, org, ident)
    check_join_age(ident, applied_on)
    if person.memberships.filter(status__in=CURRENT_STATUSES).exists():
        raise ValidationError("此人已是会员（每人只能有一个有效会籍），如已换工作请办理转会。")
    membership = Membership(
        person=person,
        org=org,
        status=MembershipStatus.APPLIED,
        channel=channel,
        applied_on=applied_on,
    )
    _save_unique(membership)
    if person.org_id != org.pk:
        person.org = org
        person.save(update_fields=["org", "updated_at"])
    _event(
        membership, ChangeType.APPLY, actor=actor, on=applied_on, reason=ChangeReason.APPLICATION
    )
    audit.record(actor, "member.apply", membership, changes={"org": org.pk, "channel": channel})
    return membership


def _own_persons(actor):
    """The persons ``actor`` may change: staff, in their scope; a worker acting for themself,
    the person their number is bound to, or before binding the person whose registry phone is
    the signed-in number."""
    if is_self(actor):
        if actor.person_id is not None:
            return Person.objects.filter(pk=actor.person_id)
        return Person.objects.filter(phone_hash=actor.phone_index).exclude(phone_hash="")
    return Person.objects.visible_to(actor, "change")


@transaction.atomic
def request_own_transfer(person: Person, to_org: Organization, *, actor: SelfActor) -> Transfer:
    """A transfer asked by the member themself (网上入会 of someone who is a current member of
    another union, who now works where ``to_org`` is): the receiving union decides, as it does
    a transfer the old union sends (the membership follows the labour relation: it moves on
    ``accept_transfer``, or the receiving union refuses with a reason); until then nothing
    changes. Its sender is the member (``sent_by_name``: core.actors.SELF_CLERK)."""
    to_org = _fresh_org(to_org, actor, action="change", field_name="org")
    current = (
        Membership.objects.current()
        .select_for_update(of=("self",))
        .select_related("org", "person")
        .filter(person__in=_own_persons(actor).filter(pk=person.pk))
        .first()
    )
    if current is None:
        raise Conflict(STALE)
    if current.org_id == to_org.pk:
        raise ValidationError({"org": "您已是该工会的会员，无需申请。"})
    return _open_transfer(
        current,
        to_org,
        TransferKind.SEND,
        actor=actor,
        reason=ChangeReason.LABOR_RELATION,
        note="",
    )


def _lock(membership: Membership, actor, *, expect: tuple[str, ...]) -> Membership:
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("org", "person")
        .visible_to(actor, "change")
        .filter(pk=membership.pk)
        .first()
    )
    if locked is None:
        raise NotInScope("会员")
    if locked.status not in expect:
        raise Conflict(STALE)
    return locked


@transaction.atomic
def approve_application(membership: Membership, *, actor, on: dt.date | None = None) -> Membership:
    """批准入会: membership counts from the approval date; a 会员证号 is issued."""
    m = _lock(membership, actor, expect=(MembershipStatus.APPLIED,))
    _require_active_org(m.org)
    on = on or today()
    _check_day(on, label="批准日期", not_before=(("申请日期", m.applied_on),))
    m.status = MembershipStatus.ACTIVE
    m.joined_on = on
    _save_unique(m)
    m.card_no = issue_card_no(m)
    m.save(update_fields=["card_no", "updated_at"])
    _event(m, ChangeType.JOIN, actor=actor, on=on, reason=ChangeReason.APPLICATION)
    counters.add_members({m.org_id: +1})
    member_summaries.memberships_added([m.pk])
    audit.record(
        actor, "member.approve", m, changes={"status": ["applied", "active"], "card_no": m.card_no}
    )
    decisions.decided(decisions.APPLICATION, m.pk)
    return m


@transaction.atomic
def reject_application(membership: Membership, *, actor, note: str = "") -> Membership:
    m = _lock(membership, actor, expect=(MembershipStatus.APPLIED,))
    m.status = MembershipStatus.REJECTED
    m.ended_on = today()
    m.save(update_fields=["status", "ended_on", "updated_at"])
    _event(m, ChangeType.REJECT, actor=actor, on=m.ended_on, note=note)
    audit.record(
        actor, "member.reject", m, changes={"status": ["applied", "rejected"], "note": note}
    )
    decisions.decided(decisions.APPLICATION, m.pk)
    return m


@transaction.atomic
def send_transfer(
    membership: Membership,
    to_org: Organization,
    *,
    actor,
    reason: str = ChangeReason.LABOR_RELATION,
    note: str = "",
) -> Transfer:
    """发起转会 from the old union to any union of the province. The person stays a member
    there until the receiving union (or an admin above it) accepts."""
    m = _lock(membership, actor, expect=(MembershipStatus.ACTIVE, MembershipStatus.RETAINED))
    to_org = _province_org(to_org, actor)
    if to_org.pk == m.org_id:
        raise ValidationError({"to_org": "转入工会不能与当前所在工会相同。"})
    return _open_transfer(m, to_org, TransferKind.SEND, actor=actor, reason=reason, note=note)


def _open_transfer(
    m: Membership, to_org: Organization, kind: str, *, actor, reason: str, note: str
) -> Transfer:
    """The pending transfer of a locked current membership, its history step and audit row."""
    transfer = Transfer(
        kind=kind,
        membership=m,
        person_id=m.person_id,
        from_org_id=m.org_id,
        to_org=to_org,
        reason=reason,
        note=note,
        sent_on=today(),
        sent_by_name=clerk_label(actor),
    )
    _save_unique(transfer)
    request = kind == TransferKind.REQUEST
    _event(
        m,
        ChangeType.TRANSFER_SENT,
        actor=actor,
        on=transfer.sent_on,
        reason=reason,
        note=f"{to_org.name}申请转入" if request else f"转入{to_org.name}",
    )
    audit.record(
        actor,
        "member.transfer_request" if request else "member.transfer_send",
        m,
        changes={"to_org": to_org.pk, "transfer": transfer.pk},
    )
    return transfer


@transaction.atomic
def accept_transfer(transfer: Transfer, *, actor) -> Membership:
    """接收转会 (转出: by the new union) or 同意转出 (申请转入: by the old union): ends the old
    membership and opens the new one in the same transaction."""
    t = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_org")
        .filter(pk=transfer.pk)
        .first()
    )
    if t is None or not _holds(actor, t.deciding_org_id):
        raise NotInScope("转会记录")
    if t.status != TransferStatus.PENDING:
        raise Conflict(DECIDED)
    _require_active_org(t.to_org, "to_org")
    old = Membership.objects.select_for_update().select_related("person").get(pk=t.membership_id)
    if old.status not in CURRENT_STATUSES or old.org_id != t.from_org_id:
        raise Conflict(STALE)
    on = today()
    counted = member_summaries.before([old.pk])
    old.status = MembershipStatus.ENDED
    old.end_type = EndType.TRANSFERRED
    old.ended_on = on
    old.save(update_fields=["status", "end_type", "ended_on", "updated_at"])
    new = Membership(
        person=old.person,  # read with the old one: its counted attributes for the copies
        org=t.to_org,
        # Moving with a new job: a retained member becomes active again in the new union.
        status=MembershipStatus.ACTIVE,
        channel=old.channel,
        applied_on=old.applied_on,
        joined_on=old.joined_on,
        card_no=old.card_no,
    )
    _save_unique(new)
    t.status = TransferStatus.ACCEPTED
    t.decided_on = on
    t.decided_by_name = clerk_label(actor)
    t.save(update_fields=["status", "decided_on", "decided_by_name"])
    _event(
        old,
        ChangeType.TRANSFER_OUT,
        actor=actor,
        on=on,
        reason=t.reason,
        note=f"转入{t.to_org.name}",
    )
    _event(
        new,
        ChangeType.TRANSFER_IN,
        actor=actor,
        on=on,
        reason=t.reason,
        note=f"自{old.org.name}转入",
    )
    Person.objects.filter(pk=old.person_id).update(org=t.to_org, updated_at=timezone.now())
    counters.add_members({old.org_id: -1, new.org_id: +1})
    member_summaries.after(counted, [old.pk, new.pk])
    audit.record(
        actor, "member.transfer_accept", new, changes={"from_org": old.org_id, "to_org": new.org_id}
    )
    decisions.decided(decisions.TRANSFER, t.pk)
    return new


@transaction.atomic
def decline_transfer(transfer: Transfer, *, actor, note: str = "") -> Transfer:
    """撤回 (by the side that started it) or 退回/拒绝 (by the side that decides) a pending
    transfer. Refusing a request for a member (申请转入) needs a reason."""
    t = Transfer.objects.select_for_update(of=("self",)).filter(pk=transfer.pk).first()
    if t is None or not Transfer.objects.visible_to(actor, "change").filter(pk=t.pk).exists():
        raise NotInScope("转会记录")
    if t.status != TransferStatus.PENDING:
        raise Conflict(DECIDED)
    starting_side = _holds(actor, t.starting_org_id)
    if t.is_request and not starting_side and not note.strip():
        raise ValidationError({"note": "请填写不同意转出的理由，对方工会会看到。"})
    t.status = TransferStatus.CANCELLED if starting_side else TransferStatus.REJECTED
    t.decided_on = today()
    t.decided_by_name = clerk_label(actor)
    t.note = (t.note + " " + note).strip()[:200]
    t.save(update_fields=["status", "decided_on", "decided_by_name", "note"])
    _event(t.membership, ChangeType.TRANSFER_CANCELLED, actor=actor, on=t.decided_on, note=note)
    audit.record(
        actor,
        "member.transfer_decline",
        t.membership,
        changes={"transfer": t.pk, "status": t.status},
    )
    decisions.decided(decisions.TRANSFER, t.pk)
    return t


def _holds(actor, org_id: int) -> bool:
    """Whether the actor may change the records of this union (it lies in their subtree)."""
    return Organization.objects.visible_to(actor, "change").filter(pk=org_id).exists()


# 申请转入: what a lookup by name and ID number may answer.
#
# The receiving union's staff type the person's full name and full ID number, as on the ID
# card the person shows them. Only a pair that matches a registered person tells them more:
# that the person is a current member of another union (a request is sent there, and they see
# that union's name so they can follow it up) or of none (then they register an application,
# as the 入会 form would tell them anyway). Every other pair — a wrong name for a registered
# number, or a number nobody registered — gets the same answer, so the lookup cannot tell
# someone holding only a number whether it is registered, or under which name. A lookup that
# finds no current member (a wrong guess, or a person who is no member) counts as a miss: an
# account's misses are limited per time slot (SMARTUNION_TRANSFER_LOOKUP_RATE), so guessing
# names for a number is slow, and every lookup is in the audit log (the name and the outcome,
# never the number). A malformed number is refused before any lookup: it tells nothing.
NO_MATCH = "姓名与身份证号码不一致（或该号码没有会员登记），请核对后重试。"
NOT_A_MEMBER = "此人目前不是任何工会的会员（没有在籍或保留会籍），不必转会，请直接办理入会申请。"
ALREADY_OURS = "此人已是您管理范围内的会员，请在会员页直接办理转会。"
LOOKUP_THROTTLED = "查询未匹配的次数过多，请{wait}后再试。"
LOOKUP_MISSES = ("mismatch", "not_member")


def _lookup_rate() -> tuple[int, int] | None:
    return ratelimit.parse_rate(settings.SMARTUNION_TRANSFER_LOOKUP_RATE)


def _wait_words(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 120 else f"{(seconds + 59) // 60}分钟"


def request_transfer(
    name: str,
    id_number: str,
    to_org: Organization,
    *,
    actor,
    reason: str = ChangeReason.LABOR_RELATION,
    note: str = "",
) -> Transfer:
    """申请转入: the receiving union asks for a current member of another union, found by full
    name and full ID number; the person's union approves (the transfer completes, as
    ``accept_transfer``) or refuses with a reason. Until then nothing changes."""
    name, ident = check_name_and_id_number(name, id_number)
    to_org = _fresh_org(to_org, actor, action="change", field_name="to_org")
    rate, key = _lookup_rate(), f"transfer-lookup:{actor.pk}"
    if rate:
        misses, left = ratelimit.used(key, rate[1])
        if misses >= rate[0]:
            raise TooManyRequests(LOOKUP_THROTTLED.format(wait=_wait_words(left)), left)
    person = Person.objects.filter(id_hash=id_blind_index(ident.number)).first()
    matches = person is not None and "".join(person.name.split()) == name
    current = Membership.objects.current().filter(person=person).first() if matches else None
    if not matches:
        outcome = "mismatch"
    elif current is None:
        outcome = "not_member"
    elif _holds(actor, current.org_id):
        outcome = "in_scope"
    else:
        outcome = "matched"
    with transaction.atomic():
        audit.record(
            actor,
            "member.transfer_lookup",
            object_type="members.person",
            org_path=to_org.path,
            changes={"name": name, "to_org": to_org.pk, "outcome": outcome},
        )
    if outcome != "matched":
        if rate and outcome in LOOKUP_MISSES:
            ratelimit.hit(key, rate[1])
        # Not on one field: the name and the number together do not match.
        message = {"mismatch": NO_MATCH, "not_member": NOT_A_MEMBER, "in_scope": ALREADY_OURS}
        raise ValidationError(message[outcome])
    return _send_request(current, to_org, actor=actor, reason=reason, note=note)


@transaction.atomic
def _send_request(membership: Membership, to_org: Organization, *, actor, reason, note):
    # The member is not in the actor's scope: locked without it (the lookup above matched).
    m = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("org", "person")
        .filter(pk=membership.pk, status__in=CURRENT_STATUSES)
        .first()
    )
    if m is None:
        raise Conflict(STALE)
    return _open_transfer(m, to_org, TransferKind.REQUEST, actor=actor, reason=reason, note=note)


def transfer_membership(
    membership: Membership,
    to_org: Organization,
    *,
    actor,
    reason: str = ChangeReason.LABOR_RELATION,
    note: str = "",
) -> Membership:
    """转会 in one step, for an actor in charge of both unions (their scope holds both)."""
    with transaction.atomic():
        to_org = _fresh_org(to_org, actor, action="change", field_name="to_org")
        # Accepting moves the counters after sending has written its audit entry: take the
        # membership, then the counters' lock, before (lock order: orgs/counters.py).
        _lock(membership, actor, expect=(MembershipStatus.ACTIVE, MembershipStatus.RETAINED))
        counters.lock_roots()
        transfer = send_transfer(membership, to_org, actor=actor, reason=reason, note=note)
        return accept_transfer(transfer, actor=actor)


@transaction.atomic
def retain_membership(
    membership: Membership, *, actor, reason: str, on: dt.date | None = None
) -> Membership:
    """保留会籍 on retirement, 内退, unemployment or the employer closing: no dues, no vote."""
    if reason not in RETAIN_REASONS:
        raise ValidationError(
            {"reason": "保留会籍的原因应为退休、内退、失业、下岗待岗或企业破产。"}
        )
    m = _lock(membership, actor, expect=(MembershipStatus.ACTIVE,))
    _check_day(on or today(), not_before=(("入会日期", m.joined_on),))
    m.status = MembershipStatus.RETAINED
    m.retained_on = on or today()
    m.save(update_fields=["status", "retained_on", "updated_at"])
    _event(m, ChangeType.RETAIN, actor=actor, on=m.retained_on, reason=reason)
    audit.record(
        actor, "member.retain", m, changes={"status": ["active", "retained"], "reason": reason}
    )
    return m


@transaction.atomic
def restore_membership(membership: Membership, *, actor, on: dt.date | None = None) -> Membership:
    """恢复会籍 when the person is employed again (to move union too, send a transfer)."""
    m = _lock(membership, actor, expect=(MembershipStatus.RETAINED,))
    _require_active_org(m.org)
    _check_day(on or today(), not_before=(("保留会籍日期", m.retained_on),))
    m.status = MembershipStatus.ACTIVE
    m.retained_on = None
    m.save(update_fields=["status", "retained_on", "updated_at"])
    _event(m, ChangeType.RESTORE, actor=actor, on=on or today(), reason=ChangeReason.REEMPLOYED)
    audit.record(actor, "member.restore", m, changes={"status": ["retained", "active"]})
    return m


def _end(membership, *, actor, end_type, change_type, reason, on, note, action) -> Membership:
    m = _lock(membership, actor, expect=CURRENT_STATUSES)
    if Transfer.objects.filter(membership=m, status=TransferStatus.PENDING).exists():
        raise ValidationError("该会员有一笔待接收的转会，请先撤回转会。")
    _check_day(on or today(), not_before=(("入会日期", m.joined_on),))
    before = m.status
    counted = member_summaries.before([m.pk])
    m.status = MembershipStatus.ENDED
    m.end_type = end_type
    m.ended_on = on or today()
    m.save(update_fields=["status", "end_type", "ended_on", "updated_at"])
    _event(m, change_type, actor=actor, on=m.ended_on, reason=reason, note=note)
    counters.add_members({m.org_id: -1})
    member_summaries.after(counted, [m.pk])
    audit.record(
        actor, action, m, changes={"status": [before, "ended"], "reason": reason, "note": note}
    )
    return m


@transaction.atomic
def leave_union(
    membership: Membership, *, actor, on: dt.date | None = None, note: str = ""
) -> Membership:
    """退会: on the member's written request, approved by the union committee."""
    return _end(
        membership,
        actor=actor,
        end_type=EndType.LEFT,
        change_type=ChangeType.LEAVE,
        reason=ChangeReason.PERSONAL,
        on=on,
        note=note,
        action="member.leave",
    )


@transaction.atomic
def expel_member(
    membership: Membership, *, actor, on: dt.date | None = None, note: str = ""
) -> Membership:
    """开除会籍 (除名) after a criminal penalty, by decision of the union committee."""
    return _end(
        membership,
        actor=actor,
        end_type=EndType.EXPELLED,
        change_type=ChangeType.REMOVE,
        reason=ChangeReason.CRIME,
        on=on,
        note=note,
        action="member.expel",
    )


@transaction.atomic
def update_person(person: Person, changes: dict[str, Any], *, actor) -> Person:
    """Edit a person's own fields (not the ID number: a wrong one means a new registration)."""
    p = (
        Person.objects.select_for_update(of=("self",))
        .visible_to(actor, "change")
        .filter(pk=person.pk)
        .first()
    )
    if p is None:
        raise NotInScope("会员")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name:
            raise ValidationError({"name": "请填写姓名。"})
        if name != p.name:
            before["name"], after["name"] = p.name, name
            p.set_name(name)
    if "phone" in changes:
        try:
            phone = validate_phone(changes["phone"]) if changes["phone"] else ""
        except ValidationError as exc:
            raise _phone_error(exc) from None
        if phone != p.phone:
            before["phone"], after["phone"] = p.phone_masked, mask_phone(phone) if phone else ""
            p.phone = phone
            p.phone_hash = phone_blind_index(phone) if phone else ""
            p.phone_masked = mask_phone(phone) if phone else ""
    for key in PERSON_FIELDS:
        if key in changes and changes[key] != getattr(p, key):
            before[key], after[key] = getattr(p, key), changes[key]
            setattr(p, key, changes[key])
    p.full_clean(
        exclude=["org", "id_number", "phone"], validate_unique=False, validate_constraints=False
    )
    counted = None
    if after.keys() & member_summaries.PERSON_FIELDS:
        # The summaries' lock order: the counters' root first (orgs/counters.py).
        counters.lock_roots()
        counted = member_summaries.before(person_ids=[p.pk])
    p.save()
    if counted is not None:
        member_counted.refresh(person_ids=[p.pk])
        member_summaries.after(counted, person_ids=[p.pk])
    if after:
        audit.record(actor, "member.update", p, changes={k: [before[k], after[k]] for k in after})
    return p


def reveal_person_pii(person: Person, *, actor, field_name: str) -> str:
    """Show an ID number or phone in full: needs the permission, writes an access-log row."""
    if field_name not in ("id_number", "phone"):
        raise ValueError(field_name)
    if not Person.objects.visible_to(actor, "reveal_pii").filter(pk=person.pk).exists():
        raise NotInScope("会员")
    if not second_factor.satisfied(actor, "reveal_pii"):
        raise PermissionDenied(second_factor.STEP_UP_MESSAGE)
    with transaction.atomic():
        audit.record(actor, "pii.reveal", person, changes={"field": field_name})
    return getattr(person, field_name)
