"""The demo worker `make run` prints: a member whose registry phone is a known number, so that
anyone can try 职工之家 — sign in with the number (the code lands in var/sms-outbox/), bind by
the printed name and ID number, show the e-card. Demo data only."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from smartunion.accounts.models import User
from smartunion.core.idnumber import make_id_number
from smartunion.core.seeding import SeedOptions
from smartunion.members.models import Person
from smartunion.members.services import PersonData, id_blind_index, register_member
from smartunion.orgs.models import GRASSROOTS_KINDS, Organization, Status
from smartunion.portal.signin import issue_token, phone_index, worker_for

DEMO_PHONE = "13900001111"
DEMO_NAME = "马兰花"
DEMO_BIRTHPLACE = "620102"  # 城关区
DEMO_BIRTH = dt.date(1992, 3, 8)


def _union() -> Organization | None:
    """The demo grassroots admin's union (the accounts part made it), or else any open one."""
    staff = User.objects.filter(username="grassroots_admin").select_related("scope_org").first()
    if staff is not None and staff.scope_org.status == Status.NORMAL:
        return staff.scope_org
    return (
        Organization.objects.filter(kind__in=GRASSROOTS_KINDS, status=Status.NORMAL)
        .order_by("path")
        .first()
    )


def _free_id_number() -> str:
    """A valid number (female: an even sequence digit) nobody in the registry holds."""
    for sequence in range(902, 1000, 2):
        number = make_id_number(DEMO_BIRTHPLACE, DEMO_BIRTH, sequence)
        if not Person.objects.filter(id_hash=id_blind_index(number)).exists():
            return number
    raise RuntimeError("no free demo ID number")  # pragma: no cover - 49 taken numbers


@transaction.atomic
def ensure_demo_worker() -> Person | None:
    person = Person.objects.filter(phone_hash=phone_index(DEMO_PHONE)).first()
    if person is not None:
        return person
    union, actor = _union(), User.objects.filter(is_superuser=True).order_by("pk").first()
    if union is None or actor is None:
        return None
    data = PersonData(name=DEMO_NAME, id_number=_free_id_number(), phone=DEMO_PHONE)
    return register_member(data, union, actor=actor).person


def run_part(options: SeedOptions) -> list[str]:
    """The "demo worker" seed part (with ``--demo`` only): who to try 职工之家 as."""
    if not options.demo:
        return []
    person = ensure_demo_worker()
    if person is None:
        return []
    return [
        "",
        "职工之家演示（仅供演示）：打开 /portal/ ，手机号 "
        f"{DEMO_PHONE}，验证码在 var/sms-outbox/ 最新的文件里；",
        f"  实名认证填 姓名 {person.name}、身份证号码 {person.id_number}（{person.org.name}的会员）。",
        *_demo_application_lines(),
    ]


# ---- 网上入会 (decision 0026): one pending online application -----------------------------

DEMO_APPLICANT_PHONE = "13900002222"
DEMO_APPLICANT_NAME = "杨春燕"


def ensure_demo_application():
    """A worker who applied online to the demo union and waits for its approval (in its
    pending list as 网上申请); ``None`` without a union."""
    from smartunion.core.codes import Education, NewFormType
    from smartunion.members.models import Membership
    from smartunion.portal import joining

    existing = Membership.objects.filter(
        person__phone_hash=phone_index(DEMO_APPLICANT_PHONE), channel="online"
    ).first()
    if existing is not None:
        return existing
    union = _union()
    if union is None:
        return None
    worker = worker_for(issue_token(DEMO_APPLICANT_PHONE))
    return joining.join(
        worker,
        union,
        name=DEMO_APPLICANT_NAME,
        id_number=_free_id_number(),
        extra={"education": Education.COLLEGE, "new_form_type": NewFormType.COURIER},
    )


def _demo_application_lines() -> list[str]:
    application = ensure_demo_application()
    if application is None:
        return []
    return [
        f"  网上入会演示：手机号 {DEMO_APPLICANT_PHONE} 已在线申请加入{application.org.name}"
        "（待审批，见会员查询“申请中”）。",
    ]


# ---- 我的办事 of the demo worker (decision 0027) ----------------------------------------------


def _staff(person: Person) -> User | None:
    """Her union's staff (the demo grassroots admin), else a superuser."""
    staff = User.objects.filter(username="grassroots_admin", scope_org=person.org).first()
    return staff or User.objects.filter(is_superuser=True).order_by("pk").first()


@transaction.atomic
def ensure_demo_cases(person: Person) -> list[str]:
    """马兰花's applications in several states: a request whose result waits for her rating,
    a hardship request (from the self-test) being handled, a legal-aid application waiting
    for her 补正. Made through the modules' services, as she and the staff would."""
    from smartunion.casework import services as casework
    from smartunion.legalaid.models import LegalAidCase
    from smartunion.portal import apply
    from smartunion.servicerequests.models import ServiceRequest
    from smartunion.servicerequests.services import ensure_categories

    if ServiceRequest.objects.filter(person=person).exists():
        return []
    staff = _staff(person)
    superuser = User.objects.filter(is_superuser=True).order_by("pk").first()
    if staff is None or superuser is None:
        return []
    ensure_categories()
    asked = apply.request_service(
        person, category="01", summary="公司今年没有给我们缴纳住房公积金，想咨询怎么办。"
    )
    asked = casework.transition(asked, "accept", actor=staff)
    casework.transition(
        asked,
        "report",
        actor=staff,
        note="已与公司人事部门沟通，公司承诺下月起补缴住房公积金。",
    )
    helped = apply.request_service(
        person,
        category="02",
        summary="申请困难职工帮扶（职工之家自测）：家庭人口3人，丈夫重病住院，自测可能符合建档条件。",
    )
    casework.transition(helped, "accept", actor=staff)
    aid = apply.apply_legal_aid(
        person,
        matter="labour",
        aid_form="arbitration",
        employer="兰州某商贸有限公司",
        facts="原单位拖欠三个月工资共一万二千元，至今未付。请求工会帮助申请劳动仲裁。",
    )
    casework.transition(
        aid, "request_documents", actor=superuser, note="请补交劳动合同或工资条的照片。"
    )
    made = LegalAidCase.objects.filter(person=person).count()
    return [f"  马兰花的办事：诉求 2 件、法律援助 {made} 件（其中 1 件待她补正）。"]


def run_cases_part(options: SeedOptions) -> list[str]:
    """The demo worker's applications (with ``--demo`` only)."""
    if not options.demo:
        return []
    person = ensure_demo_worker()
    return ensure_demo_cases(person) if person is not None else []


def run_contest_part(options: SeedOptions) -> list[str]:
    """马兰花's own contest entry (竞赛报名 on the portal, issue 16), waiting for her union's
    check: in the first contest open for entries that her union may enter (with ``--demo``)."""
    from django.core.exceptions import ValidationError

    from smartunion.contests import services as contests
    from smartunion.contests.models import Entry
    from smartunion.core.actors import SelfActor

    if not options.demo:
        return []
    person = ensure_demo_worker()
    if person is None or Entry.objects.filter(person=person).exists():
        return []
    actor = SelfActor(phone_index(DEMO_PHONE), None, person.pk)
    for contest in contests.open_for_self(actor):
        for trade in contest.trades.all():
            try:
                contests.enter_self(contest.pk, trade_id=trade.pk, actor=actor)
            except ValidationError:
                continue  # the unit's quota is full: another trade
            return [f"  马兰花在职工之家报名了“{contest.name}”的{trade.name}，待单位审核。"]
    return []
