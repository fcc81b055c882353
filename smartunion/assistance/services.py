"""Writes of hardship assistance: opening and editing a household's file, the handlers of its
transitions, aid payments, the self-test, and the configuration the province edits.

Every function checks what it is given and raises Chinese ValidationErrors keyed by field
(``members.0.id_number`` for the first household member's ID number), so the pages, the API
and imports show them the same way; nothing is saved when anything is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from smartunion.assistance.codes import (
    AidType,
    Category,
    Cause,
    Disability,
    DisabilityGrade,
    FileSource,
    FilingLevel,
    Health,
    Housing,
    HousingArea,
    HukouKind,
    Identity,
    Marital,
    MedicalInsurance,
    ModelWorkerType,
    Relation,
    SchoolLevel,
    WorkStatus,
)
from smartunion.assistance.models import ExclusionItem, HardshipFile, HouseholdMember, Rules
from smartunion.assistance.rules import DIBAO, Assessment, assess, standard_for
from smartunion.casework import money, rates
from smartunion.casework import services as casework
from smartunion.casework.models import FundSource, RegionalRate
from smartunion.core import audit
from smartunion.core.bankcard import mask_bank_card, validate_bank_card
from smartunion.core.errors import NotInScope
from smartunion.core.idnumber import IdNumber, parse_id_number
from smartunion.members.models import Person
from smartunion.members.services import PersonData, id_blind_index, register_member
from smartunion.orgs.models import Organization
from smartunion.regions.models import Level, Region
from smartunion.stats import kept

MAX_HOUSEHOLD = 30
MAX_SECONDARY = 3
#: States in which a file's figures may be edited.
EDITABLE_STATES = ("draft", "returned", "in_file")
#: A household member's ``active`` is off in these states (the file is closed).
CLOSED_STATES = ("refused", "exited", "resolved", "cancelled")

FILE_FIELDS = (
    "work_status",
    "model_worker_type",
    "marital_status",
    "hukou_kind",
    "housing",
    "housing_area",
    "address",
    "employer",
    "work_since",
    "single_parent",
    "zero_employment",
    "self_reliant",
    "other_annual_income",
    "annual_rigid_expenses",
    "hardship_costs",
    "main_cause",
    "secondary_causes",
    "cause_note",
    "exclusions",
    "bank_name",
    "bank_branch",
    "filing_level",
    "legacy_category",
    "note",
    "national_file_no",
)
MONEY_FIELDS = {
    "other_annual_income": "家庭其他非薪资年收入",
    "annual_rigid_expenses": "年度刚性支出",
    "hardship_costs": "本年致困费用",
}
CHOICE_FIELDS = {
    "work_status": (WorkStatus, True),
    "model_worker_type": (ModelWorkerType, True),
    "marital_status": (Marital, True),
    "hukou_kind": (HukouKind, True),
    "housing": (Housing, True),
    "housing_area": (HousingArea, False),
    "filing_level": (FilingLevel, True),
}
LABELS = {
    "work_status": "工作状态/身份",
    "model_worker_type": "劳模类型",
    "marital_status": "婚姻状况",
    "hukou_kind": "户口类型",
    "housing": "住房类型",
    "housing_area": "建筑面积",
    "filing_level": "建档标准",
    "address": "家庭住址",
}


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class MemberData:
    """One household member as a form, the API or an import gives them."""

    name: str
    id_number: str
    relation: str
    monthly_income: Any = "0"
    health: str = Health.GOOD
    disease: str = ""
    disability: str = ""
    disability_grade: str = ""
    medical_insurance: str = MedicalInsurance.RESIDENT
    identity: str = Identity.OTHER
    school_level: str = ""
    school_or_employer: str = ""


@dataclass
class FileData:
    """A household's file: the head (a registry person, or one to register) and the rest."""

    values: dict[str, Any]
    head: MemberData
    family: list[MemberData] = field(default_factory=list)
    region: str = ""
    bank_card: str | None = None  # None: unchanged


# ---- checking what is given --------------------------------------------------------------------


