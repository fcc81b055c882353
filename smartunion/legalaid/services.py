"""Writes of legal aid: opening a consultation or an application, the handlers of its
transitions (declared in ``workflows.LEGAL_AID`` and run by ``casework.services.transition``),
and the register of handlers (承办人).

Every rule refuses with a Chinese message naming the field, inside the transition's
transaction, so nothing is saved when one fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from smartunion.casework import money
from smartunion.casework import services as casework
from smartunion.casework.workflow import COUNTY_OR_ABOVE, RESPONSIBLE
from smartunion.core import audit
from smartunion.core.errors import NotInScope
from smartunion.legalaid import rules
from smartunion.legalaid.codes import (
    AidForm,
    ApplicantKind,
    Exemption,
    HandlerKind,
    Matter,
    Subtype,
)
from smartunion.legalaid.models import LegalAidCase, LegalAidHandler, LegalAidStage
from smartunion.members.models import Person
from smartunion.orgs.models import Organization

READ_ONLY = "您的账号只有查看权限，不能修改。"


@dataclass
class CaseData:
    """What the intake form (or the API) gives for a new case."""

    applicant_kind: str
    matter: str
    aid_form: str
    applicant_name: str = ""
    person_id: int | None = None
    employer: str = ""
    employer_uscc: str = ""
    subtype: str = ""
    facts: str = ""
    workers_involved: int = 1
    amount_in_dispute: object = None
    income_per_head: object = None
    exemption: str = ""
    knew_on: dt.date | None = None
    urgent: bool = False
    consultation: bool = False


def _money(value, name: str, label: str, problems: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return money.parse_amount(value, field=name, label=label, allow_zero=True)
    except ValidationError as exc:
        problems.update({k: v[0] for k, v in exc.message_dict.items()})
        return None


def _check_choice(value: str, choices, name: str, label: str, problems: dict, blank=False):
    if (value or "") == "" and blank:
        return
    if value not in choices.values:
        problems[name] = f"请选择{label}。" if not value else f"{label}“{value}”不在代码表中。"


@transaction.atomic
def create_case(data: CaseData, org_id, *, actor, on: dt.date | None = None) -> LegalAidCase:
    """Open a consultation (咨询) or an application (申请, waiting for review) in ``org``."""
    if not actor.can("change"):
        raise PermissionDenied(READ_ONLY)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("工会组织")
    today = on or casework.today()
    problems: dict[str, str] = {}
    _check_choice(data.applicant_kind, ApplicantKind, "applicant_kind", "申请人类型", problems)
    _check_choice(data.matter, Matter, "matter", "援助事由", problems)
    _check_choice(data.aid_form, AidForm, "aid_form", "援助形式", problems)
    _check_choice(data.subtype, Subtype, "subtype", "争议类别", problems, blank=True)
    _check_choice(data.exemption, Exemption, "exemption", "免审情形", problems, blank=True)
    person = None
    if data.person_id is not None:
        person = Person.objects.visible_to(actor).filter(pk=data.person_id).first()
        if person is None:
            raise NotInScope("人员")
    name = person.name if person else (data.applicant_name or "").strip()
    if not name:
        problems["applicant_name"] = (
            "请选择实名库中的申请人，或填写申请人（非会员或工会组织）名称。"
        )
    amount = _money(data.amount_in_dispute, "amount_in_dispute", "争议金额", problems)
    income = _money(data.income_per_head, "income_per_head", "家庭月人均收入", problems)
    if data.knew_on is not None and data.knew_on > today:
        problems["knew_on"] = "知道权利被侵害之日不能晚于今天。"
    if not 1 <= (data.workers_involved or 0) <= 100000:
        problems["workers_involved"] = "涉及职工人数应为1至100000人。"
    if problems:
        raise ValidationError(problems)
    limitation = rules.limitation_date(data.knew_on)
    case = LegalAidCase(
        org=org,
        applicant_kind=data.applicant_kind,
        person=person,
        applicant_name=name[:128],
        employer=(data.employer or "").strip(),
        employer_uscc=(data.employer_uscc or "").strip(),
        matter=data.matter,
        subtype=data.subtype or "",
        aid_form=data.aid_form,
        facts=(data.facts or "").strip(),
        region_id=org.region_id,
        workers_involved=data.workers_involved,
        amount_in_dispute=amount,
        income_per_head=income,
        exemption=data.exemption or "",
        knew_on=data.knew_on,
        limitation_on=limitation,
        urgent=bool(data.urgent) or rules.limitation_near(limitation, today),
        opened_on=today,
    )
    if not data.consultation:
        _assess(case, today)
    casework.open_case(
        case, actor=actor, on=today, state="consult" if data.consultation else "review"
    )
    return case


def _assess(case: LegalAidCase, on: dt.date) -> rules.FinancialTest:
    test = rules.financial_test(
        applicant_kind=case.applicant_kind,
        subtype=case.subtype,
        exemption=case.exemption,
        amount_in_dispute=case.amount_in_dispute,
        income_per_head=case.income_per_head,
        region_code=case.region_id,
        year=on.year,
    )
    case.financial_ok, case.financial_note = test.ok, test.note[:200]
    case.min_wage_monthly = test.min_wage
    return test


def deciding_union(case: LegalAidCase, actor) -> Organization:
    """The union that decides: the actor's own when it holds the case or is above it, else
    the nearest county-level union above the case."""
    org = actor.scope_org if actor.scope_org_id else None
    if org is not None and case.org.path.startswith(org.path) and org.kind in COUNTY_OR_ABOVE:
        return org
    return RESPONSIBLE["county"](case.org)


# ---- transition handlers ((case, actor, cleaned data, note) → target or None) ------------------


def on_apply(case, actor, data, note):
    """A consultation becomes an application: the figures of the financial test, if given."""
    problems: dict[str, str] = {}
    for name, label in (("amount_in_dispute", "争议金额"), ("income_per_head", "家庭月人均收入")):
        if data.get(name) not in (None, ""):
            setattr(case, name, _money(data[name], name, label, problems))
    if problems:
        raise ValidationError(problems)
    if data.get("exemption"):
        case.exemption = data["exemption"]
    if data.get("aid_form"):
        case.aid_form = data["aid_form"]
    _assess(case, casework.today())


def on_grant(case, actor, data, note):
    test = _assess(case, casework.today())
    if not test.ok:
        raise ValidationError(f"不符合法律援助经济困难条件：{test.note}")
    _decide(case, actor, note)


def on_refuse(case, actor, data, note):
    _decide(case, actor, note)


def _decide(case, actor, note):
    case.deciding_org = deciding_union(case, actor)
    case.decided_on = casework.today()
    case.decision_reason = note


def on_object(case, actor, data, note):
    case.objection = note
    case.objection_answer = ""


def on_answer_objection(case, actor, data, note):
    case.objection_answer = note
    case.deciding_org = case.deciding_org or deciding_union(case, actor)
    case.decided_on = casework.today()


def handlers_for(case: LegalAidCase):
    """The handlers the deciding union may assign: those serving in its subtree."""
    deciding = case.deciding_org or RESPONSIBLE["county"](case.org)
    return LegalAidHandler.objects.filter(active=True, org__path__startswith=deciding.path)


def on_assign(case, actor, data, note):
    deciding = case.deciding_org or deciding_union(case, actor)
    handler = LegalAidHandler.objects.select_related("org").filter(pk=data.get("handler")).first()
    if handler is None or not handler.active or not handler.org.path.startswith(deciding.path):
        raise ValidationError(
            {"handler": f"承办人须是{deciding.name}（作出决定的工会）范围内在册的承办人。"}
        )
    case.handler = handler
    case.deciding_org = deciding
    case.assigned_on = casework.today()
    case.letter_no = f"WP{case.assigned_on.year}{case.pk:07d}"


def on_stage(case, actor, data, note):
    today = casework.today()
    happened = data["happened_on"]
    if happened < case.opened_on:
        raise ValidationError({"happened_on": "阶段日期不能早于案件受理日期。"})
    if happened > today:
        raise ValidationError({"happened_on": "阶段日期不能晚于今天。"})
    hearing = data.get("hearing_on")
    if hearing is not None and hearing < happened:
        raise ValidationError({"hearing_on": "下次开庭/仲裁日期不能早于本阶段日期。"})
    LegalAidStage.objects.create(
        case=case,
        stage=data["stage"],
        happened_on=happened,
        hearing_on=hearing,
        summary=(data.get("summary") or note or "")[:500],
        recorded_by_name=casework.actor_label(actor)[0],
    )
    case.next_hearing_on = hearing
    if hearing is not None and hearing - today <= dt.timedelta(7):
        case.urgent = True


def on_close(case, actor, data, note):
    case.result = data["result"]
    case.recovered = data["recovered"]
    case.report = note
    case.next_hearing_on = None


def on_callback(case, actor, data, note):
    if case.handler_id and case.handler.user_id and case.handler.user_id == actor.pk:
        raise ValidationError("回访须由承办人以外的工作人员进行，承办人不能回访自己承办的案件。")
    case.callback_score = data["score"]
    case.callback_comment = (data.get("comment") or note or "")[:500]
    case.callback_on = casework.today()
    case.callback_by_name = casework.actor_label(actor)[0]


def on_archive(case, actor, data, note):
    case.archive_no = (data.get("archive_no") or "").strip() or f"FY{case.number}"


def on_terminate(case, actor, data, note):
    case.termination_reason = data["reason"]
    case.next_hearing_on = None


def on_transfer(case, actor, data, note):
    case.transfer_to = data["to"]
    case.transfer_name = data["to_name"].strip()


# ---- the register of handlers -------------------------------------------------------------------


@transaction.atomic
def add_handler(
    *,
    org_id,
    kind: str,
    name: str,
    firm: str = "",
    license_no: str = "",
    user_id: int | None = None,
    actor,
) -> LegalAidHandler:
    """Put a lawyer, a firm or a legal worker on a union's register of handlers."""
    if not actor.can("change"):
        raise PermissionDenied(READ_ONLY)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("工会组织")
    problems = {}
    if kind not in HandlerKind.values:
        problems["kind"] = "请选择承办人类型。"
    name = (name or "").strip()
    if not name:
        problems["name"] = "请填写承办人姓名或律师事务所名称。"
    user = None
    if user_id is not None:
        from smartunion.accounts.models import User

        user = User.objects.filter(pk=user_id, scope_org__path__startswith=org.path).first()
        if user is None:
            problems["user"] = "平台账号须属于该工会或其下级工会。"
    if problems:
        raise ValidationError(problems)
    handler = LegalAidHandler.objects.create(
        org=org,
        kind=kind,
        name=name[:64],
        firm=firm.strip()[:128],
        license_no=license_no.strip()[:32],
        user=user,
    )
    audit.record(actor, "legalaid.handler.add", handler, changes={"kind": kind})
    return handler
