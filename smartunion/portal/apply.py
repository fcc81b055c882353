"""Applying and answering from 职工之家 (decision 0027).

Each application goes through its module's own opening service with the applicant as the
actor (``core.actors.SelfActor``: the bound person, filed at their own union), channel
网上 where the module has one; photos and documents through casework's attachments. Files are
checked before anything is written, and the case and its files are one transaction: a refusal
saves nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from smartunion.casework import attachments
from smartunion.casework import services as casework
from smartunion.core.actors import SelfActor
from smartunion.members.models import Person
from smartunion.portal import services

#: At most this many files with one application or answer.
MAX_FILES = 6


def applicant(person: Person) -> SelfActor:
    """The bound worker as an actor, at the union of their current membership."""
    membership = services.membership_of(person)
    org = membership.org if membership is not None and membership.is_current else None
    if org is None:
        raise ValidationError("您目前没有有效会籍，请到所在工会办理。")
    return SelfActor(person.phone_hash, person_id=person.pk, org=org)


def check_files(files) -> list:
    """The uploads, each checked (type by its first bytes, size): Chinese errors on ``file``."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        raise ValidationError({"file": f"一次最多上传{MAX_FILES}个文件。"})
    for upload in files:
        attachments.check_upload(upload)
    return files


def _attach(case, files, actor) -> None:
    kinds = type(case).attachment_kinds
    kind = next((k for k in ("photo", "evidence", "other") if k in kinds), next(iter(kinds)))
    for upload in files:
        image = (upload.content_type or "").startswith("image/") or upload.name.lower().endswith(
            (".jpg", ".jpeg", ".png")
        )
        chosen = kind if image or "document" not in kinds else "document"
        attachments.add_attachment(case, upload, kind=chosen, kinds=kinds, actor=actor)


def request_service(person: Person, *, category: str, summary: str, employer: str = "", files=()):
    """诉求 (any category of the province's list) taken at the worker's union, channel 网上."""
    from smartunion.servicerequests import services as requests
    from smartunion.servicerequests.codes import Channel

    actor = applicant(person)
    files = check_files(files)
    with transaction.atomic():
        case = requests.create_request(
            requests.RequestData(
                channel=Channel.ONLINE,
                category=category,
                caller_name=person.name,
                summary=summary,
                caller_phone=person.phone,
                employer=employer,
                person_id=person.pk,
            ),
            actor.scope_org_id,
            actor=actor,
        )
        _attach(case, files, actor)
    return case


def apply_legal_aid(
    person: Person, *, matter: str, aid_form: str, facts: str, employer: str = "", files=()
):
    """法律援助申请 at the worker's union: it waits for the review (7 working days)."""
    from smartunion.legalaid import services as legalaid

    actor = applicant(person)
    files = check_files(files)
    if not (facts or "").strip():
        raise ValidationError({"facts": "请简要说明事情经过和您的请求。"})
    with transaction.atomic():
        case = legalaid.create_case(
            legalaid.CaseData(
                applicant_kind="worker",
                matter=matter,
                aid_form=aid_form,
                person_id=person.pk,
                employer=employer,
                facts=facts,
            ),
            actor.scope_org_id,
            actor=actor,
        )
        _attach(case, files, actor)
    return case


def answer(person: Person, case, name: str, *, note: str = "", data=None, files=()):
    """The applicant's transition ``name`` on their own case (补正 answered with files and a
    note, a rating): the case moves by its own declared transition."""
    t = case.case_type.transition(name)
    if not t.applicant:
        raise ValidationError("该操作须由工会工作人员办理。")
    files = check_files(files)
    if t.form is None and not files and not (note or "").strip():
        raise ValidationError({"note": "请上传补正的材料，或写明补正的情况。"})
    actor = SelfActor(person.phone_hash, person_id=person.pk, org=case.org)
    with transaction.atomic():
        # Locks and checks the state first: nothing is stored on a stale page.
        moved = casework.transition(case, name, actor=actor, note=note, data=data)
        _attach(moved, files, actor)
    return moved


def student_aid_campaigns(person: Person):
    """金秋助学 campaigns open today to the worker's union (above it or its own)."""
    from django.utils import timezone

    from smartunion.assistance.student_aid import campaigns_open_to

    today = timezone.localdate()
    return campaigns_open_to(applicant(person)).filter(starts_on__lte=today, ends_on__gte=today)


def household_file(person: Person):
    """The worker's own hardship file in the register (在档), or None."""
    from smartunion.assistance.models import HardshipFile

    return HardshipFile.objects.filter(head=person, state="in_file").first()


def apply_student_aid(
    person: Person,
    *,
    campaign_id,
    student_name: str,
    student_id_number: str,
    school: str,
    level: str,
    admission_year,
    files=(),
):
    """金秋助学 for a child of the worker's household (in the register, 在档)."""
    from smartunion.assistance import student_aid

    actor = applicant(person)
    files = check_files(files)
    file = household_file(person)
    if file is None:
        raise ValidationError(
            {"campaign": "金秋助学面向在档困难职工家庭的子女：请先申请困难帮扶并建档。"}
        )
    try:
        open_now = student_aid_campaigns(person).filter(pk=int(campaign_id)).exists()
    except (TypeError, ValueError):
        open_now = False
    if not open_now:  # closed, not yet open, another union's, or no such campaign
        raise ValidationError({"campaign": "请选择正在申报的金秋助学活动。"})
    try:
        year = int(admission_year)
    except (TypeError, ValueError):
        raise ValidationError({"admission_year": "请填写入学年份（4位数字）。"}) from None
    with transaction.atomic():
        aid = student_aid.create_student_aid(
            campaign_id=campaign_id,
            household_file_id=file.pk,
            student_name=student_name,
            student_id_number=student_id_number,
            school=school,
            level=level,
            admission_year=year,
            actor=actor,
        )
        _attach(aid, files, actor)
    return aid


def hardship_summary(result, *, household_size: int, region_name: str) -> str:
    """The 服务帮扶 request a self-test leads to: what the test found, for the union's staff
    (who open the national 档案表 from it, 转为困难帮扶)."""
    from smartunion.assistance.codes import Category
    from smartunion.casework.money import yuan

    found = Category(result.category).label if result.category else "未达到建档标准"
    return (
        f"申请困难职工帮扶（职工之家自测）：{region_name}，家庭人口{household_size}人，"
        f"家庭月人均收入{yuan(result.per_capita_monthly)}元，"
        f"低保标准{yuan(result.dibao_monthly)}元/月，自测结果：{found}。"
    )