def _choice(value, choices, key: str, label: str, *, required: bool) -> str:
    value = "" if value is None else str(value)
    if not value:
        if required:
            raise ValidationError({key: f"请选择{label}。"})
        return ""
    if value not in choices.values:
        raise ValidationError({key: f"{label}不正确，请从列表中选择。"})
    return value


def _member(data: MemberData, index: int) -> tuple[MemberData, IdNumber, Decimal]:
    key = f"members.{index}"
    if not (data.name or "").strip():
        raise ValidationError({f"{key}.name": "请填写姓名。"})
    if len(data.name.strip()) > 64:
        raise ValidationError({f"{key}.name": "姓名不能超过64个字。"})
    try:
        ident = parse_id_number(data.id_number)
    except ValidationError as exc:
        who = "户主" if index == 0 else f"第{index}位家庭成员"
        raise ValidationError({f"{key}.id_number": [f"{who}：{m}" for m in exc.messages]}) from None
    income = money.parse_amount(
        data.monthly_income, field=f"{key}.monthly_income", label="月收入", allow_zero=True
    )
    if income > Decimal("100000000"):
        raise ValidationError({f"{key}.monthly_income": "月收入不能超过1亿元。"})
    _choice(data.relation, Relation, f"{key}.relation", "与户主关系", required=True)
    _choice(data.health, Health, f"{key}.health", "健康状况", required=True)
    _choice(data.disability, Disability, f"{key}.disability", "残疾类别", required=False)
    _choice(
        data.disability_grade,
        DisabilityGrade,
        f"{key}.disability_grade",
        "残疾等级",
        required=False,
    )
    if data.disability and not data.disability_grade:
        raise ValidationError({f"{key}.disability_grade": "请选择残疾等级。"})
    _choice(
        data.medical_insurance,
        MedicalInsurance,
        f"{key}.medical_insurance",
        "医保状况",
        required=True,
    )
    _choice(data.identity, Identity, f"{key}.identity", "人员身份", required=True)
    _choice(data.school_level, SchoolLevel, f"{key}.school_level", "当前学历", required=False)
    return data, ident, income


def _household(head: MemberData, family: list[MemberData]):
    if len(family) + 1 > MAX_HOUSEHOLD:
        raise ValidationError({"members": f"家庭人口不能超过{MAX_HOUSEHOLD}人。"})
    head = MemberData(**{**head.__dict__, "relation": Relation.SELF})
    checked = [_member(head, 0)]
    for i, m in enumerate(family, 1):
        if m.relation == Relation.SELF:
            raise ValidationError(
                {f"members.{i}.relation": "户主只有一位：家庭成员的关系不能是“本人”。"}
            )
        checked.append(_member(m, i))
    seen: dict[str, int] = {}
    for i, (_, ident, _) in enumerate(checked):
        if ident.number in seen:
            if seen[ident.number] == 0:
                raise ValidationError(
                    {
                        f"members.{i}.id_number": "户主不能同时作为自己的家庭成员（身份证号码与户主相同）。"
                    }
                )
            raise ValidationError(
                {f"members.{i}.id_number": f"与第{seen[ident.number]}位家庭成员的身份证号码相同。"}
            )
        seen[ident.number] = i
    return checked


def _causes(values: dict) -> None:
    main = values.get("main_cause")
    if isinstance(main, list | tuple):
        raise ValidationError({"main_cause": "主要致困原因只能选一项。"})
    _choice(main, Cause, "main_cause", "主要致困原因", required=True)
    secondary = values.get("secondary_causes") or []
    if not isinstance(secondary, list | tuple):
        raise ValidationError({"secondary_causes": "次要致困原因格式不正确。"})
    secondary = [str(c) for c in secondary]
    if len(secondary) > MAX_SECONDARY:
        raise ValidationError({"secondary_causes": f"次要致困原因最多选{MAX_SECONDARY}项。"})
    if any(c not in Cause.values for c in secondary):
        raise ValidationError({"secondary_causes": "次要致困原因不正确，请从列表中选择。"})
    if str(main) in secondary:
        raise ValidationError({"secondary_causes": "次要致困原因不能与主要致困原因相同。"})
    if len(set(secondary)) != len(secondary):
        raise ValidationError({"secondary_causes": "次要致困原因重复。"})
    values["secondary_causes"] = secondary


