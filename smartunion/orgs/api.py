"""工会组织 API: list, read, create, edit, move and dissolve unions within the user's subtree."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from smartunion.core.api import (
    Day,
    StrictSchema,
    code_type,
    get_or_404,
    require,
    set_fields,
)
from smartunion.core.bounds import EMPLOYEES
from smartunion.core.codes import Industry, UnitCategory
from smartunion.core.pagination import PageIn, keyset_page, page_schema
from smartunion.orgs import services
from smartunion.orgs.models import Kind, Organization, attach_path_names
from smartunion.orgs.models import Status as OrgStatus
from smartunion.regions.models import Region

router = Router(tags=["工会组织"])

KindCode = code_type(Kind, blank=False)
IndustryCode = code_type(Industry)
UnitCategoryCode = code_type(UnitCategory)
StatusCode = code_type(OrgStatus)


class OrgOut(Schema):
    """One union with the fields of 《工会组织基本信息采集表》; the chair's phone is masked."""

    id: int
    name: str
    parent: int | None = Field(None, alias="parent_id")
    parent_name: str | None
    path_names: list[str] = Field(
        description="从省总工会到本工会的各级名称（省总工会在前，本工会在后），用来区分同名工会"
    )
    kind: str
    kind_label: str
    region: str = Field(alias="region_id")
    region_name: str
    uscc: str
    employer_name: str
    employer_uscc: str
    address: str
    industry: str
    industry_label: str
    unit_category: str
    unit_category_label: str
    founded_on: dt.date | None
    chair_name: str
    chair_phone: str
    employee_count: int
    member_count: int = Field(description="本级会员人数：本工会自己的有效会员（在籍、保留会籍）")
    membership_rate: float | None = Field(
        description="本级入会率 = member_count ÷ employee_count；职工人数未填时为 null"
    )
    subtree_member_count: int = Field(description="含下级会员人数：本工会及全部下级工会的有效会员")
    subtree_employee_count: int = Field(
        description="含下级职工人数：本工会及下级工会中状态正常者的职工人数之和"
    )
    subtree_membership_rate: float | None = Field(
        description="含下级入会率：只计已填职工人数的正常工会，其会员 ÷ 其职工；没有时为 null"
    )
    women_committee: bool
    term_ends_on: dt.date | None
    term_overdue: bool
    status: str
    status_label: str
    dissolved_on: dt.date | None
    merged_into: int | None = Field(None, alias="merged_into_id")
    depth: int

    @staticmethod
    def resolve_parent_name(obj: Organization) -> str | None:
        return obj.parent.name if obj.parent_id else None

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_region_name(obj: Organization) -> str:
        return obj.region.name

    @staticmethod
    def resolve_industry_label(obj: Organization) -> str:
        return obj.get_industry_display() if obj.industry else ""

    @staticmethod
    def resolve_unit_category_label(obj: Organization) -> str:
        return obj.get_unit_category_display() if obj.unit_category else ""

    @staticmethod
    def resolve_chair_phone(obj: Organization) -> str:
        return obj.chair_phone_masked

    @staticmethod
    def resolve_term_overdue(obj: Organization) -> bool:
        return bool(obj.term_ends_on and obj.is_active and obj.term_ends_on < timezone.localdate())

    @staticmethod
    def resolve_status_label(obj: Organization) -> str:
        return obj.get_status_display()


class OrgFilters(PageIn):
    parent: int | None = Field(None, description="只列出该工会的直属下级")
    q: str = Field("", max_length=64, description="名称中的字，或统一社会信用代码")
    status: StatusCode = Field("", description="normal 正常 / dissolved 撤销 / merged 合并")


class OrgFieldsIn(StrictSchema):
    name: str = Field(max_length=128)
    kind: KindCode
    region: str = Field(description="6位行政区划代码（GB/T 2260）")
    uscc: str = ""
    employer_name: str = Field("", max_length=128)
    employer_uscc: str = ""
    address: str = Field("", max_length=200)
    industry: IndustryCode = ""
    unit_category: UnitCategoryCode = ""
    founded_on: Day | None = None
    chair_name: str = Field("", max_length=64)
    chair_phone: str = ""
    employee_count: EMPLOYEES.api_type = 0
    women_committee: bool = False
    term_ends_on: Day | None = None


class OrgCreateIn(OrgFieldsIn):
    parent: int = Field(description="上级工会的 id")


