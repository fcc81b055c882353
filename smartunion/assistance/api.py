"""帮扶 API: hardship files and their transitions and payments, campaigns and their lines,
金秋助学 applications, the 低保 standards and the self-test (困难职工自测).

Money travels as strings with two decimals ("1500.00"), never as numbers; ID numbers and bank
cards leave only masked. Lists page by ``limit`` and ``after`` and answer ``next``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from smartunion.assistance import campaigns as campaign_services
from smartunion.assistance import services, student_aid
from smartunion.assistance.codes import (
    STUDENT_AID_LEVELS,
    AidForm,
    AidType,
    CampaignKind,
    Category,
    Cause,
    Disability,
    DisabilityGrade,
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
    TargetGroup,
    WorkStatus,
)
from smartunion.assistance.models import Campaign, CampaignLine, HardshipFile, StudentAid
from smartunion.assistance.rules import standard_for
from smartunion.casework import money
from smartunion.casework.api import CaseActivity, CaseFields, add_transition_routes
from smartunion.casework.models import FundSource
from smartunion.core.api import (
    Day,
    QuerySchema,
    StrictSchema,
    api_errors,
    code_type,
    get_or_404,
    require,
)
from smartunion.core.errors import NotInScope
from smartunion.core.pagination import PageIn, keyset_page, page_schema
from smartunion.core.ratelimit import AddressRate
from smartunion.orgs.models import Organization

router = Router(tags=["困难职工帮扶"])

Money = str
MoneyField = Field(
    description='金额（元），字符串，最多两位小数，例如 "1500.00"',
)


def yuan(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# ---- schemas ------------------------------------------------------------------------------------


class MemberIn(StrictSchema):
    name: str = Field(max_length=64)
    id_number: str = Field(max_length=18)
    relation: code_type(Relation, blank=False) = "self"
    monthly_income: Money = Field("0")
    health: code_type(Health, blank=False) = Health.GOOD
    disease: str = Field("", max_length=64)
    disability: code_type(Disability) = ""
    disability_grade: code_type(DisabilityGrade) = ""
    medical_insurance: code_type(MedicalInsurance, blank=False) = MedicalInsurance.RESIDENT
    identity: code_type(Identity, blank=False) = Identity.OTHER
    school_level: code_type(SchoolLevel) = ""
    school_or_employer: str = Field("", max_length=128)


class FileIn(StrictSchema):
    """A new household file. ``head`` is the head of household (a registry member in the
    caller's scope, or a person registered as a member of ``org``); ``family`` the others."""

    org: int = Field(description="建档工会 id")
    region: str = Field(max_length=6, description="户口所在地县区代码（GB/T 2260）")
    head: MemberIn
    head_phone: str = Field("", max_length=20, description="户主尚未登记时用于登记的手机号码")
    family: list[MemberIn] = Field(default_factory=list, max_length=29)
    work_status: code_type(WorkStatus, blank=False)
    model_worker_type: code_type(ModelWorkerType, blank=False) = ModelWorkerType.NONE
    marital_status: code_type(Marital, blank=False)
    hukou_kind: code_type(HukouKind, blank=False)
    housing: code_type(Housing, blank=False)
    housing_area: code_type(HousingArea) = ""
    address: str = Field(max_length=200)
    employer: str = Field("", max_length=128)
    work_since: Day | None = None
    single_parent: bool = False
    zero_employment: bool = False
    self_reliant: bool = False
    other_annual_income: Money = Field("0")
    annual_rigid_expenses: Money = Field("0")
    hardship_costs: Money = Field("0")
    main_cause: code_type(Cause, blank=False)
    secondary_causes: list[code_type(Cause, blank=False)] = Field(default_factory=list)
    cause_note: str = Field("", max_length=500)
    exclusions: dict[str, bool] = Field(
        default_factory=dict, description="不予建档情形核查：{代码: 是否}"
    )
    bank_name: str = Field("", max_length=64)
    bank_branch: str = Field("", max_length=64)
    bank_card: str = Field("", max_length=32)
    filing_level: code_type(FilingLevel, blank=False) = FilingLevel.COUNTY
    note: str = Field("", max_length=500)


class MemberOut(Schema):
    name: str
    relation: str
    relation_label: str
    id_masked: str
    gender: str
    monthly_income: str
    health: str
    identity: str
    school_level: str

    @staticmethod
    def resolve_relation_label(obj) -> str:
        return obj.get_relation_display()

    @staticmethod
    def resolve_monthly_income(obj) -> str:
        return yuan(obj.monthly_income)


class FileItem(CaseFields):
    head_name: str
    category: str
    category_label: str
    household_size: int
    per_capita_monthly: str
    main_cause: str
    last_recheck_on: dt.date | None
    filed_on: dt.date | None

    @staticmethod
    def resolve_head_name(obj) -> str:
        return obj.head.name

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_per_capita_monthly(obj) -> str:
        return yuan(obj.per_capita_monthly)


class FileDetail(FileItem, CaseActivity):
    region: str = Field(alias="region_id")
    dibao_monthly: str | None
    annual_income: str
    annual_rigid_expenses: str
    hardship_costs: str
    other_annual_income: str
    secondary_causes: list[str]
    exclusions: dict[str, bool]
    work_status: str
    address: str
    bank_name: str
    bank_card_masked: str
    members: list[MemberOut]

    @staticmethod
    def resolve_dibao_monthly(obj) -> str | None:
        return yuan(obj.dibao_monthly)

    @staticmethod
    def resolve_annual_income(obj) -> str:
        return yuan(obj.annual_income)

    @staticmethod
    def resolve_annual_rigid_expenses(obj) -> str:
        return yuan(obj.annual_rigid_expenses)

    @staticmethod
    def resolve_hardship_costs(obj) -> str:
        return yuan(obj.hardship_costs)

    @staticmethod
    def resolve_other_annual_income(obj) -> str:
        return yuan(obj.other_annual_income)

    @staticmethod
    def resolve_members(obj):
        return obj.members_in_order()


class FileFilters(PageIn):
    category: code_type(Category) = ""
    cause: code_type(Cause) = Field("", description="主要致困原因")
    state: str = Field("", max_length=32)
    org: int | None = Field(None, description="工会 id（含下级工会）")
    list: Literal["", "waiting", "overdue", "in_file", "not_rechecked", "never_aided", "closed"] = (
        ""
    )
    q: str = Field("", max_length=32, description="户主姓名开头或档案编号")


class PaymentIn(StrictSchema):
    amount: Money = MoneyField
    aid_type: code_type(AidType, blank=False)
    fund_source: code_type(FundSource, blank=False)
    paid_on: Day | None = None
    note: str = Field("", max_length=200)


class PaymentOut(Schema):
    id: int
    amount: str
    purpose: str
    fund_source: str
    paid_on: dt.date
    beneficiary_name: str
    beneficiary_id_masked: str
    bank_card_masked: str
    created_by_name: str

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan(obj.amount)


# ---- files ---------------------------------------------------------------------------------------


def _member(m: MemberIn) -> services.MemberData:
    return services.MemberData(**m.model_dump())


def _load_file(file: HardshipFile) -> HardshipFile:
    return (
        HardshipFile.objects.select_related("org", "head", "region")
        .prefetch_related("members")
        .get(pk=file.pk)
    )


@router.get("/files", response=page_schema(FileItem))
def list_files(request, filters: Query[FileFilters]):
    """困难职工档案 in the caller's subtree, with the lists staff work from."""
    from smartunion.assistance.views import filter_files

    if filters.org is not None:
        get_or_404(Organization.objects.all(), request.user, filters.org, what="工会组织")
    params = {k: ("" if v is None else str(v)) for k, v in filters.model_dump().items()}
    rows = filter_files(HardshipFile.objects.visible_to(request.user), params, request.user)
    return keyset_page(rows.select_related("org", "head"), filters)


@router.post("/files", response={201: FileDetail})
def create_file(request, payload: FileIn):
    require(request.user, "change")
    org = get_or_404(
        Organization.objects.all(), request.user, payload.org, action="change", what="工会组织"
    )
    values = payload.model_dump(
        exclude={"org", "region", "head", "head_phone", "family", "bank_card"}
    )
    data = services.FileData(
        values=values,
        head=_member(payload.head),
        family=[_member(m) for m in payload.family],
        region=payload.region,
        bank_card=payload.bank_card,
    )
    file = services.create_file(data, org, actor=request.user, head_phone=payload.head_phone)
    return Status(201, _load_file(file))


@router.get("/files/{int:file_id}", response=FileDetail)
def get_file(request, file_id: int):
    file = get_or_404(HardshipFile.objects.all(), request.user, file_id, what="困难职工档案")
    return _load_file(file)


add_transition_routes(
    router, HardshipFile, path="/files", response=FileDetail, what="困难职工档案", load=_load_file
)


@router.get("/files/{int:file_id}/payments", response=page_schema(PaymentOut))
def list_payments(request, file_id: int, filters: Query[PageIn]):
    file = get_or_404(HardshipFile.objects.all(), request.user, file_id, what="困难职工档案")
    return keyset_page(money.lines_of(file), filters)


@router.post("/files/{int:file_id}/payments", response={201: PaymentOut})
def create_payment(request, file_id: int, payload: PaymentIn):
    """帮扶发放: one payment to an in-file household, within the yearly caps."""
    require(request.user, "change")
    file = get_or_404(
        HardshipFile.objects.all(), request.user, file_id, action="change", what="困难职工档案"
    )
    line = services.record_payment(
        file,
        actor=request.user,
        amount=payload.amount,
        aid_type=payload.aid_type,
        fund_source=payload.fund_source,
        paid_on=payload.paid_on,
        note=payload.note,
    )
    return Status(201, line)


# ---- campaigns -------------------------------------------------------------------------------------


class CampaignIn(StrictSchema):
    org: int | None = Field(None, description="组织工会 id；默认调用者的工会")
    kind: code_type(CampaignKind, blank=False)
    title: str = Field(max_length=128)
    year: int | None = Field(None, ge=2000, le=2100)
    starts_on: Day
    ends_on: Day
    budget: Money = Field("0")
    target_groups: list[code_type(TargetGroup, blank=False)] = Field(default_factory=list)
    funds: dict[code_type(FundSource, blank=False), Money] = Field(default_factory=dict)
    summary: str = Field("", max_length=5000)


class CampaignOut(Schema):
    id: int
    kind: str
    kind_label: str
    year: int
    org: int = Field(alias="org_id")
    org_name: str
    title: str
    starts_on: Day
    ends_on: Day
    budget: str
    target_groups: list[str]
    people: int
    cash_planned: str
    cash_paid: str
    goods_value: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_budget(obj) -> str:
        return yuan(obj.budget)

    @staticmethod
    def resolve_people(obj) -> int:
        return obj.figures.people

    @staticmethod
    def resolve_cash_planned(obj) -> str:
        return yuan(obj.figures.cash_planned)

    @staticmethod
    def resolve_cash_paid(obj) -> str:
        return yuan(obj.figures.cash_paid)

    @staticmethod
    def resolve_goods_value(obj) -> str:
        return yuan(obj.figures.goods_value)


class CampaignItem(Schema):
    id: int
    kind: str
    year: int
    org: int = Field(alias="org_id")
    title: str
    starts_on: Day
    ends_on: Day


class CampaignFilters(PageIn):
    kind: code_type(CampaignKind) = ""
    year: int | None = Field(None, ge=2000, le=2100)


class LineIn(StrictSchema):
    name: str = Field(max_length=64)
    id_number: str = Field(max_length=18)
    group: code_type(TargetGroup, blank=False)
    form: code_type(AidForm, blank=False) = AidForm.CASH
    amount: Money | None = Field(None)
    goods: str = Field("", max_length=128)
    goods_value: Money | None = Field(None)
    unit: str = Field("", max_length=128)
    bank_name: str = Field("", max_length=64)
    bank_card: str = Field("", max_length=32)


class LineOut(Schema):
    id: int
    name: str
    id_masked: str
    unit: str
    group: str
    form: str
    amount: str | None
    goods: str
    goods_value: str | None
    bank_card_masked: str
    state: str
    paid_on: dt.date | None
    hardship_file: int | None = Field(alias="hardship_file_id")

    @staticmethod
    def resolve_amount(obj) -> str | None:
        return yuan(obj.amount)

    @staticmethod
    def resolve_goods_value(obj) -> str | None:
        return yuan(obj.goods_value)


def _load_campaign(campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_related("org").get(pk=campaign.pk)
    campaign.figures = campaign_services.figures(campaign)
    return campaign


@router.get("/campaigns", response=page_schema(CampaignItem))
def list_campaigns(request, filters: Query[CampaignFilters]):
    rows = Campaign.objects.visible_to(request.user)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.year:
        rows = rows.filter(year=filters.year)
    return keyset_page(rows, filters)


@router.post("/campaigns", response={201: CampaignOut})
def create_campaign(request, payload: CampaignIn):
    require(request.user, "change")
    if payload.org is not None:
        org = get_or_404(
            Organization.objects.all(), request.user, payload.org, action="change", what="工会组织"
        )
    elif request.user.scope_org_id:
        org = request.user.scope_org
    else:
        raise ValidationError({"org": "请指定组织工会。"})
    values = payload.model_dump(exclude={"org", "funds"})
    campaign = campaign_services.create_campaign(
        values, org, actor=request.user, funds=payload.funds
    )
    return Status(201, _load_campaign(campaign))


@router.get("/campaigns/{int:campaign_id}", response=CampaignOut)
def get_campaign(request, campaign_id: int):
    return _load_campaign(
        get_or_404(Campaign.objects.all(), request.user, campaign_id, what="活动")
    )


@router.get("/campaigns/{int:campaign_id}/lines", response=page_schema(LineOut))
def list_lines(request, campaign_id: int, filters: Query[PageIn]):
    campaign = get_or_404(Campaign.objects.all(), request.user, campaign_id, what="活动")
    return keyset_page(CampaignLine.objects.filter(campaign=campaign).live(), filters)


@router.post("/campaigns/{int:campaign_id}/lines", response={201: LineOut})
def add_line(request, campaign_id: int, payload: LineIn):
    require(request.user, "change")
    campaign = get_or_404(
        Campaign.objects.all(), request.user, campaign_id, action="change", what="活动"
    )
    line = campaign_services.add_line(
        campaign, campaign_services.LineData(**payload.model_dump()), actor=request.user
    )
    return Status(201, line)


# ---- 金秋助学 -----------------------------------------------------------------------------------------


class StudentAidIn(StrictSchema):
    campaign: int = Field(description="金秋助学活动 id")
    household_file: int = Field(description="学生家长的困难职工档案 id")
    student_name: str = Field(max_length=64)
    student_id_number: str = Field(max_length=18)
    school: str = Field(max_length=128)
    level: Literal[tuple(level.value for level in STUDENT_AID_LEVELS)]
    admission_year: int = Field(ge=2000, le=2100)
    amount: Money | None = Field(None, description="留空按标准")
    exclusions: dict[str, bool] = Field(default_factory=dict)
    other_aid: bool = False
    other_aid_note: str = Field("", max_length=200)


class StudentAidOut(CaseFields):
    campaign: int = Field(alias="campaign_id")
    household_file: int = Field(alias="household_file_id")
    year: int
    student_name: str
    student_id_masked: str
    school: str
    level: str
    admission_year: int
    amount: str

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan(obj.amount)


class StudentAidFilters(PageIn):
    campaign: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/student-aid", response=page_schema(StudentAidOut))
def list_student_aid(request, filters: Query[StudentAidFilters]):
    rows = StudentAid.objects.visible_to(request.user).select_related("org")
    if filters.campaign is not None:
        if not student_aid.campaigns_open_to(request.user).filter(pk=filters.campaign).exists():
            raise NotInScope("金秋助学活动")
        rows = rows.filter(campaign_id=filters.campaign)
    if filters.year:
        rows = rows.filter(year=filters.year)
    return keyset_page(rows, filters)


@router.post("/student-aid", response={201: StudentAidOut})
@api_errors(409)
def create_student_aid(request, payload: StudentAidIn):
    """金秋助学申请. A student already granted (or applied for) this year anywhere in the
    province answers 409."""
    require(request.user, "change")
    aid = student_aid.create_student_aid(
        campaign_id=payload.campaign,
        household_file_id=payload.household_file,
        student_name=payload.student_name,
        student_id_number=payload.student_id_number,
        school=payload.school,
        level=payload.level,
        admission_year=payload.admission_year,
        amount=payload.amount,
        exclusions=payload.exclusions,
        other_aid=payload.other_aid,
        other_aid_note=payload.other_aid_note,
        actor=request.user,
    )
    return Status(201, StudentAid.objects.select_related("org").get(pk=aid.pk))


def _load_aid(aid):
    return StudentAid.objects.select_related("org").get(pk=aid.pk)


@router.get("/student-aid/{int:aid_id}", response=StudentAidOut)
def get_student_aid(request, aid_id: int):
    return _load_aid(
        get_or_404(StudentAid.objects.all(), request.user, aid_id, what="金秋助学申请")
    )


add_transition_routes(
    router,
    StudentAid,
    path="/student-aid",
    response=StudentAidOut,
    what="金秋助学申请",
    load=_load_aid,
)


# ---- standards and the self-test (public reads) ---------------------------------------------------


class StandardQuery(QuerySchema):
    region: str = Field(max_length=6, description="县区代码")
    year: int = Field(ge=2000, le=2100)


class StandardOut(Schema):
    region: str
    year: int
    monthly: str = Field(description="城市低保标准（元/人·月）")
    source_region: str = Field(description="标准所属的行政区划（县区没有单独标准时为市州或省）")
    source_name: str


@router.get(
    "/standards",
    response=StandardOut,
    auth=None,
    throttle=AddressRate("standards", "SMARTUNION_SELF_TEST_RATE"),
)
def get_standard(request, query: Query[StandardQuery]):
    """低保标准 of a county and year (public)."""
    standard = standard_for(query.region, query.year)
    if standard is None:
        raise ValidationError({"year": f"{query.region} {query.year}年的低保标准尚未录入。"})
    return {**standard.__dict__, "monthly": yuan(standard.monthly)}


class StandardIn(StrictSchema):
    region: str = Field(max_length=6)
    year: int = Field(ge=2000, le=2100)
    monthly: Money = MoneyField
    note: str = Field("", max_length=200)


@router.post("/standards", response={201: StandardOut})
def set_standard(request, payload: StandardIn):
    """Enter or correct a 低保 standard (province admins)."""
    row = services.set_standard(
        region=payload.region,
        year=payload.year,
        monthly=payload.monthly,
        note=payload.note,
        actor=request.user,
    )
    out = {
        "region": row.region_id,
        "year": row.year,
        "monthly": yuan(row.monthly),
        "source_region": row.region_id,
        "source_name": row.region.name,
    }
    return Status(201, out)


class SelfTestIn(StrictSchema):
    region: str = Field(max_length=6, description="户口所在地县区代码")
    year: int = Field(ge=2000, le=2100)
    household_size: int = Field(description="家庭共同生活人口")
    annual_income: Money = Field(description="家庭年度总收入（元）")
    annual_rigid_expenses: Money = Field("0", description="年度刚性支出（元）")
    hardship_costs: Money = Field("0", description="本年致困费用（元）")


class SelfTestOut(Schema):
    category: Literal["deep", "relative", "accident"] | None
    category_label: str
    per_capita_monthly: str
    dibao_monthly: str
    region_name: str


@router.post(
    "/self-test",
    response=SelfTestOut,
    auth=None,
    throttle=AddressRate("self_test", "SMARTUNION_SELF_TEST_RATE"),
)
def self_test(request, payload: SelfTestIn):
    """困难职工自测: which category a household would get (nothing is saved)."""
    result = services.self_test(**payload.model_dump())
    return {
        "category": result.category,
        "category_label": Category(result.category).label if result.category else "不符合建档条件",
        "per_capita_monthly": yuan(result.per_capita_monthly),
        "dibao_monthly": yuan(result.dibao_monthly),
        "region_name": result.region_name,
    }


LABELS = {
    "org": "工会",
    "region": "户口所在地",
    "head": "户主",
    "family": "家庭成员",
    "members": "家庭成员",
    "work_status": "工作状态/身份",
    "model_worker_type": "劳模类型",
    "marital_status": "婚姻状况",
    "hukou_kind": "户口类型",
    "housing": "住房类型",
    "housing_area": "建筑面积",
    "address": "家庭住址",
    "employer": "工作单位",
    "work_since": "参加工作时间",
    "other_annual_income": "家庭其他非薪资年收入",
    "annual_rigid_expenses": "年度刚性支出",
    "hardship_costs": "致困费用",
    "annual_income": "家庭年度总收入",
    "main_cause": "主要致困原因",
    "secondary_causes": "次要致困原因",
    "cause_note": "致困情况说明",
    "exclusions": "不予建档情形核查",
    "bank_card": "银行卡号",
    "bank_name": "开户银行",
    "bank_branch": "支行名称",
    "filing_level": "建档标准",
    "monthly_income": "月收入",
    "relation": "与户主关系",
    "health": "健康状况",
    "medical_insurance": "医保状况",
    "identity": "人员身份",
    "school_level": "当前学历",
    "amount": "金额",
    "aid_type": "帮扶类型",
    "fund_source": "资金来源",
    "paid_on": "发放日期",
    "kind": "活动类型",
    "title": "名称",
    "year": "年度",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "budget": "预算",
    "target_groups": "对象",
    "funds": "资金来源",
    "group": "对象类别",
    "form": "形式",
    "goods": "物品",
    "goods_value": "物品价值",
    "campaign": "金秋助学活动",
    "household_file": "困难职工档案",
    "student_name": "学生姓名",
    "student_id_number": "学生身份证号码",
    "school": "学校",
    "level": "就读层次",
    "admission_year": "入学年份",
    "other_aid": "其他资助",
    "household_size": "家庭人口",
    "monthly": "月标准",
    "note": "意见",
    "visited_on": "入户调查日期",
    "authorization_signed": "授权书",
    "rechecked_on": "复核日期",
    "above_since": "高于低保标准的起始日期",
    "reason": "原因",
    "expected_state": "状态",
}
