"""Innovation studios (劳模和工匠人才创新工作室, SERVICES.md §6.8): naming, members, the
record (funding, outcomes, trainings, yearly re-checks) and the figures computed from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum

from smartunion.accounts.models import clerk_label
from smartunion.casework import money
from smartunion.casework.services import today
from smartunion.core import audit
from smartunion.core.errors import Conflict, NotInScope
from smartunion.honours import services
from smartunion.honours.codes import PATENT_KINDS, OutcomeKind, State, StudioState, StudioTier
from smartunion.honours.models import Honour, Studio, StudioMember, StudioRecord
from smartunion.members.models import Person
from smartunion.orgs.models import Organization
from smartunion.venues.models import Venue, VenueKind

Type = StudioRecord.Type


@dataclass
class StudioData:
    name: str
    tier: str
    named_year: int
    document_no: str
    leader_id: int
    venue_id: int | None = None
    field: str = ""


def _check_studio(data: StudioData, actor, *, studio: Studio | None = None) -> dict:
    """The studio's fields checked (a new studio and an edited one alike): the values to
    save, or a ValidationError naming each wrong field; 404 for a leader or venue outside
    the actor's scope."""
    leader = Person.objects.visible_to(actor, "change").filter(pk=data.leader_id).first()
    if leader is None:
        raise NotInScope("领衔人")
    venue = None
    if data.venue_id is not None:
        venue = Venue.objects.visible_to(actor, "change").filter(pk=data.venue_id).first()
        if venue is None:
            raise NotInScope("阵地")
    problems: dict[str, str] = {}
    name = services._text(data.name, 100, "name", "工作室名称", problems, required=True)
    if data.tier not in StudioTier.values:
        problems["tier"] = "请选择工作室级别。"
    services._check_year(data.named_year, problems)
    if "year" in problems:
        problems["named_year"] = problems.pop("year")
    doc = services._text(data.document_no, 64, "document_no", "命名文号", problems, required=True)
    topic = services._text(data.field, 200, "field", "研究方向", problems)
    honour = (
        Honour.objects.filter(person=leader, state=State.HELD).order_by("level", "-year").first()
    )
    if honour is None:
        problems["leader"] = "领衔人须是荣誉库中在册的劳模、工匠或五一奖章等荣誉获得者。"
    others = Studio.objects.exclude(pk=studio.pk) if studio else Studio.objects.all()
    if venue is not None:
        if venue.kind != VenueKind.STUDIO:
            problems["venue"] = "所选阵地不是“劳模和工匠人才创新工作室”类型。"
        elif others.filter(venue=venue).exists():
            problems["venue"] = "该阵地已对应另一个创新工作室。"
    if problems:
        raise ValidationError(problems)
    return dict(
        name=name,
        tier=data.tier,
        named_year=data.named_year,
        document_no=doc,
        leader=leader,
        leader_honour=honour,
        venue=venue,
        field=topic,
    )


@transaction.atomic
def create_studio(data: StudioData, org_id, *, actor) -> Studio:
    services._check_actor(actor)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("工会组织")
    values = _check_studio(data, actor)
    if Studio.objects.filter(org=org, name=values["name"]).exists():
        raise Conflict("本工会已有同名的创新工作室。", "name")
    studio = Studio.objects.create(org=org, **values)
    audit.record(
        actor, "honours.studio.create", studio, changes={"tier": data.tier, "year": data.named_year}
    )
    return studio


@transaction.atomic
def update_studio(studio_id, data: StudioData, *, actor) -> Studio:
    """修改工作室: name, tier, naming, leader (still holding an honour), venue, field."""
    studio = lock_studio(studio_id, actor)
    values = _check_studio(data, actor, studio=studio)
    if Studio.objects.filter(org=studio.org, name=values["name"]).exclude(pk=studio.pk).exists():
        raise Conflict("本工会已有同名的创新工作室。", "name")
    changes = {}
    for name, value in values.items():
        old = getattr(studio, name)
        if old != value:
            changes[name] = [_audit_value(old), _audit_value(value)]
            setattr(studio, name, value)
    if changes:
        studio.save()
        audit.record(actor, "honours.studio.update", studio, changes=changes)
    return studio


def _audit_value(value):
    """A changed field as the audit log keeps it: a related object (the leader, the honour,
    the venue) by its pk, never its ``str`` — no names of people in the append-only log."""
    if value is None:
        return None
    pk = getattr(value, "pk", None)
    if pk is not None:
        return pk
    return str(value)


