"""荣誉库 API: honours (list, detail, create, naming a candidate, revocation), the benefits
per level (the province's table) and the service logs of model workers.

Money travels as strings with two decimals ("400.00"). Every read is scoped by the union that
keeps the record (the person's union, or the unit); ids outside the caller's subtree answer 404.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status

from smartunion.assistance.models import HardshipFile
from smartunion.casework.api import CaseActivity, CaseFields, add_transition_routes
from smartunion.core.api import (
    Day,
    QuerySchema,
    StrictSchema,
    code_type,
    get_or_404,
    require,
    set_fields,
)
from smartunion.core.pagination import PageIn, keyset_page, page_schema
from smartunion.honours import selections, services, studios
from smartunion.honours.codes import (
    DEPARTMENTS,
    Category,
    Kind,
    Level,
    OutcomeKind,
    ServiceKind,
    State,
    StudioTier,
)
from smartunion.honours.models import (
    BenefitRule,
    Honour,
    Nomination,
    Selection,
    ServiceLog,
    Studio,
    StudioRecord,
)
from smartunion.members.models import Person
from smartunion.orgs.models import Organization
from smartunion.portal.api import worker_auth

router = Router(tags=["劳模工匠荣誉库"])
WHAT = "荣誉"


def yuan(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class HonourItem(Schema):
    id: int
    holder_name: str
    person: int | None = Field(alias="person_id")
    unit: int | None = Field(alias="unit_id")
    team_name: str
    org: int = Field(alias="org_id")
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    level: str
    year: int
    granting_body: str
    document_no: str
    state: str
    source: str


class BenefitsOut(Schema):
    level: str
    monthly_allowance: str
    health_check: bool
    rest_trip: bool
    festival_visits: int
    visit_amount: str

    @staticmethod
    def resolve_monthly_allowance(obj) -> str:
        return yuan(obj.monthly_allowance)

    @staticmethod
    def resolve_visit_amount(obj) -> str:
        return yuan(obj.visit_amount)


class HonourDetail(HonourItem):
    source_url: str
    deeds: str
    revoked_reason: str
    revoked_document: str
    revoked_on: dt.date | None
    died_on: dt.date | None
    benefits: BenefitsOut | None = Field(description="在册劳模按最高级别享受的待遇")
    hardship_files: list[int] = Field(description="该劳模（户主）的困难职工档案 id")


class HonourFilters(PageIn):
    q: str = Field("", max_length=32, description="获得者名称（包含）")
    kind: code_type(Kind) = ""
    level: code_type(Level) = ""
    year: int | None = Field(None, ge=1950, le=2100)
    state: code_type(State) = ""
    held: bool = Field(False, description="仅在册")


def filter_honours(rows, *, q="", kind="", level="", year=None, state="", held=False):
    if q:
        rows = rows.filter(holder_name__contains=q.strip())
    if kind:
        rows = rows.filter(kind=kind)
    if level:
        rows = rows.filter(level=level)
    if year:
        rows = rows.filter(year=year)
    if held:
        rows = rows.filter(state=State.HELD)
    elif state:
        rows = rows.filter(state=state)
    return rows


def _detail(request, honour: Honour) -> Honour:
    """The honour with what its detail adds: the benefits and the hardship files."""
    honour.benefits, honour.hardship_files = None, []
    if honour.person_id:
        honour.benefits = services.benefits_of(honour.person_id)
        honour.hardship_files = list(
            HardshipFile.objects.visible_to(request.user)
            .filter(head_id=honour.person_id)
            .values_list("id", flat=True)
        )
    return honour


@router.get("", response=page_schema(HonourItem))
def list_honours(request, filters: Query[HonourFilters]):
    """荣誉库: the honours kept by unions in the caller's subtree, newest year first."""
    rows = filter_honours(
        Honour.objects.visible_to(request.user),
        **filters.model_dump(exclude={"limit", "after"}),
    )
    return keyset_page(rows, filters, order=("-year", "id"))


class HonourIn(StrictSchema):
    kind: code_type(Kind, blank=False)
    year: int = Field(ge=1950, le=2100)
    person: int | None = Field(None, description="获得荣誉的人员 id（个人荣誉）")
    holder_org: int | None = Field(
        None, description="获得荣誉的单位（工会组织）id（奖状、工人先锋号）"
    )
    team_name: str = Field("", max_length=128)
    level: code_type(Level) = ""
    granting_body: str = Field("", max_length=128)
    document_no: str = Field("", max_length=64)
    deeds: str = Field("", max_length=4000)