def _exclusions(values: dict, *, complete: bool) -> dict[str, bool]:
    answers = values.get("exclusions") or {}
    if not isinstance(answers, dict):
        raise ValidationError({"exclusions": "不予建档情形核查格式不正确。"})
    items = {i.code: i for i in ExclusionItem.objects.filter(active=True)}
    unknown = (
        set(answers)
        - set(items)
        - set(ExclusionItem.objects.filter(active=False).values_list("code", flat=True))
    )
    if unknown:
        raise ValidationError({"exclusions": "不予建档情形核查中有不存在的项目。"})
    if complete:
        missing = [i.text for code, i in items.items() if code not in answers]
        if missing:
            raise ValidationError(
                {"exclusions": f"请逐项回答不予建档情形核查（未回答：{missing[0]}）。"}
            )
    return {k: bool(v) for k, v in answers.items()}


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code or "").first()
    if region is None:
        raise ValidationError({"region": "户口所在地（县区）不正确。"})
    if region.level == Level.PROVINCE:
        raise ValidationError({"region": "户口所在地请选择到县区。"})
    return region


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in values.items() if k in FILE_FIELDS}
    for key, (choices, required) in CHOICE_FIELDS.items():
        if key in out or required:
            out[key] = _choice(out.get(key), choices, key, LABELS[key], required=required)
    for key, label in MONEY_FIELDS.items():
        out[key] = money.parse_amount(
            out.get(key, "0") or "0", field=key, label=label, allow_zero=True
        )
    address = (out.get("address") or "").strip()
    if not address:
        raise ValidationError({"address": "请填写家庭住址。"})
    out["address"] = address[:200]
    for key, limit in (
        ("employer", 128),
        ("cause_note", 500),
        ("bank_name", 64),
        ("bank_branch", 64),
        ("note", 500),
    ):
        out[key] = (out.get(key) or "").strip()[:limit]
    work_since = out.get("work_since")
    if work_since and work_since > today():
        raise ValidationError({"work_since": "参加工作时间不能晚于今天。"})
    for key in ("single_parent", "zero_employment", "self_reliant"):
        out[key] = bool(out.get(key))
    _causes(out)
    return out


# ---- the household's figures ---------------------------------------------------------------------


def annual_income_of(incomes: list[Decimal], other_annual_income: Decimal) -> Decimal:
    """家庭年度总收入: twelve months of every member's income and the other yearly income."""
    return sum(incomes, Decimal("0.00")) * 12 + other_annual_income


def assess_file(file: HardshipFile, *, year: int | None = None) -> Assessment:
    """Compute the file's category from its members' incomes and the 低保 of its county."""
    year = year or today().year
    incomes = [m.monthly_income for m in file.members.all()]
    size = len(incomes)
    if size == 0:
        raise ValidationError({"members": "档案还没有家庭成员（至少应有户主）。"})
    total = annual_income_of(incomes, file.other_annual_income)
    if total > money.MAX_AMOUNT:
        raise ValidationError({"other_annual_income": "家庭年度总收入不能超过10亿元，请核对。"})
    standard = standard_for(file.region_id, year)
    if standard is None:
        raise ValidationError(
            {
                "region": f"{file.region.name if file.region_id else '该地区'}{year}年的低保标准尚未录入，"
                "请先由省总工会管理员录入（帮扶 › 低保标准）。"
            }
        )
    result = assess(
        household_size=size,
        annual_income=total,
        annual_rigid_expenses=file.annual_rigid_expenses,
        hardship_costs=file.hardship_costs,
        dibao_monthly=standard.monthly,
    )
    file.household_size = size
    file.annual_income = total
    file.per_capita_monthly = result.per_capita_monthly
    file.dibao_monthly = standard.monthly
    file.assessed_year = year
    file.category = result.category or ""
    return result


