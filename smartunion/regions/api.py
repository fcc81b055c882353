from ninja import Router, Schema

from smartunion.regions.models import Region

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: int


@router.get("", auth=None, response=list[RegionOut])
def list_regions(request, parent: str = ""):
    """Divisions under ``parent`` (2, 4 or 6 digits); without it, the provinces. No login needed."""
    qs = (
        Region.objects.filter(parent__isnull=True)
        if not parent
        else Region.objects.children_of(parent)
    )
    return list(qs.values("code", "name", "level"))