class OrgUpdateIn(StrictSchema):
    """Only the fields sent are changed."""

    name: str = Field(None, max_length=128)
    kind: KindCode = None
    region: str = None
    uscc: str = None
    employer_name: str = Field(None, max_length=128)
    employer_uscc: str = None
    address: str = Field(None, max_length=200)
    industry: IndustryCode = None
    unit_category: UnitCategoryCode = None
    founded_on: Day | None = None
    chair_name: str = Field(None, max_length=64)
    chair_phone: str = None
    employee_count: EMPLOYEES.api_type = None
    women_committee: bool = None
    term_ends_on: Day | None = None


class MoveIn(StrictSchema):
    parent: int = Field(description="新的上级工会的 id")


class DissolveIn(StrictSchema):
    on: Day | None = Field(None, description="撤销（合并）日期，默认今天")
    merged_into: int | None = Field(None, description="合并到的工会 id；不填为撤销")


def _orgs():
    return Organization.objects.select_related("region", "parent")


def _region(code: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None or not region.code.startswith(settings.SMARTUNION_PROVINCE):
        raise ValidationError({"region": "行政区划代码不存在或不属于本省。"})
    return region


def _values(data: dict) -> dict:
    if "region" in data:
        data["region"] = _region(data["region"])
    return data


@router.get("", response=page_schema(OrgOut, counted=True))
def list_orgs(request, filters: Query[OrgFilters]):
    """Unions in the user's subtree, in tree order; ``parent`` gives one union's direct children.
    ``count`` is the number of unions the filters find (all pages)."""
    qs = _orgs().visible_to(request.user)
    if filters.parent is not None:
        parent = get_or_404(Organization.objects, request.user, filters.parent, what="工会组织")
        qs = qs.filter(parent=parent)
    if q := filters.q.strip():
        qs = qs.filter(Q(name__contains=q) | Q(uscc=q.upper()))
    if filters.status:
        qs = qs.filter(status=filters.status)
    # At most ~49,000 unions in a province: counting them is cheap, unlike members.
    page = keyset_page(qs, filters, order=("path",))
    attach_path_names(page["items"])
    return {"count": qs.count(), **page}


@router.get("/{int:org_id}", response=OrgOut)
def get_org(request, org_id: int):
    return get_or_404(_orgs(), request.user, org_id, what="工会组织")


@router.post("", response={201: OrgOut})
def create_org(request, payload: OrgCreateIn):
    """Create a union under ``parent`` (which must lie in the user's subtree)."""
    require(request.user, "change")
    parent = get_or_404(Organization.objects, request.user, payload.parent, what="上级工会")
    data = _values(payload.model_dump(exclude={"parent", "chair_phone"}))
    org = services.create_org(
        data, parent=parent, actor=request.user, chair_phone=payload.chair_phone
    )
    return Status(201, _orgs().get(pk=org.pk))


@router.patch("/{int:org_id}", response=OrgOut)
def update_org(request, org_id: int, payload: OrgUpdateIn):
    require(request.user, "change")
    org = get_or_404(Organization.objects, request.user, org_id, action="change", what="工会组织")
    data = _values(set_fields(payload, nullable=("founded_on", "term_ends_on")))
    chair_phone = data.pop("chair_phone", None)
    services.update_org(org, data, actor=request.user, chair_phone=chair_phone)
    return _orgs().get(pk=org.pk)


@router.post("/{int:org_id}/move", response=OrgOut)
def move_org(request, org_id: int, payload: MoveIn):
    """Put a union (with its whole subtree) under another parent; never under itself."""
    require(request.user, "change")
    org = get_or_404(Organization.objects, request.user, org_id, action="change", what="工会组织")
    parent = get_or_404(Organization.objects, request.user, payload.parent, what="上级工会")
    services.move_org(org, parent, actor=request.user)
    return _orgs().get(pk=org.pk)


@router.post("/{int:org_id}/dissolve", response=OrgOut)
def dissolve_org(request, org_id: int, payload: DissolveIn):
    """撤销 (or 合并): only when no current member and no active sub-union is left."""
    require(request.user, "change")
    org = get_or_404(Organization.objects, request.user, org_id, action="change", what="工会组织")
    merged_into = None
    if payload.merged_into is not None:
        merged_into = get_or_404(
            Organization.objects, request.user, payload.merged_into, what="合并目标工会"
        )
    services.dissolve_org(org, actor=request.user, on=payload.on, merged_into=merged_into)
    return _orgs().get(pk=org.pk)