@router.post("", response={201: HonourDetail})
def create_honour(request, payload: HonourIn):
    """登记在册荣誉 (from the granting body's document)."""
    require(request.user, "change")
    values = payload.model_dump(exclude={"person", "holder_org"})
    data = services.HonourData(person_id=payload.person, unit_id=payload.holder_org, **values)
    honour = services.create_honour(data, actor=request.user)
    return Status(201, _detail(request, honour))


@router.get("/{int:honour_id}", response=HonourDetail)
def get_honour(request, honour_id: int):
    return _detail(request, get_or_404(Honour.objects.all(), request.user, honour_id, what=WHAT))


class RevokeIn(StrictSchema):
    reason: str = Field("", max_length=300, description="撤销原因")
    document: str = Field("", max_length=128, description="撤销文件（文号）")


@router.post("/{int:honour_id}/revoke", response=HonourDetail)
def revoke_honour(request, honour_id: int, payload: RevokeIn):
    """撤销: reason and document both required; the benefits stop."""
    require(request.user, "change")
    honour = services.revoke(
        honour_id, actor=request.user, reason=payload.reason, document=payload.document
    )
    return _detail(request, honour)


class NameIn(StrictSchema):
    document_no: str = Field("", max_length=64, description="命名文号")
    granting_body: str = Field("", max_length=128)


@router.post("/{int:honour_id}/name", response=HonourDetail)
def name_honour(request, honour_id: int, payload: NameIn):
    """候选 → 在册 (命名)."""
    require(request.user, "change")
    honour = services.name_candidate(
        honour_id,
        actor=request.user,
        document_no=payload.document_no,
        granting_body=payload.granting_body,
    )
    return _detail(request, honour)


class BenefitRuleOut(BenefitsOut):
    id: int
    updated_by_name: str


@router.get("/benefits", response=page_schema(BenefitRuleOut))
def list_benefits(request, filters: Query[PageIn]):
    """劳模待遇标准 per level (every staff account reads them)."""
    require(request.user, "view")
    services.ensure_benefit_rules()
    return keyset_page(BenefitRule.objects.all(), filters)


class BenefitRuleIn(StrictSchema):
    level: code_type(Level, blank=False)
    monthly_allowance: str = Field(max_length=20, description='元/月，如 "400.00"')
    health_check: bool
    rest_trip: bool
    festival_visits: int = Field(ge=0, le=12)
    visit_amount: str = Field(max_length=20)


@router.post("/benefits", response=BenefitRuleOut)
def save_benefits(request, payload: BenefitRuleIn):
    """The province edits the benefits of a level."""
    return services.save_benefit_rule(actor=request.user, **payload.model_dump())


class ServiceLogOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    kind: str
    happened_on: dt.date
    amount: str | None
    note: str
    recorded_by_name: str

    @staticmethod
    def resolve_amount(obj) -> str | None:
        return yuan(obj.amount)


class ServiceLogFilters(PageIn):
    person: int | None = Field(None, description="劳模（人员 id）")


@router.get("/service-logs", response=page_schema(ServiceLogOut))
def list_service_logs(request, filters: Query[ServiceLogFilters]):
    """劳模服务记录, newest first."""
    rows = ServiceLog.objects.visible_to(request.user)
    if filters.person is not None:
        get_or_404(Person.objects.all(), request.user, filters.person, what="人员")
        rows = rows.filter(person_id=filters.person)
    return keyset_page(rows, filters, order=("-happened_on", "-id"))


class ServiceLogIn(StrictSchema):
    person: int
    kind: code_type(ServiceKind, blank=False)
    happened_on: Day
    amount: str | None = Field(None, max_length=20)
    note: str = Field("", max_length=300)


@router.post("/service-logs", response={201: ServiceLogOut})
def add_service_log(request, payload: ServiceLogIn):
    require(request.user, "change")
    values = payload.model_dump(exclude={"person"})
    log = services.add_service_log(actor=request.user, person_id=payload.person, **values)
    return Status(201, log)