# ---- one household, one file -------------------------------------------------------------------


def _holder_message(hashes: list[str], actor, exclude_file: int | None = None) -> str | None:
    """Why these people cannot be filed: the file that holds one of them (named when the actor
    may see it), or None."""
    taken = HouseholdMember.objects.filter(id_hash__in=hashes, active=True)
    if exclude_file:
        taken = taken.exclude(file_id=exclude_file)
    row = taken.select_related("file__org").first()
    if row is None:
        return None
    visible = HardshipFile.objects.visible_to(actor).filter(pk=row.file_id).exists()
    who = f"{row.name}（{row.id_masked}）"
    if visible:
        return (
            f"{who}已在{row.file.org.name}的困难职工档案 {row.file.number} 中"
            "（一户一档：同一人只能在一份办理中或在档的档案中）。"
        )
    return f"{who}已在其他工会的一份困难职工档案中（一户一档），请与上级工会联系。"


def _save_members(file: HardshipFile, checked, actor) -> None:
    message = _holder_message([id_blind_index(i.number) for _, i, _ in checked], actor, file.pk)
    if message:
        raise ValidationError({"members": message})
    file.members.all().delete()
    rows = []
    for data, ident, income in checked:
        rows.append(
            HouseholdMember(
                file=file,
                relation=data.relation,
                name=data.name.strip(),
                id_number=ident.number,
                id_hash=id_blind_index(ident.number),
                id_masked=ident.masked,
                gender=ident.gender,
                birth_date=ident.birth_date,
                monthly_income=income,
                health=data.health,
                disease=(data.disease or "").strip()[:64],
                disability=data.disability or "",
                disability_grade=data.disability_grade if data.disability else "",
                medical_insurance=data.medical_insurance,
                identity=data.identity,
                school_level=data.school_level or "",
                school_or_employer=(data.school_or_employer or "").strip()[:128],
                active=file.state not in CLOSED_STATES,
            )
        )
    try:
        with transaction.atomic():
            HouseholdMember.objects.bulk_create(rows)
    except IntegrityError:
        # Somebody filed one of these people a moment ago.
        message = _holder_message([r.id_hash for r in rows], actor, file.pk)
        raise ValidationError(
            {"members": message or "家庭成员已在其他档案中（一户一档）。"}
        ) from None


def _head_person(data: MemberData, ident: IdNumber, org: Organization, actor, phone: str) -> Person:
    """The registry person heading the household: found in the actor's scope, or registered."""
    person = Person.objects.filter(id_hash=id_blind_index(ident.number)).first()
    if person is not None:
        if not Person.objects.visible_to(actor, "change").filter(pk=person.pk).exists():
            raise ValidationError(
                {
                    "members.0.id_number": "无法为此人建档：请由其会籍所在的工会（或其上级工会）办理。"
                }
            )
        if person.name != data.name.strip():
            raise ValidationError(
                {"members.0.name": "户主姓名与会员登记的姓名不一致，请核对姓名和身份证号码。"}
            )
        return person
    membership = register_member(
        PersonData(name=data.name.strip(), id_number=ident.number, phone=phone), org, actor=actor
    )
    return membership.person


def _set_bank_card(file: HardshipFile, raw: str | None) -> None:
    if raw is None:
        return
    if not raw.strip():
        file.bank_card, file.bank_card_masked = "", ""
        return
    try:
        number = validate_bank_card(raw)
    except ValidationError as exc:
        raise ValidationError({"bank_card": exc.messages}) from None
    file.bank_card, file.bank_card_masked = number, mask_bank_card(number)


def _check_org(org: Organization, actor) -> Organization:
    fresh = Organization.objects.visible_to(actor, "change").filter(pk=org.pk).first()
    if fresh is None:
        raise ValidationError({"org": "工会不存在或不在您的管理范围内。"})
    if not fresh.is_active:
        raise ValidationError(
            {"org": f"“{fresh.name}”已{fresh.get_status_display()}，不能再建档。"}
        )
    return fresh


