"""行政区划 API: the GB/T 2260 divisions, public reference data (no login)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema

from smartunion.core.api import api_errors
from smartunion.core.pagination import PageIn, keyset_page, page_schema
from smartunion.regions.models import Region, expand_code

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: int


class RegionFilters(PageIn):
    parent: str = Field("", max_length=12, description="上级行政区划代码（2、4或6位）；不填为各省")


@router.get("", auth=None, response=page_schema(RegionOut))
@api_errors(404)
def list_regions(request, filters: Query[RegionFilters]):
    """Divisions directly under ``parent`` (2, 4 or 6 digits, e.g. 62 or 6201); without it,
    the provinces. By code."""
    parent = filters.parent.strip()
    if not parent:
        return keyset_page(Region.objects.filter(parent__isnull=True), filters, order=("code",))
    if not (parent.isdigit() and len(parent) in (2, 4, 6)):
        raise ValidationError({"parent": "上级行政区划代码应为2、4或6位数字，例如 62 或 6201。"})
    if not Region.objects.filter(code=expand_code(parent)).exists():
        raise Http404("行政区划代码不存在。")
    return keyset_page(Region.objects.children_of(parent), filters, order=("code",))