LABELS = {
    "kind": "荣誉类型",
    "level": "级别",
    "year": "年度",
    "person": "人员",
    "holder_org": "获得单位",
    "team_name": "班组名称",
    "granting_body": "授予机关",
    "document_no": "文号",
    "deeds": "主要事迹",
    "reason": "撤销原因",
    "document": "撤销文件",
    "monthly_allowance": "荣誉津贴",
    "health_check": "健康体检",
    "rest_trip": "疗休养",
    "festival_visits": "节日慰问次数",
    "visit_amount": "每次慰问金",
    "happened_on": "日期",
    "amount": "金额",
    "note": "说明",
    "held": "仅在册",
}


# ---- selections ---------------------------------------------------------------------------------


class QuotaIn(Schema):
    org: int = Field(description="推荐工会 id")
    places: int = Field(ge=1, le=1000)


class RatioIn(Schema):
    category: code_type(Category, blank=False)
    min_percent: int = Field(ge=1, le=100)


class SelectionItem(Schema):
    id: int
    org: int = Field(alias="org_id")
    title: str
    kind: str
    year: int
    document_no: str
    nominations_due: dt.date
    vote_starts_on: dt.date | None
    vote_ends_on: dt.date | None


class SelectionDetail(SelectionItem):
    departments: list[str]
    quotas: list[QuotaIn]
    ratios: list[RatioIn]

    @staticmethod
    def resolve_quotas(obj):
        return [{"org": q.org_id, "places": q.places} for q in obj.quotas.all()]

    @staticmethod
    def resolve_ratios(obj):
        return list(obj.ratios.all())


class SelectionIn(StrictSchema):
    org: int = Field(description="组织评选的工会 id")
    title: str = Field(max_length=128)
    kind: code_type(Kind, blank=False)
    year: int = Field(ge=1950, le=2100)
    document_no: str = Field("", max_length=64)
    nominations_due: Day
    quotas: list[QuotaIn] = Field(min_length=1, max_length=500)
    ratios: list[RatioIn] | None = Field(
        None, max_length=10, description="默认：产业工人≥35%，农民工≥10%"
    )
    departments: list[code_type(DEPARTMENTS, blank=False)] | None = Field(None, max_length=10)
    vote_starts_on: Day | None = None
    vote_ends_on: Day | None = None


@router.get("/selections", response=page_schema(SelectionItem))
def list_selections(request, filters: Query[PageIn]):
    """评选 run by the caller's unions or by the unions above them."""
    return keyset_page(Selection.objects.visible_to(request.user), filters, order=("-id",))


@router.post("/selections", response={201: SelectionDetail})
def create_selection(request, payload: SelectionIn):
    require(request.user, "change")
    data = selections.SelectionData(
        title=payload.title,
        kind=payload.kind,
        year=payload.year,
        document_no=payload.document_no,
        nominations_due=payload.nominations_due,
        quotas=[(q.org, q.places) for q in payload.quotas],
        ratios=None
        if payload.ratios is None
        else [(r.category, r.min_percent) for r in payload.ratios],
        departments=payload.departments,
        vote_starts_on=payload.vote_starts_on,
        vote_ends_on=payload.vote_ends_on,
    )
    return Status(201, selections.create_selection(data, payload.org, actor=request.user))


@router.get("/selections/{int:selection_id}", response=SelectionDetail)
def get_selection(request, selection_id: int):
    return selections.visible_selection(selection_id, request.user)


class SelectionPatch(StrictSchema):
    """修改评选通知: only the fields given change; ``quotas``, ``ratios`` and ``departments``
    replace the whole list. A field left out is unchanged; ``null`` is refused except
    for the vote dates, where it means no public vote."""

    title: str = Field(None, max_length=128)
    kind: code_type(Kind, blank=False) = None
    year: int = Field(None, ge=1950, le=2100)
    document_no: str = Field(None, max_length=64)
    nominations_due: Day = None
    quotas: list[QuotaIn] = Field(None, min_length=1, max_length=500)
    ratios: list[RatioIn] = Field(None, max_length=10)
    departments: list[code_type(DEPARTMENTS, blank=False)] = Field(None, max_length=10)
    vote_starts_on: Day | None = Field(None, description="null：取消网络投票")
    vote_ends_on: Day | None = None


