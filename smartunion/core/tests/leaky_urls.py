"""A URLconf with one deliberately unscoped page and API operation.

The generated permission tests (test_permissions.py) are run against it to show that their
rules catch what they claim to: a route without login, without scope, that writes for anyone.
"""

from django.http import HttpResponse
from django.urls import include, path
from ninja import NinjaAPI

from smartunion.orgs.models import Organization


def rename_any_union(request, org_id: int):
    if request.method == "POST":
        Organization.objects.filter(pk=org_id).update(name="已被篡改")
    return HttpResponse(Organization.objects.get(pk=org_id).name)


leaky_api = NinjaAPI(urls_namespace="leaky_api", auth=None, docs_url=None)


@leaky_api.post("/orgs/{int:org_id}/rename")
def rename_any_union_api(request, org_id: int):
    Organization.objects.filter(pk=org_id).update(name="已被篡改")
    return {"ok": True}


urlpatterns = [
    path("leaky/<int:org_id>/", rename_any_union, name="leaky"),
    path("leaky-api/", leaky_api.urls),
    path("", include("smartunion.urls")),
]