@transaction.atomic
def create_file(data: FileData, org: Organization, *, actor, head_phone: str = "") -> HardshipFile:
    """A new household file (草稿) held by ``org``; the head is registered if new."""
    if not actor.can("change"):
        raise PermissionDenied("您的账号只有查看权限，不能修改。")
    org = _check_org(org, actor)
    values = _clean_values(data.values)
    region = _region(data.region)
    checked = _household(data.head, data.family)
    _exclusions(values, complete=False)
    head_data, head_ident, _ = checked[0]
    head = _head_person(head_data, head_ident, org, actor, head_phone)
    file = HardshipFile(org=org, head=head, region=region, **values)
    _set_bank_card(file, data.bank_card)
    file.source = FileSource.NEW
    file.household_size = len(checked)
    # The number and the first timeline entry come from casework; the members need the row.
    casework.open_case(file, actor=actor)
    _save_members(file, checked, actor)
    _reassess(file)
    audit.record(
        actor,
        "assistance.file_data",
        file,
        changes={"members": len(checked), "head": head_ident.masked, "region": region.code},
    )
    return file


def _reassess(file: HardshipFile) -> Assessment | None:
    """Compute the category when the standard exists (a draft may wait for it)."""
    try:
        result = assess_file(file)
    except ValidationError:
        file.household_size = file.members.count()
        file.save(update_fields=["household_size"])
        return None
    file.save(
        update_fields=[
            "household_size",
            "annual_income",
            "per_capita_monthly",
            "dibao_monthly",
            "assessed_year",
            "category",
        ]
    )
    return result


def lock_file(file_id, actor) -> HardshipFile:
    return casework.lock_case(HardshipFile, file_id, actor=actor)


@transaction.atomic
def update_file(file: HardshipFile, data: FileData, *, actor) -> HardshipFile:
    """Edit a file's data (in 草稿, 退回补正 or 在档; then its category is computed again)."""
    locked = lock_file(file.pk, actor)
    if locked.state not in EDITABLE_STATES:
        raise ValidationError(f"档案当前为“{locked.state_label}”，不能修改；请等待本环节办理完毕。")
    values = _clean_values(data.values)
    region = _region(data.region)
    checked = _household(data.head, data.family)
    _exclusions(values, complete=False)
    head_ident = checked[0][1]
    if id_blind_index(head_ident.number) != locked.head.id_hash:
        raise ValidationError(
            {"members.0.id_number": "户主不能更换；如户主变更，请注销本档案后重新建档。"}
        )
    before = {k: getattr(locked, k) for k in ("category", "household_size", "annual_income")}
    # A file 在档 counts in the kept stocks by its category and cause (stats.kept, decision 0033).
    counted = kept.before(HardshipFile, [locked.pk])
    for key, value in values.items():
        setattr(locked, key, value)
    locked.region = region
    _set_bank_card(locked, data.bank_card)
    locked.save()
    _save_members(locked, checked, actor)
    _reassess(locked)
    kept.after(counted, HardshipFile, [locked.pk])
    after = {k: getattr(locked, k) for k in ("category", "household_size", "annual_income")}
    audit.record(actor, "assistance.file_update", locked, changes=audit.diff(before, after))
    casework.record_event(locked, "edit", "修改档案信息", actor=actor)
    return locked


# ---- handlers of the hardship file's transitions -------------------------------------------------


def on_submit(file: HardshipFile, actor, data, note) -> None:
    """提交: the file must be complete — every exclusion answered, a bank card, a category."""
    _exclusions({"exclusions": file.exclusions}, complete=True)
    if not file.bank_card:
        raise ValidationError({"bank_card": "请填写户主的银行卡号（帮扶资金实名打卡发放）。"})
    assess_file(file)


def on_visit(file: HardshipFile, actor, data, note) -> None:
    """入户调查: the day of the visit and the signed authorization for the income check."""
    file.visited_on = data["visited_on"]