@router.patch("/selections/{int:selection_id}", response=SelectionDetail)
def update_selection(request, selection_id: int, payload: SelectionPatch):
    """修改评选通知 (its organising union): the same rules as a new one, and a union's quota
    never below the nominees it has already put forward."""
    require(request.user, "change")
    current = selections.visible_selection(selection_id, request.user)
    sent = set_fields(payload, nullable=("vote_starts_on", "vote_ends_on"))
    fields = ("title", "kind", "year", "document_no", "nominations_due", "departments")
    fields += ("vote_starts_on", "vote_ends_on")
    values = {name: sent.get(name, getattr(current, name)) for name in fields}
    data = selections.SelectionData(
        quotas=[(q["org"], q["places"]) for q in sent["quotas"]]
        if "quotas" in sent
        else list(current.quotas.values_list("org_id", "places")),
        ratios=[(r["category"], r["min_percent"]) for r in sent["ratios"]]
        if "ratios" in sent
        else list(current.ratios.values_list("category", "min_percent")),
        **values,
    )
    selections.update_selection(current.pk, data, actor=request.user)
    return selections.visible_selection(current.pk, request.user)


class RatioRowOut(Schema):
    category: str
    label: str
    min_percent: int
    count: int
    total: int
    percent: str
    ok: bool


class RatioCheckOut(Schema):
    org: int
    ok: bool
    rows: list[RatioRowOut]


class OrgQuery(QuerySchema):
    org: int | None = Field(None, description="推荐工会 id（必填）")


@router.get("/selections/{int:selection_id}/ratios", response=RatioCheckOut)
def check_ratios(request, selection_id: int, query: Query[OrgQuery]):
    """比例检查 of a union's nominee list, as it stands now."""
    selection = selections.visible_selection(selection_id, request.user)
    if query.org is None:
        raise ValidationError({"org": "请选择推荐工会。"})
    get_or_404(Organization.objects.all(), request.user, query.org, what="推荐工会")
    rows = selections.ratio_report(selection, selections.org_list(selection, query.org))
    return {
        "org": query.org,
        "ok": all(r.ok for r in rows),
        "rows": [{**r.__dict__, "percent": str(r.percent)} for r in rows],
    }


class NominationIn(StrictSchema):
    org: int = Field(description="推荐工会 id（有名额的工会）")
    person: int = Field(description="推荐对象（人员 id）")
    categories: list[code_type(Category, blank=False)] = Field([], max_length=8)
    employer: str = Field("", max_length=128)
    deeds: str = Field("", max_length=4000)


class NominationItem(CaseFields):
    selection: int = Field(alias="selection_id")
    person: int = Field(alias="person_id")
    name: str
    employer: str
    categories: list[str]
    expert_score: str | None
    votes: int
    honour: int | None = Field(alias="honour_id")

    @staticmethod
    def resolve_expert_score(obj) -> str | None:
        return None if obj.expert_score is None else f"{obj.expert_score:.2f}"


class NominationDetail(NominationItem, CaseActivity):
    deeds: str
    vetted_by: list[str]


def _nomination(case) -> Nomination:
    return Nomination.objects.select_related("org", "selection").get(pk=case.pk)


@router.post("/selections/{int:selection_id}/nominations", response={201: NominationDetail})
def nominate(request, selection_id: int, payload: NominationIn):
    """推荐: put a person on a union's list (draft; ratios and quota checked)."""
    require(request.user, "change")
    case = selections.nominate(
        selection_id,
        actor=request.user,
        org_id=payload.org,
        person_id=payload.person,
        categories=payload.categories,
        employer=payload.employer,
        deeds=payload.deeds,
    )
    return Status(201, _nomination(case))


class SubmitIn(StrictSchema):
    org: int = Field(description="推荐工会 id")


class SubmittedOut(Schema):
    submitted: list[int]


@router.post("/selections/{int:selection_id}/submit", response=SubmittedOut)
def submit_list(request, selection_id: int, payload: SubmitIn):
    """上报推荐名单: refused, with the figures, when the list breaks a ratio."""
    require(request.user, "change")
    rows = selections.submit_list(selection_id, actor=request.user, org_id=payload.org)
    return {"submitted": [n.pk for n in rows]}


class NoticeOut(Schema):
    notice: int = Field(alias="pk")
    items: int
    ends_on: dt.date | None

    @staticmethod
    def resolve_items(obj) -> int:
        return obj.items.count()


@router.post("/selections/{int:selection_id}/publish", response=NoticeOut)
def publish(request, selection_id: int):
    """公示 (5 working days) of the nominees waiting for it."""
    require(request.user, "change")
    return selections.publish(selection_id, actor=request.user)


