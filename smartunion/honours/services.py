"""Writes of the honours register: proposing a candidate (from a contest's award rules or a
selection), entering an honour held, naming a candidate, revoking, recording a death.

Every write checks the actor's role and scope, runs in one transaction and writes an audit
row; each refusal is a Chinese message naming the field, with nothing saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from smartunion.accounts.models import clerk_label
from smartunion.casework import money
from smartunion.casework.rates import require_province_admin
from smartunion.casework.services import today
from smartunion.core import audit
from smartunion.core.errors import Conflict, NotInScope
from smartunion.honours.codes import (
    DEFAULT_BENEFITS,
    DEFAULT_LEVEL,
    GRANTING_BODY,
    MODEL_KINDS,
    UNIT_KINDS,
    Level,
    ServiceKind,
    State,
    kind_from,
)
from smartunion.honours.models import BenefitRule, Honour, ServiceLog
from smartunion.members.models import Person
from smartunion.orgs.models import Organization

READ_ONLY = "您的账号只有查看权限，不能修改。"
FIRST_YEAR, LAST_YEAR = 1950, 2100


def _check_actor(actor) -> None:
    if actor is not None and not actor.can("change"):
        raise PermissionDenied(READ_ONLY)


def _check_year(year, problems: dict) -> None:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        problems["year"] = f"年度应为{FIRST_YEAR}至{LAST_YEAR}之间的年份。"


def propose_candidate(
    *, actor, person, kind: str, year: int, source: str, source_url: str = ""
) -> Honour:
    """A 候选 honour of ``kind`` for ``person`` in ``year``, proposed by ``source``.

    ``kind`` is a code of ``codes.Kind`` or its label (``"省五一劳动奖章"``); ``source`` names
    what proposed it (``"contest:12"``, ``"selection:3"``). Idempotent: proposing the same
    person, kind, year and source again returns the honour already there (whatever its state
    has become since). ``actor`` None is the system (seeds); a staff actor must see the person
    (else 404) and be allowed to change.
    """
    _check_actor(actor)
    if actor is not None and not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise NotInScope("人员")
    problems: dict[str, str] = {}
    code = kind_from(kind)
    if code is None:
        problems["kind"] = f"荣誉类型“{kind}”不在代码表中。"
    _check_year(year, problems)
    source = (source or "").strip()
    if not source:
        problems["source"] = "请填写候选荣誉的来源。"
    elif len(source) > 64:
        problems["source"] = "来源不能超过64个字符。"
    if len(source_url or "") > 300:
        problems["source_url"] = "来源链接不能超过300个字符。"
    if problems:
        raise ValidationError(problems)
    keys = dict(person=person, kind=code, year=year, source=source)
    existing = Honour.objects.filter(**keys).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            honour = Honour.objects.create(
                **keys,
                org_id=person.org_id,
                holder_name=person.name,
                level=DEFAULT_LEVEL[code],
                state=State.CANDIDATE,
                source_url=source_url or "",
            )
            audit.record(
                actor,
                "honours.propose",
                honour,
                changes={"kind": code, "year": year, "source": source, "state": State.CANDIDATE},
            )
    except IntegrityError:
        # Another proposal of the same person, kind, year and source committed first.
        existing = Honour.objects.filter(**keys).first()
        if existing is None:
            raise
        return existing
    return honour


# ---- the register -----------------------------------------------------------------------------

LEVEL_ORDER = [Level.NATIONAL, Level.PROVINCIAL, Level.CITY, Level.COUNTY, Level.ENTERPRISE]


@dataclass
class HonourData:
    """An honour already held, entered by staff (from the granting body's document)."""

    kind: str
    year: int
    person_id: int | None = None
    unit_id: int | None = None
    team_name: str = ""
    level: str = ""
    granting_body: str = ""
    document_no: str = ""
    deeds: str = ""


def _text(value, limit: int, name: str, label: str, problems: dict, required=False) -> str:
    value = (value or "").strip()
    if required and not value:
        problems[name] = f"请填写{label}。"
    elif len(value) > limit:
        problems[name] = f"{label}不能超过{limit}个字符。"
    return value


def _sync_model_flag(person: Person, actor) -> None:
    """是否劳模 on the person follows the model-worker honours they hold (derived, not typed)."""
    held = Honour.objects.filter(person=person, state=State.HELD, kind__in=MODEL_KINDS).exists()
    if person.is_model_worker != held:
        Person.objects.filter(pk=person.pk).update(is_model_worker=held)
        audit.record(
            actor, "members.person.model_worker", person, changes={"is_model_worker": held}
        )


@transaction.atomic
def create_honour(data: HonourData, *, actor) -> Honour:
    """Enter an honour held (在册) by a person or a unit in the actor's scope."""
    _check_actor(actor)
    problems: dict[str, str] = {}
    code = kind_from(data.kind)
    if code is None:
        problems["kind"] = (
            "请选择荣誉类型。" if not data.kind else f"荣誉类型“{data.kind}”不在代码表中。"
        )
    _check_year(data.year, problems)
    level = data.level or (DEFAULT_LEVEL[code] if code else "")
    if level not in Level.values:
        problems["level"] = f"级别“{level}”不在代码表中。"
    person = unit = None
    if data.person_id is not None:
        person = Person.objects.visible_to(actor, "change").filter(pk=data.person_id).first()
        if person is None:
            raise NotInScope("人员")
    if data.unit_id is not None:
        unit = Organization.objects.visible_to(actor, "change").filter(pk=data.unit_id).first()
        if unit is None:
            raise NotInScope("单位")
    if (person is None) == (unit is None):
        problems["person"] = (
            "请选择获得荣誉的人员，或（奖状、工人先锋号）获得荣誉的单位，二者选一。"
        )
    elif person is not None and code in UNIT_KINDS:
        problems["kind"] = "五一劳动奖状、工人先锋号授予单位或班组，请选择获得单位。"
    elif unit is not None and code and code not in UNIT_KINDS:
        problems["kind"] = "个人荣誉请选择获得荣誉的人员。"
    team = _text(data.team_name, 128, "team_name", "班组名称", problems)
    body = _text(data.granting_body, 128, "granting_body", "授予机关", problems)
    doc = _text(data.document_no, 64, "document_no", "文号", problems, required=True)
    deeds = _text(data.deeds, 4000, "deeds", "主要事迹", problems)
    if problems:
        raise ValidationError(problems)
    holder = person.name if person else (unit.name + (f" {team}" if team else ""))
    keys = dict(person=person, unit=unit, kind=code, year=data.year, source="")
    if unit is not None:
        keys["team_name"] = team
    if Honour.objects.filter(**keys).exists():
        raise Conflict("该获得者已登记同一年度的此项荣誉。", "kind")
    honour = Honour.objects.create(
        **keys,
        org_id=person.org_id if person else unit.pk,
        holder_name=holder[:200],
        level=level,
        granting_body=body or GRANTING_BODY[level],
        document_no=doc,
        deeds=deeds,
        state=State.HELD,
    )
    audit.record(
        actor,
        "honours.create",
        honour,
        changes={"kind": code, "level": level, "year": data.year, "document_no": doc},
    )
    if person is not None:
        _sync_model_flag(person, actor)
    return honour


def _lock(honour_id, actor) -> Honour:
    _check_actor(actor)
    try:
        return (
            Honour.objects.visible_to(actor, "change")
            .select_for_update(of=("self",))
            .select_related("org", "person")
            .get(pk=honour_id)
        )
    except (Honour.DoesNotExist, ValueError, TypeError):
        raise NotInScope("荣誉") from None


@transaction.atomic
def name_candidate(honour_id, *, actor, document_no: str, granting_body: str = "") -> Honour:
    """候选 → 在册: the honour was granted (by the document ``document_no``)."""
    honour = _lock(honour_id, actor)
    problems: dict[str, str] = {}
    doc = _text(document_no, 64, "document_no", "命名文号", problems, required=True)
    body = _text(granting_body, 128, "granting_body", "授予机关", problems)
    if honour.state != State.CANDIDATE:
        problems["state"] = f"当前状态为“{honour.get_state_display()}”，只有候选荣誉可以命名。"
    if problems:
        raise ValidationError(problems)
    honour.state = State.HELD
    honour.document_no = doc
    honour.granting_body = body or honour.granting_body or GRANTING_BODY[honour.level]
    honour.save(update_fields=["state", "document_no", "granting_body", "updated_at"])
    audit.record(actor, "honours.name", honour, changes={"state": ["candidate", "held"]})
    if honour.person_id:
        _sync_model_flag(honour.person, actor)
    return honour


@transaction.atomic
def revoke(honour_id, *, actor, reason: str, document: str, on: dt.date | None = None) -> Honour:
    """在册 → 撤销 with the reason and the document deciding it (SERVICES.md §6.4); the
    benefits stop with it."""
    honour = _lock(honour_id, actor)
    problems: dict[str, str] = {}
    reason = _text(reason, 300, "reason", "撤销原因", problems, required=True)
    document = _text(document, 128, "document", "撤销文件（文号）", problems, required=True)
    if honour.state != State.HELD:
        problems["state"] = f"当前状态为“{honour.get_state_display()}”，只有在册荣誉可以撤销。"
    if problems:
        raise ValidationError(problems)
    honour.state = State.REVOKED
    honour.revoked_reason, honour.revoked_document = reason, document
    honour.revoked_on = on or today()
    honour.save(
        update_fields=["state", "revoked_reason", "revoked_document", "revoked_on", "updated_at"]
    )
    audit.record(
        actor,
        "honours.revoke",
        honour,
        changes={"state": ["held", "revoked"], "reason": reason, "document": document},
    )
    if honour.person_id:
        _sync_model_flag(honour.person, actor)
    return honour


@transaction.atomic
def record_death(honour_id, *, actor, died_on: dt.date) -> Honour:
    """在册 → 已故 (every honour the person holds)."""
    honour = _lock(honour_id, actor)
    if honour.person_id is None:
        raise ValidationError({"state": "单位荣誉没有“已故”状态。"})
    if died_on is None or died_on > today():
        raise ValidationError({"died_on": "请填写去世日期（不能晚于今天）。"})
    rows = list(
        Honour.objects.select_for_update().filter(person_id=honour.person_id, state=State.HELD)
    )
    for row in rows:
        row.state, row.died_on = State.DECEASED, died_on
        row.save(update_fields=["state", "died_on", "updated_at"])
        audit.record(actor, "honours.death", row, changes={"state": ["held", "deceased"]})
    _sync_model_flag(honour.person, actor)
    honour.refresh_from_db()
    return honour


# ---- benefits and service logs ----------------------------------------------------------------


def ensure_benefit_rules() -> None:
    """The default row of each level (kept as the province edited them)."""
    if BenefitRule.objects.count() >= len(DEFAULT_BENEFITS):
        return
    for level, (allowance, check, trip, visits, visit) in DEFAULT_BENEFITS.items():
        BenefitRule.objects.get_or_create(
            level=level,
            defaults=dict(
                monthly_allowance=Decimal(allowance),
                health_check=check,
                rest_trip=trip,
                festival_visits=visits,
                visit_amount=Decimal(visit),
            ),
        )


@transaction.atomic
def save_benefit_rule(
    *,
    actor,
    level: str,
    monthly_allowance,
    health_check: bool,
    rest_trip: bool,
    festival_visits: int,
    visit_amount,
) -> BenefitRule:
    """The province edits the benefits of a level."""
    require_province_admin(actor)
    problems: dict[str, str] = {}
    if level not in Level.values:
        problems["level"] = f"级别“{level}”不在代码表中。"
    amounts = {}
    for name, label, raw in (
        ("monthly_allowance", "荣誉津贴", monthly_allowance),
        ("visit_amount", "每次慰问金", visit_amount),
    ):
        try:
            amounts[name] = money.parse_amount(raw, field=name, label=label, allow_zero=True)
            if amounts[name] > Decimal("100000"):
                problems[name] = f"{label}不能超过100,000元。"
        except ValidationError as exc:
            problems.update({k: v[0] for k, v in exc.message_dict.items()})
    if not isinstance(festival_visits, int) or not 0 <= festival_visits <= 12:
        problems["festival_visits"] = "节日慰问次数应为0至12次。"
    if problems:
        raise ValidationError(problems)
    rule, _ = BenefitRule.objects.select_for_update().get_or_create(level=level, defaults=amounts)
    before = {f: str(getattr(rule, f)) for f in ("monthly_allowance", "visit_amount")}
    for name, value in amounts.items():
        setattr(rule, name, value)
    rule.health_check, rule.rest_trip = bool(health_check), bool(rest_trip)
    rule.festival_visits = festival_visits
    rule.updated_by_name = clerk_label(actor)
    rule.save()
    audit.record(
        actor,
        "honours.benefits",
        rule,
        object_type="honours.benefitrule",
        changes={"level": level, "before": before, **{k: str(v) for k, v in amounts.items()}},
    )
    return rule


@dataclass(frozen=True)
class Benefits:
    level: str
    monthly_allowance: Decimal
    health_check: bool
    rest_trip: bool
    festival_visits: int
    visit_amount: Decimal


def benefits_of(person) -> Benefits | None:
    """The benefits a person's held model-worker honours give (the highest level counts), or
    None when they hold none (revoked, deceased or never named)."""
    levels = set(
        Honour.objects.filter(person=person, state=State.HELD, kind__in=MODEL_KINDS).values_list(
            "level", flat=True
        )
    )
    level = next((lv for lv in LEVEL_ORDER if lv in levels), None)
    if level is None:
        return None
    ensure_benefit_rules()
    rule = BenefitRule.objects.get(level=level)
    return Benefits(
        level=level,
        monthly_allowance=rule.monthly_allowance,
        health_check=rule.health_check,
        rest_trip=rule.rest_trip,
        festival_visits=rule.festival_visits,
        visit_amount=rule.visit_amount,
    )


@transaction.atomic
def add_service_log(
    *, actor, person_id, kind: str, happened_on: dt.date, amount=None, note: str = ""
) -> ServiceLog:
    """One service to a model worker (体检, 疗休养, 慰问, 津贴, 帮扶)."""
    _check_actor(actor)
    person = Person.objects.visible_to(actor, "change").filter(pk=person_id).first()
    if person is None:
        raise NotInScope("人员")
    problems: dict[str, str] = {}
    if kind not in ServiceKind.values:
        problems["kind"] = "请选择服务类型。"
    if happened_on is None or happened_on > today():
        problems["happened_on"] = "请填写服务日期（不能晚于今天）。"
    value = None
    if amount not in (None, ""):
        try:
            value = money.parse_amount(amount, field="amount", label="金额", allow_zero=True)
        except ValidationError as exc:
            problems.update({k: v[0] for k, v in exc.message_dict.items()})
    note = _text(note, 300, "note", "说明", problems)
    if (
        not Honour.objects.filter(person=person, kind__in=MODEL_KINDS)
        .exclude(state=State.CANDIDATE)
        .exists()
    ):
        problems["person"] = "该人员不是劳模，不能登记劳模服务记录。"
    if problems:
        raise ValidationError(problems)
    log = ServiceLog.objects.create(
        org_id=person.org_id,
        person=person,
        kind=kind,
        happened_on=happened_on,
        amount=value,
        note=note,
        recorded_by_name=clerk_label(actor),
    )
    audit.record(actor, "honours.service_log", log, changes={"kind": kind, "amount": value})
    return log
