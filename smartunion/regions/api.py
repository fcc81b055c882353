"""行政区划 API: the GB/T 2260 divisions, public reference data (no login)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema

from smartunion.core.api import QueryText, api_errors
from smartunion.regions.models import Region, expand_code

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: int


@router.get("", auth=None, response=list[RegionOut])
@api_errors(404)
def list_regions(request, parent: QueryText = ""):
    """Divisions directly under ``parent`` (2, 4 or 6 digits, e.g. 62 or 6201); without it,
    the provinces."""
    parent = parent.strip()
    if not parent:
        return list(Region.objects.filter(parent__isnull=True).values("code", "name", "level"))
    if not (parent.isdigit() and len(parent) in (2, 4, 6)):
        raise ValidationError({"parent": "上级行政区划代码应为2、4或6位数字，例如 62 或 6201。"})
    if not Region.objects.filter(code=expand_code(parent)).exists():
        raise Http404("行政区划代码不存在。")
    return list(Region.objects.children_of(parent).values("code", "name", "level"))