class NominationFilters(PageIn):
    selection: int | None = None
    org: int | None = Field(None, description="推荐工会 id（含下级）")
    state: str = Field("", max_length=32)
    q: str = Field("", max_length=32, description="姓名开头或编号")


@router.get("/nominations", response=page_schema(NominationItem))
def list_nominations(request, filters: Query[NominationFilters]):
    rows = Nomination.objects.visible_to(request.user).select_related("org")
    if filters.selection is not None:
        get_or_404(Selection.objects.all(), request.user, filters.selection, what="评选")
        rows = rows.filter(selection_id=filters.selection)
    if filters.org is not None:
        org = get_or_404(Organization.objects.all(), request.user, filters.org, what="工会组织")
        rows = rows.filter(org__path__startswith=org.path)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.q:
        rows = rows.filter(Q(name__startswith=filters.q) | Q(number=filters.q))
    return keyset_page(rows, filters)


@router.get("/nominations/{int:nomination_id}", response=NominationDetail)
def get_nomination(request, nomination_id: int):
    case = get_or_404(Nomination.objects.all(), request.user, nomination_id, what="推荐对象")
    return _nomination(case)


add_transition_routes(
    router,
    Nomination,
    path="/nominations",
    response=NominationDetail,
    what="推荐对象",
    load=_nomination,
)


# ---- the public vote, for a worker signed in on 职工之家 ----------------------------------------

portal_router = Router(tags=["职工之家"], auth=worker_auth)


class VoteIn(StrictSchema):
    nomination: int = Field(description="投票对象（推荐对象 id）")


class VoteOut(Schema):
    nomination: int = Field(alias="nomination_id")
    day: dt.date


@portal_router.post("/votes", response={201: VoteOut})
def cast_vote(request, payload: VoteIn):
    """网络投票: one vote a day per selection for each worker."""
    ballot = selections.vote(payload.nomination, voter=request.worker.phone_index)
    return Status(201, ballot)


# ---- innovation studios ---------------------------------------------------------------------


class StudioItem(Schema):
    id: int
    org: int = Field(alias="org_id")
    name: str
    tier: str
    named_year: int
    document_no: str
    leader: int = Field(alias="leader_id")
    leader_honour: int = Field(alias="leader_honour_id")
    venue: int | None = Field(alias="venue_id")
    field: str
    state: str
    checked_year: int | None


class StudioFigures(Schema):
    funding: str
    outcomes: int
    patents: int
    standards: int
    benefit: str
    trained: int
    promoted: int


class StudioMemberOut(Schema):
    person: int = Field(alias="person_id")
    role: str
    joined_on: dt.date


class StudioRecordOut(Schema):
    id: int
    type: str
    happened_on: dt.date
    title: str
    outcome_kind: str
    patent_no: str
    amount: str
    trained: int
    promoted: int
    passed: bool | None

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan(obj.amount)


class StudioDetail(StudioItem):
    figures: StudioFigures = Field(description="由工作室记录计算")
    members: list[StudioMemberOut]
    records: list[StudioRecordOut]

    @staticmethod
    def resolve_members(obj):
        return obj.members_list

    @staticmethod
    def resolve_records(obj):
        return obj.records_list


def _studio(studio: Studio) -> Studio:
    values = studios.figures(studio.records.all())
    values["funding"], values["benefit"] = yuan(values["funding"]), yuan(values["benefit"])
    studio.figures = values
    studio.members_list = list(studio.members.all())
    studio.records_list = list(studio.records.all()[:200])
    return studio


class StudioFilters(PageIn):
    tier: code_type(StudioTier) = ""
    q: str = Field("", max_length=32, description="名称（包含）")


@router.get("/studios", response=page_schema(StudioItem))
def list_studios(request, filters: Query[StudioFilters]):
    rows = Studio.objects.visible_to(request.user)
    if filters.tier:
        rows = rows.filter(tier=filters.tier)
    if filters.q:
        rows = rows.filter(name__contains=filters.q)
    return keyset_page(rows, filters)


class StudioIn(StrictSchema):
    org: int = Field(description="所属工会 id")
    name: str = Field(max_length=100)
    tier: code_type(StudioTier, blank=False)
    named_year: int = Field(ge=1950, le=2100)
    document_no: str = Field("", max_length=64)
    leader: int = Field(description="领衔人（人员 id，须有在册荣誉）")
    venue: int | None = Field(None, description="阵地 id（类型为创新工作室）")
    field: str = Field("", max_length=200)


