"""法律援助 API: cases (list, detail, create, one POST per transition, generated from the
declaration) and the register of handlers.

Money travels as strings with two decimals ("1500.00"). The detail answers ``review_due``
(the last working day of the review while the case waits for it; null otherwise, and while
the clock is stopped for 补正) and ``calendar_complete``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from smartunion.casework.api import (
    CaseActivity,
    CaseFields,
    add_rate_routes,
    add_transition_routes,
)
from smartunion.core.api import Day, StrictSchema, code_type, get_or_404, require
from smartunion.core.pagination import PageIn, keyset_page, page_schema
from smartunion.legalaid import services
from smartunion.legalaid.codes import (
    AidForm,
    ApplicantKind,
    Exemption,
    HandlerKind,
    Matter,
    Subtype,
)
from smartunion.legalaid.models import LegalAidCase, LegalAidHandler
from smartunion.legalaid.rules import MIN_WAGE
from smartunion.orgs.models import Organization

router = Router(tags=["工会法律援助"])
WHAT = "法律援助案件"


def yuan(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class CaseIn(StrictSchema):
    org: int = Field(description="受理工会 id")
    consultation: bool = Field(False, description="仅法律咨询（可当场答复结束）")
    applicant_kind: code_type(ApplicantKind, blank=False)
    person: int | None = Field(None, description="实名库人员 id（会员申请时）")
    applicant_name: str = Field("", max_length=128, description="非会员或工会组织的名称")
    employer: str = Field("", max_length=128)
    employer_uscc: str = Field("", max_length=18)
    matter: code_type(Matter, blank=False)
    subtype: code_type(Subtype) = ""
    aid_form: code_type(AidForm, blank=False)
    facts: str = Field("", max_length=4000)
    workers_involved: int = Field(1, ge=1, le=100000)
    amount_in_dispute: str | None = Field(
        None, max_length=20, description='金额（元），如 "8000.00"'
    )
    income_per_head: str | None = Field(None, max_length=20, description="家庭月人均收入（元）")
    exemption: code_type(Exemption) = ""
    knew_on: Day | None = Field(None, description="知道权利被侵害之日")
    urgent: bool = False


class CaseItem(CaseFields):
    applicant_name: str
    applicant_kind: str
    matter: str
    subtype: str
    aid_form: str
    urgent: bool
    handler: int | None = Field(alias="handler_id")
    next_hearing_on: dt.date | None
    limitation_on: dt.date | None
    recovered: str | None

    @staticmethod
    def resolve_recovered(obj) -> str | None:
        return yuan(obj.recovered)


class StageOut(Schema):
    stage: str
    happened_on: dt.date
    hearing_on: dt.date | None
    summary: str
    recorded_by_name: str


class CaseDetail(CaseItem, CaseActivity):
    review_due: dt.date | None = Field(description="审查期限（待审查时）；补正中止计时时为空")
    employer: str
    facts: str
    workers_involved: int
    amount_in_dispute: str | None
    income_per_head: str | None
    exemption: str
    min_wage_monthly: str | None
    financial_ok: bool | None
    financial_note: str
    knew_on: dt.date | None
    deciding_org: int | None = Field(alias="deciding_org_id")
    decided_on: dt.date | None
    decision_reason: str
    objection: str
    objection_answer: str
    letter_no: str
    result: str
    callback_score: int | None
    archive_no: str
    stages: list[StageOut]

    @staticmethod
    def resolve_review_due(obj) -> dt.date | None:
        return obj.due_on if obj.state == "review" else None

    @staticmethod
    def resolve_amount_in_dispute(obj) -> str | None:
        return yuan(obj.amount_in_dispute)

    @staticmethod
    def resolve_income_per_head(obj) -> str | None:
        return yuan(obj.income_per_head)

    @staticmethod
    def resolve_min_wage_monthly(obj) -> str | None:
        return yuan(obj.min_wage_monthly)

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.all())


class CaseFilters(PageIn):
    list: Literal["", "waiting", "overdue", "hearings", "urgent", "open", "closed"] = ""
    state: str = Field("", max_length=32)
    handler: int | None = Field(None, description="承办人 id")
    org: int | None = Field(None, description="工会 id（含下级工会）")
    q: str = Field("", max_length=32, description="申请人名称开头或案件编号")


def _load(case) -> LegalAidCase:
    return LegalAidCase.objects.select_related("org").get(pk=case.pk)


@router.get("/cases", response=page_schema(CaseItem))
def list_cases(request, filters: Query[CaseFilters]):
    """法律援助案件 in the caller's subtree, with the lists staff work from."""
    from smartunion.legalaid.views import filter_cases

    if filters.org is not None:
        get_or_404(Organization.objects.all(), request.user, filters.org, what="工会组织")
    if filters.handler is not None:
        get_or_404(LegalAidHandler.objects.all(), request.user, filters.handler, what="承办人")
    params = {k: ("" if v is None else str(v)) for k, v in filters.model_dump().items()}
    rows = filter_cases(LegalAidCase.objects.visible_to(request.user), params, request.user)
    return keyset_page(rows.select_related("org"), filters)