def on_verify(file: HardshipFile, actor, data, note) -> None:
    """帮扶中心核实: no exclusion applies and the household meets a category."""
    items = {i.code: i.text for i in ExclusionItem.objects.filter(active=True)}
    hits = [items[c] for c, yes in file.exclusions.items() if yes and c in items]
    if hits:
        raise ValidationError(f"存在不予建档情形：{hits[0]}。请选择“不予建档”并写明理由。")
    result = assess_file(file)
    if result.category is None:
        raise ValidationError(
            f"经测算家庭月人均收入 {money.yuan(result.per_capita_monthly)} 元，"
            f"不低于低保标准 {money.yuan(result.dibao_monthly)} 元的"
            f"{Rules.current().relative_factor}倍，且不符合意外致困条件；请选择“不予建档”。"
        )


def on_approve(file: HardshipFile, actor, data, note) -> None:
    """审批建档: the file is in; its category is the one computed now."""
    assess_file(file)
    file.filed_on = file.filed_on or today()
    file.last_recheck_on = today()


def on_recheck(file: HardshipFile, actor, data, note) -> None:
    """年度复核: the figures checked again; the category follows them."""
    before = file.category
    result = assess_file(file)
    if result.category is None:
        raise ValidationError(
            "复核测算已不符合建档条件：请办理“脱困”（连续6个月高于低保标准）、“解困”或“注销”。"
        )
    file.last_recheck_on = data.get("rechecked_on") or today()
    if before != file.category:
        data["category_change"] = (
            f"{Category(before).label if before else '—'} → {file.get_category_display()}"
        )


def on_exit(file: HardshipFile, actor, data, note) -> None:
    """脱困: the household's income has been above the 低保 for the months the rules ask."""
    rules = Rules.current()
    since = data["above_since"]
    months = (
        (today().year - since.year) * 12 + today().month - since.month - (today().day < since.day)
    )
    if months < rules.exit_months:
        raise ValidationError(
            {
                "above_since": f"脱困须家庭月人均收入连续{rules.exit_months}个月高于低保标准（自该日起不足{rules.exit_months}个月）。"
            }
        )
    result = assess_file(file)
    if result.per_capita_monthly <= result.dibao_monthly:
        raise ValidationError("按档案中的收入测算，家庭月人均收入仍不高于低保标准，不能办理脱困。")
    file.exit_reason = f"脱困（自{since:%Y年%m月}起高于低保标准）"
    _close_members(file)


def on_resolve(file: HardshipFile, actor, data, note) -> None:
    file.exit_reason = "解困（纳入政府兜底保障和工会常态化帮扶）"
    _close_members(file)


def on_cancel(file: HardshipFile, actor, data, note) -> None:
    from smartunion.assistance.codes import CancelReason

    file.exit_reason = f"注销：{CancelReason(data['reason']).label}"
    _close_members(file)


def on_refuse(file: HardshipFile, actor, data, note) -> None:
    _close_members(file)


def on_reenter(file: HardshipFile, actor, data, note) -> None:
    """返困: the household is in hardship again; its people must not be in another file."""
    hashes = list(file.members.values_list("id_hash", flat=True))
    message = _holder_message(hashes, actor, file.pk)
    if message:
        raise ValidationError(message)
    try:
        with transaction.atomic():
            file.members.update(active=True)
    except IntegrityError:
        raise ValidationError("家庭成员已在其他档案中（一户一档）。") from None
    file.source = FileSource.RETURNED
    file.exit_reason = ""
    file.filed_on = None


def _close_members(file: HardshipFile) -> None:
    file.members.update(active=False)


# ---- payments --------------------------------------------------------------------------------


def beneficiary_of(file: HardshipFile) -> money.Beneficiary:
    head = next(m for m in file.members.all() if m.relation == Relation.SELF)
    return money.Beneficiary(head.name, head.id_hash, head.id_masked, file.bank_card_masked)