@router.post("/studios", response={201: StudioDetail})
def create_studio(request, payload: StudioIn):
    require(request.user, "change")
    data = studios.StudioData(
        name=payload.name,
        tier=payload.tier,
        named_year=payload.named_year,
        document_no=payload.document_no,
        leader_id=payload.leader,
        venue_id=payload.venue,
        field=payload.field,
    )
    return Status(201, _studio(studios.create_studio(data, payload.org, actor=request.user)))


@router.get("/studios/{int:studio_id}", response=StudioDetail)
def get_studio(request, studio_id: int):
    return _studio(get_or_404(Studio.objects.all(), request.user, studio_id, what="创新工作室"))


class StudioPatch(StrictSchema):
    """修改工作室: only the fields given change; ``null`` is refused except for ``venue``
    (no venue)."""

    name: str = Field(None, max_length=100)
    tier: code_type(StudioTier, blank=False) = None
    named_year: int = Field(None, ge=1950, le=2100)
    document_no: str = Field(None, max_length=64)
    leader: int = Field(None, description="领衔人（人员 id，须有在册荣誉）")
    venue: int | None = Field(None, description="阵地 id（类型为创新工作室）；null：不再关联")
    field: str = Field(None, max_length=200)


@router.patch("/studios/{int:studio_id}", response=StudioDetail)
def update_studio(request, studio_id: int, payload: StudioPatch):
    """修改工作室: name, tier, naming, leader (still holding an honour), venue, field."""
    require(request.user, "change")
    current = get_or_404(Studio.objects.all(), request.user, studio_id, what="创新工作室")
    sent = set_fields(payload, nullable=("venue",))
    data = studios.StudioData(
        name=sent.get("name", current.name),
        tier=sent.get("tier", current.tier),
        named_year=sent.get("named_year", current.named_year),
        document_no=sent.get("document_no", current.document_no),
        leader_id=sent.get("leader", current.leader_id),
        venue_id=sent.get("venue", current.venue_id),
        field=sent.get("field", current.field),
    )
    return _studio(studios.update_studio(current.pk, data, actor=request.user))


class StudioMemberIn(StrictSchema):
    person: int
    role: str = Field("", max_length=64)
    joined_on: Day | None = None


@router.post("/studios/{int:studio_id}/members", response={201: StudioMemberOut})
def add_studio_member(request, studio_id: int, payload: StudioMemberIn):
    require(request.user, "change")
    member = studios.add_member(
        studio_id,
        actor=request.user,
        person_id=payload.person,
        role=payload.role,
        joined_on=payload.joined_on,
    )
    return Status(201, member)


class StudioRecordIn(StrictSchema):
    type: code_type(StudioRecord.Type, blank=False)
    happened_on: Day
    title: str = Field(max_length=200)
    outcome_kind: code_type(OutcomeKind) = ""
    patent_no: str = Field("", max_length=32)
    amount: str | None = Field(None, max_length=20, description="经费或经济效益（元）")
    trained: int = Field(0, ge=0, le=100000)
    promoted: int = Field(0, ge=0, le=100000)
    passed: bool | None = None


@router.post("/studios/{int:studio_id}/records", response={201: StudioRecordOut})
def add_studio_record(request, studio_id: int, payload: StudioRecordIn):
    """经费、创新成果、培训与晋级、年度复核 (a failed re-check revokes the studio's name)."""
    require(request.user, "change")
    record = studios.add_record(
        studio_id, studios.RecordData(**payload.model_dump()), actor=request.user
    )
    return Status(201, record)


LABELS.update(
    {
        "tier": "工作室级别",
        "named_year": "命名年度",
        "leader": "领衔人",
        "venue": "阵地",
        "field": "研究方向",
        "title": "名称/说明",
        "outcome_kind": "成果类型",
        "patent_no": "专利号",
        "trained": "培训人数",
        "promoted": "技能晋级人数",
        "passed": "复核结论",
        "role": "分工",
        "joined_on": "加入日期",
        "categories": "类别",
        "employer": "工作单位及职务",
        "quotas": "推荐名额",
        "ratios": "比例要求",
        "departments": "联审部门",
        "nominations_due": "推荐截止日期",
        "vote_starts_on": "投票开始日期",
        "vote_ends_on": "投票截止日期",
        "score": "专家评审得分",
        "nomination": "投票对象",
        "org": "工会",
    }
)
