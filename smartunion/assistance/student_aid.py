"""金秋助学: a parent's application for one student of their household (SERVICES.md §2.4).

The application is opened on the parent's hardship file (湖北 2017: "金秋助学 files are
opened on the parent, not the student"); the student must be a member of that household.
The amount comes from the province's table (school level × household category). No double
aid: a student's ID number is granted at most once a year in the whole province — a database
constraint over (student, year) among live applications, so that two unions applying at the
same moment cannot both succeed. A declared other aid or an excluded school is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from smartunion.assistance.codes import (
    STUDENT_AID_LEVELS,
    AidForm,
    CampaignKind,
    SchoolLevel,
    StudentExclusion,
    TargetGroup,
)
from smartunion.assistance.models import (
    Campaign,
    CampaignLine,
    HardshipFile,
    LineState,
    StudentAid,
    StudentAidAmount,
)
from smartunion.casework import money
from smartunion.casework import services as casework
from smartunion.core import audit
from smartunion.core.errors import Conflict, NotInScope
from smartunion.core.idnumber import parse_id_number
from smartunion.members.services import id_blind_index
from smartunion.orgs.models import SEGMENT

DOUBLE_AID = "同一学生同一年度只能获得一次金秋助学资助（不重复资助）"


def amount_for(level: str, category: str) -> Decimal | None:
    row = StudentAidAmount.objects.filter(level=level, category=category).first()
    return row.amount if row else None


def campaigns_open_to(user):
    """金秋助学 campaigns a user may apply to: run by their union, one above it, or below it."""
    if user.is_superuser:
        return Campaign.objects.filter(kind=CampaignKind.AUTUMN)
    path = user.scope_path
    if not path or not user.can("view"):
        return Campaign.objects.none()
    above = [path[:i] for i in range(SEGMENT, len(path) + 1, SEGMENT)]
    return Campaign.objects.filter(kind=CampaignKind.AUTUMN).filter(
        Q(org__path__in=above) | Q(org__path__startswith=path)
    )


def _campaign(campaign_id, actor) -> Campaign:
    campaign = campaigns_open_to(actor).select_related("org").filter(pk=campaign_id).first()
    if campaign is None:
        raise NotInScope("金秋助学活动")
    return campaign


def _existing_message(student_hash: str, year: int, actor) -> str:
    other = (
        StudentAid.objects.filter(student_id_hash=student_hash, year=year, counts=True)
        .select_related("org")
        .first()
    )
    if other is None:
        return ""
    if StudentAid.objects.visible_to(actor).filter(pk=other.pk).exists():
        return f"{DOUBLE_AID}：该学生{year}年已有申请 {other.number}（{other.org.name}，{other.state_label}）。"
    return f"{DOUBLE_AID}：该学生{year}年已在其他工会申请或获得资助。"


@transaction.atomic
def create_student_aid(
    *,
    campaign_id,
    household_file_id,
    student_name: str,
    student_id_number: str,
    school: str,
    level: str,
    admission_year: int,
    amount=None,
    exclusions: dict | None = None,
    other_aid: bool = False,
    other_aid_note: str = "",
    actor,
    on: dt.date | None = None,
) -> StudentAid:
    if not actor.can("change"):
        raise PermissionDenied("您的账号只有查看权限，不能修改。")
    campaign = _campaign(campaign_id, actor)
    file = (
        HardshipFile.objects.visible_to(actor, "change")
        .select_related("org")
        .filter(pk=household_file_id)
        .first()
    )
    if file is None:
        raise NotInScope("困难职工档案")
    if not file.org.path.startswith(campaign.org.path):
        raise ValidationError({"household_file": "该档案不在本次金秋助学活动的组织工会范围内。"})
    if file.state != "in_file":
        raise ValidationError(
            {"household_file": "只有在档困难职工家庭的子女可以申请金秋助学（请先建档）。"}
        )
    name = (student_name or "").strip()
    if not name:
        raise ValidationError({"student_name": "请填写学生姓名。"})
    try:
        ident = parse_id_number(student_id_number)
    except ValidationError as exc:
        raise ValidationError({"student_id_number": exc.messages}) from None
    student_hash = id_blind_index(ident.number)
    member = file.members.filter(id_hash=student_hash).first()
    if member is None:
        raise ValidationError(
            {
                "student_id_number": "学生应为该困难职工家庭的成员：请先在档案的家庭成员中登记该学生。"
            }
        )
    if member.name != name:
        raise ValidationError({"student_name": "学生姓名与档案中家庭成员的姓名不一致。"})
    if level not in STUDENT_AID_LEVELS:
        raise ValidationError({"level": "就读层次应为普通高中、中职、高职（专科）、本科或研究生。"})
    school = (school or "").strip()
    if not school:
        raise ValidationError({"school": "请填写学校名称。"})
    year = campaign.year
    if not isinstance(admission_year, int) or not year - 8 <= admission_year <= year:
        raise ValidationError({"admission_year": f"入学年份应在{year - 8}至{year}年之间。"})
    answers = {str(k): bool(v) for k, v in (exclusions or {}).items()}
    unknown = set(answers) - set(StudentExclusion.values)
    if unknown:
        raise ValidationError({"exclusions": "不予资助情形中有不存在的项目。"})
    hits = [StudentExclusion(k).label for k, v in answers.items() if v]
    if hits:
        raise ValidationError({"exclusions": f"属于不予资助情形（{hits[0]}），不能申请金秋助学。"})
    if other_aid:
        raise ValidationError({"other_aid": "已通过其他方式和途径获得助学款项的学生不再重复资助。"})
    standard = amount_for(level, file.category)
    if standard is None:
        raise ValidationError(
            {
                "amount": f"尚未设置{SchoolLevel(level).label}、{file.get_category_display() or '该类别'}的金秋助学标准，请联系省总工会管理员。"
            }
        )
    value = standard if amount in (None, "") else money.parse_amount(amount, label="资助金额")
    if value > standard:
        raise ValidationError(
            {
                "amount": f"资助金额不能超过标准 {money.yuan(standard)} 元（{SchoolLevel(level).label}、{file.get_category_display()}）。"
            }
        )
    message = _existing_message(student_hash, year, actor)
    if message:
        raise Conflict(message, field="student_id_number")
    aid = StudentAid(
        org=file.org,
        campaign=campaign,
        household_file=file,
        year=year,
        student_name=name,
        student_id_number=ident.number,
        student_id_hash=student_hash,
        student_id_masked=ident.masked,
        school=school[:128],
        level=level,
        admission_year=admission_year,
        amount=value,
        exclusions=answers,
        other_aid=False,
        other_aid_note=(other_aid_note or "").strip()[:200],
        opened_on=on or timezone.localdate(),
    )
    try:
        with transaction.atomic():
            casework.open_case(aid, actor=actor)
    except IntegrityError:
        # Another union applied for the same student at the same moment and won.
        raise Conflict(
            _existing_message(student_hash, year, actor) or DOUBLE_AID + "。",
            field="student_id_number",
        ) from None
    return aid


def on_check(aid: StudentAid, actor, data, note) -> None:
    if aid.household_file.state != "in_file":
        raise ValidationError("学生家庭的困难职工档案已不在档，不能资助。")


def on_reject(aid: StudentAid, actor, data, note) -> None:
    aid.counts = False


def on_approve(aid: StudentAid, actor, data, note) -> None:
    """Approved: the student joins the campaign's payment list (a line ready to pay)."""
    file = aid.household_file
    CampaignLine.objects.create(
        campaign=aid.campaign,
        org=aid.campaign.org,
        hardship_file=file,
        person=None,
        student_aid=aid,
        name=aid.student_name,
        id_hash=aid.student_id_hash,
        id_masked=aid.student_id_masked,
        unit=file.org.name,
        group=TargetGroup.STUDENT,
        form=AidForm.CASH,
        amount=aid.amount,
        bank_name=file.bank_name,
        bank_card=file.bank_card,
        bank_card_masked=file.bank_card_masked,
        state=LineState.APPROVED,
        note=f"{aid.school} {aid.get_level_display()}（家长：{file.head.name}）"[:200],
    )
    audit.record(actor, "assistance.student_aid_line", aid, changes={"amount": str(aid.amount)})


def describe(aid: StudentAid) -> dict:
    from smartunion.casework.notices import mask_name

    return {
        "name_masked": mask_name(aid.student_name),
        "org_name": aid.household_file.org.name,
        "category": aid.get_level_display(),
        "detail": f"{aid.admission_year}年入学",
        "amount": aid.amount,
    }