def lock_studio(studio_id, actor) -> Studio:
    services._check_actor(actor)
    try:
        return (
            Studio.objects.visible_to(actor, "change")
            .select_for_update(of=("self",))
            .select_related("org")
            .get(pk=studio_id)
        )
    except (Studio.DoesNotExist, ValueError, TypeError):
        raise NotInScope("创新工作室") from None


@transaction.atomic
def add_member(studio_id, *, actor, person_id, role: str = "", joined_on=None) -> StudioMember:
    studio = lock_studio(studio_id, actor)
    person = Person.objects.visible_to(actor, "change").filter(pk=person_id).first()
    if person is None:
        raise NotInScope("人员")
    if StudioMember.objects.filter(studio=studio, person=person).exists():
        raise Conflict("该人员已是工作室成员。", "person")
    member = StudioMember.objects.create(
        studio=studio, person=person, role=(role or "").strip()[:64], joined_on=joined_on or today()
    )
    audit.record(actor, "honours.studio.member", studio, changes={"person": person.pk})
    return member


@dataclass
class RecordData:
    type: str
    happened_on: dt.date
    title: str
    outcome_kind: str = ""
    patent_no: str = ""
    amount: object = None
    trained: int = 0
    promoted: int = 0
    passed: bool | None = None


@transaction.atomic
def add_record(studio_id, data: RecordData, *, actor) -> StudioRecord:
    """One row of the studio's record; a failed re-check revokes the studio's name."""
    studio = lock_studio(studio_id, actor)
    problems: dict[str, str] = {}
    if data.type not in Type.values:
        problems["type"] = "请选择记录类型。"
    if data.happened_on is None or data.happened_on > today():
        problems["happened_on"] = "请填写日期（不能晚于今天）。"
    title = services._text(data.title, 200, "title", "名称/说明", problems, required=True)
    amount = Decimal("0.00")
    if data.amount not in (None, ""):
        try:
            amount = money.parse_amount(data.amount, field="amount", label="金额", allow_zero=True)
        except ValidationError as exc:
            problems.update({k: v[0] for k, v in exc.message_dict.items()})
    kind, patent = data.outcome_kind or "", (data.patent_no or "").strip()
    if data.type == Type.OUTCOME:
        if kind not in OutcomeKind.values:
            problems["outcome_kind"] = "请选择成果类型。"
        elif kind in PATENT_KINDS and not patent:
            problems["patent_no"] = "专利成果请填写专利号。"
    elif data.type == Type.FUNDING and amount <= 0 and "amount" not in problems:
        problems["amount"] = "请填写到账经费金额。"
    elif data.type == Type.RECHECK and data.passed is None:
        problems["passed"] = "请选择复核结论。"
    for name, label in (("trained", "培训人数"), ("promoted", "技能晋级人数")):
        value = getattr(data, name)
        if not isinstance(value, int) or not 0 <= value <= 100000:
            problems[name] = f"{label}应为0至100000。"
    if len(patent) > 32:
        problems["patent_no"] = "专利号不能超过32个字符。"
    if problems:
        raise ValidationError(problems)
    record = StudioRecord.objects.create(
        studio=studio,
        type=data.type,
        happened_on=data.happened_on,
        title=title,
        outcome_kind=kind if data.type == Type.OUTCOME else "",
        patent_no=patent if data.type == Type.OUTCOME else "",
        amount=amount,
        trained=data.trained if data.type == Type.TRAINING else 0,
        promoted=data.promoted if data.type == Type.TRAINING else 0,
        passed=data.passed if data.type == Type.RECHECK else None,
        recorded_by_name=clerk_label(actor),
    )
    if data.type == Type.RECHECK:
        studio.checked_year = data.happened_on.year
        if not data.passed:
            studio.state = StudioState.REVOKED
        studio.save(update_fields=["checked_year", "state"])
    audit.record(
        actor,
        "honours.studio.record",
        studio,
        changes={"type": data.type, "amount": amount, "passed": data.passed},
    )
    return record


FIGURES = dict(
    funding=Sum("amount", filter=Q(type=Type.FUNDING), default=Decimal("0.00")),
    outcomes=Count("id", filter=Q(type=Type.OUTCOME)),
    patents=Count("id", filter=Q(type=Type.OUTCOME, outcome_kind__in=list(PATENT_KINDS))),
    standards=Count("id", filter=Q(type=Type.OUTCOME, outcome_kind=OutcomeKind.STANDARD)),
    benefit=Sum("amount", filter=Q(type=Type.OUTCOME), default=Decimal("0.00")),
    trained=Sum("trained", default=0),
    promoted=Sum("promoted", default=0),
)


def figures(records) -> dict:
    """资金、成果、专利、标准、经济效益、培养和晋级人数 of a set of studio records."""
    return records.aggregate(**FIGURES)
