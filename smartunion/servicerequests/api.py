"""诉求工单 API: requests (list, detail with ``due`` and the routing history, create, one POST
per transition) and the category code list. Counselling requests exist only for their
counsellor and the service centre's head (404 to everyone else)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from smartunion.casework.api import CaseActivity, CaseFields, add_transition_routes
from smartunion.core.api import StrictSchema, code_type, get_or_404, require
from smartunion.core.pagination import PageIn, keyset_page, page_schema
from smartunion.orgs.models import Organization
from smartunion.servicerequests import services
from smartunion.servicerequests.codes import Channel, Urgency
from smartunion.servicerequests.models import RequestCategory, ServiceRequest

router = Router(tags=["职工诉求工单"])
WHAT = "诉求工单"


class RequestIn(StrictSchema):
    org: int = Field(description="受理工会 id")
    channel: code_type(Channel, blank=False)
    category: str = Field(max_length=8, description="诉求分类代码（分类代码表）")
    urgency: code_type(Urgency, blank=False) = Urgency.NORMAL
    person: int | None = Field(None, description="实名库人员 id")
    caller_name: str = Field("", max_length=64)
    caller_phone: str = Field("", max_length=20)
    employer: str = Field("", max_length=128)
    summary: str = Field(max_length=4000)
    counsellor: int | None = Field(None, description="心理咨询师账号 id（心理疏导必填）")


class RequestItem(CaseFields):
    intake_org: int = Field(alias="intake_org_id")
    handling_org: int | None = Field(alias="handling_org_id")
    channel: str
    category: str
    urgency: str
    caller_name: str
    satisfied: bool | None
    on_time: bool | None
    quality_flag: bool

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code


class HandoffOut(Schema):
    kind: str
    from_org: int = Field(alias="from_org_id")
    to_org: int = Field(alias="to_org_id")
    note: str
    actor_name: str
    at: dt.datetime


class RequestDetail(RequestItem, CaseActivity):
    caller_phone_masked: str
    employer: str
    summary: str
    result: str
    handled_by_name: str
    callback_comment: str
    reopened: bool
    legal_case: int | None = Field(alias="legal_case_id")
    hardship_file: int | None = Field(alias="hardship_file_id", description="转成的困难职工档案 id")
    routing: list[HandoffOut] = Field(description="流转记录：下派、退回上级、办结反馈")

    @staticmethod
    def resolve_routing(obj):
        return list(obj.handoffs.all())


class RequestFilters(PageIn):
    list: Literal["", "waiting", "overdue", "open", "closed", "dissatisfied", "quality"] = ""
    state: str = Field("", max_length=32)
    category: str = Field("", max_length=8)
    channel: code_type(Channel) = ""
    org: int | None = Field(None, description="工会 id（含下级工会）")


def _load(request) -> ServiceRequest:
    return ServiceRequest.objects.select_related("org", "category").get(pk=request.pk)


@router.get("", response=page_schema(RequestItem))
def list_requests(request, filters: Query[RequestFilters]):
    """诉求工单 in the caller's subtree (those it holds, took or handled)."""
    from smartunion.servicerequests.views import filter_requests

    if filters.org is not None:
        get_or_404(Organization.objects.all(), request.user, filters.org, what="工会组织")
    params = {k: ("" if v is None else str(v)) for k, v in filters.model_dump().items()}
    rows = filter_requests(ServiceRequest.objects.visible_to(request.user), params, request.user)
    return keyset_page(rows.select_related("org", "category"), filters)


@router.post("", response={201: RequestDetail})
def create_request(request, payload: RequestIn):
    """受理: the request waits at ``org`` to be handled there or sent down."""
    require(request.user, "change")
    values = payload.model_dump(exclude={"org", "person", "counsellor"})
    data = services.RequestData(
        person_id=payload.person, counsellor_id=payload.counsellor, **values
    )
    return Status(201, _load(services.create_request(data, payload.org, actor=request.user)))


@router.get("/{int:ticket_id}", response=RequestDetail)
def get_request(request, ticket_id: int):
    return _load(get_or_404(ServiceRequest.objects.all(), request.user, ticket_id, what=WHAT))


add_transition_routes(
    router, ServiceRequest, path="", response=RequestDetail, what=WHAT, load=_load
)


class RequestCategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    confidential: bool
    legal_aid: bool
    active: bool

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


@router.get("/categories", response=page_schema(RequestCategoryOut))
def list_categories(request, page: Query[PageIn]):
    """诉求分类代码表, by code (a sub-category after its category)."""
    require(request.user, "view")
    return keyset_page(RequestCategory.objects.select_related("parent"), page, order=("code",))


class CategoryIn(StrictSchema):
    code: str = Field(max_length=8, description="代码（2至8位数字）")
    name: str = Field(max_length=64)
    parent_code: str = Field("", max_length=8, description="大类代码（小类时填）")
    confidential: bool = False
    legal_aid: bool = False


@router.post("/categories", response={201: RequestCategoryOut})
def save_category(request, payload: CategoryIn):
    """Add or rename a category (province admins): the code list of the whole province."""
    row = services.save_category(
        code=payload.code,
        name=payload.name,
        parent_code=payload.parent_code,
        confidential=payload.confidential,
        legal_aid=payload.legal_aid,
        actor=request.user,
    )
    return Status(201, RequestCategory.objects.select_related("parent").get(pk=row.pk))


class CentreIn(StrictSchema):
    org: int = Field(description="县级（含）以上工会 id")
    head_user: int = Field(description="中心负责人的工作人员账号 id")


class CentreOut(Schema):
    org: int = Field(alias="org_id")
    head_user: int = Field(alias="head_id")


@router.get("/centres", response=page_schema(CentreOut))
def list_centres(request, page: Query[PageIn]):
    """职工服务中心 of the unions in the caller's subtree and their heads."""
    from smartunion.servicerequests.models import ServiceCentre

    require(request.user, "view")
    unions = Organization.objects.visible_to(request.user)
    return keyset_page(ServiceCentre.objects.filter(org__in=unions), page, order=("id",))


@router.post("/centres", response={201: CentreOut})
def set_centre(request, payload: CentreIn):
    """Name the head of a union's 职工服务中心 (sees the counselling requests under it)."""
    require(request.user, "change")
    centre = services.set_centre_head(
        org_id=payload.org, head_user_id=payload.head_user, actor=request.user
    )
    return Status(201, centre)


LABELS = {
    "head_user": "中心负责人",
    "code": "代码",
    "name": "名称",
    "parent_code": "大类",
    "confidential": "保密",
    "legal_aid": "可转法律援助",
    "channel": "受理渠道",
    "category": "诉求分类",
    "urgency": "问题难度",
    "caller_name": "来电/来访人",
    "caller_phone": "联系电话",
    "employer": "工作单位",
    "summary": "诉求内容",
    "counsellor": "心理咨询师",
    "to_org": "下级工会",
    "satisfied": "回访结果",
    "comment": "回访意见",
    "applicant_kind": "申请人类型",
    "aid_form": "援助形式",
    "subtype": "争议类别",
    "amount_in_dispute": "争议金额",
    "income_per_head": "家庭月人均收入",
    "exemption": "免审情形",
    "hardship_file": "困难职工档案",
    "note": "意见",
    "expected_state": "状态",
}