@router.post("/cases", response={201: CaseDetail})
def create_case(request, payload: CaseIn):
    """受理: a consultation (state consult) or an application (state review, 7 working days)."""
    require(request.user, "change")
    values = payload.model_dump(exclude={"org", "person"})
    data = services.CaseData(person_id=payload.person, **values)
    case = services.create_case(data, payload.org, actor=request.user)
    return Status(201, _load(case))


@router.get("/cases/{int:case_id}", response=CaseDetail)
def get_case(request, case_id: int):
    return _load(get_or_404(LegalAidCase.objects.all(), request.user, case_id, what=WHAT))


add_transition_routes(
    router, LegalAidCase, path="/cases", response=CaseDetail, what=WHAT, load=_load
)


class HandlerIn(StrictSchema):
    org: int = Field(description="所属工会 id")
    kind: code_type(HandlerKind, blank=False)
    name: str = Field(max_length=64)
    firm: str = Field("", max_length=128)
    license_no: str = Field("", max_length=32)


class HandlerOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    kind: str
    name: str
    firm: str
    active: bool


@router.get("/handlers", response=page_schema(HandlerOut))
def list_handlers(request, filters: Query[PageIn]):
    """承办人 of the unions in the caller's subtree."""
    return keyset_page(LegalAidHandler.objects.visible_to(request.user), filters)


@router.post("/handlers", response={201: HandlerOut})
def add_handler(request, payload: HandlerIn):
    require(request.user, "change")
    handler = services.add_handler(
        org_id=payload.org,
        kind=payload.kind,
        name=payload.name,
        firm=payload.firm,
        license_no=payload.license_no,
        actor=request.user,
    )
    return Status(201, handler)


# 最低工资标准: the county × year table of the financial test (SERVICES.md §3.2), shaped like
# every regional rate of casework.
add_rate_routes(router, kind=MIN_WAGE, path="/minimum-wages", label="最低工资标准")


LABELS = {
    "region": "行政区划",
    "year": "年度",
    "monthly": "月最低工资标准",
    "consultation": "仅咨询",
    "applicant_kind": "申请人类型",
    "applicant_name": "申请人",
    "employer": "对方当事人",
    "employer_uscc": "对方统一社会信用代码",
    "matter": "援助事由",
    "subtype": "争议类别",
    "aid_form": "援助形式",
    "facts": "案情摘要",
    "workers_involved": "涉及职工人数",
    "amount_in_dispute": "争议金额",
    "income_per_head": "家庭月人均收入",
    "exemption": "免审情形",
    "knew_on": "知道权利被侵害之日",
    "urgent": "紧急",
    "handler": "承办人",
    "stage": "阶段",
    "happened_on": "阶段日期",
    "hearing_on": "下次开庭/仲裁日期",
    "summary": "进展情况",
    "result": "结案结果",
    "recovered": "挽回经济损失",
    "score": "满意度",
    "comment": "回访意见",
    "archive_no": "档案号",
    "reason": "终止原因",
    "to": "转办去向",
    "to_name": "接收单位",
    "kind": "承办人类型",
    "firm": "执业机构",
    "license_no": "执业证号",
    "note": "意见",
    "expected_state": "状态",
}