@transaction.atomic
def record_payment(
    file: HardshipFile,
    *,
    actor,
    amount,
    aid_type: str,
    fund_source: str,
    paid_on: dt.date | None = None,
    note: str = "",
):
    """帮扶发放: one aid payment to an in-file household, as a ledger line."""
    locked = lock_file(file.pk, actor)
    if locked.state != "in_file":
        raise ValidationError(
            f"档案当前为“{locked.state_label}”，只有在档的困难职工才能发放帮扶资金（先建档、后帮扶）。"
        )
    if aid_type not in AidType.values:
        raise ValidationError({"aid_type": "请选择帮扶类型。"})
    if fund_source not in FundSource.values:
        raise ValidationError({"fund_source": "请选择资金来源。"})
    paid_on = paid_on or today()
    if paid_on > today():
        raise ValidationError({"paid_on": "发放日期不能晚于今天。"})
    if paid_on < (locked.filed_on or locked.opened_on):
        raise ValidationError({"paid_on": "发放日期不能早于建档日期。"})
    if not locked.bank_card:
        raise ValidationError({"amount": "档案没有银行卡号，不能打卡发放。"})
    return money.pay(
        locked,
        org=actor.scope_org if actor.scope_org_id else locked.org,
        beneficiary=beneficiary_of(locked),
        amount=amount,
        purpose=aid_type,
        purpose_label=AidType(aid_type).label,
        fund_source=fund_source,
        paid_on=paid_on,
        actor=actor,
        note=note,
    )


# ---- the self-test and the standards -------------------------------------------------------------


@dataclass(frozen=True)
class SelfTest:
    category: str | None
    per_capita_monthly: Decimal
    dibao_monthly: Decimal
    region_name: str
    standard_region: str


def self_test(
    *,
    region: str,
    year: int,
    household_size: int,
    annual_income,
    annual_rigid_expenses,
    hardship_costs,
) -> SelfTest:
    """困难职工自测: the category a household would get (nothing is saved)."""
    if (
        not isinstance(household_size, int)
        or isinstance(household_size, bool)
        or household_size < 1
    ):
        raise ValidationError({"household_size": "家庭人口至少为1人。"})
    if household_size > MAX_HOUSEHOLD:
        raise ValidationError({"household_size": f"家庭人口不能超过{MAX_HOUSEHOLD}人。"})
    income = money.parse_amount(
        annual_income, field="annual_income", label="家庭年度总收入", allow_zero=True
    )
    rigid = money.parse_amount(
        annual_rigid_expenses, field="annual_rigid_expenses", label="年度刚性支出", allow_zero=True
    )
    costs = money.parse_amount(
        hardship_costs, field="hardship_costs", label="致困费用", allow_zero=True
    )
    place = Region.objects.filter(code=region or "").first()
    if place is None or place.level == Level.PROVINCE:
        raise ValidationError({"region": "请选择县区（6位行政区划代码）。"})
    standard = standard_for(place.code, year)
    if standard is None:
        raise ValidationError({"year": f"{place.name}{year}年的低保标准尚未录入，暂不能测算。"})
    result = assess(
        household_size=household_size,
        annual_income=income,
        annual_rigid_expenses=rigid,
        hardship_costs=costs,
        dibao_monthly=standard.monthly,
    )
    return SelfTest(
        result.category,
        result.per_capita_monthly,
        standard.monthly,
        place.name,
        standard.source_region,
    )


def set_standard(
    *, region: str, year: int, monthly, actor, note: str = "", kind: str = DIBAO
) -> RegionalRate:
    """Enter or correct the 低保 standard of a region and year (province admins)."""
    return rates.set_rate(
        kind=kind, region=region, year=year, monthly=monthly, actor=actor, note=note
    )


def get_file_for(actor, file_id, *, action: str = "view") -> HardshipFile:
    try:
        return (
            HardshipFile.objects.visible_to(actor, action)
            .select_related("org", "head", "region", "responsible_org")
            .get(pk=file_id)
        )
    except (HardshipFile.DoesNotExist, ValueError, TypeError):
        raise NotInScope("困难职工档案") from None
