from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from smartunion.api import api
from smartunion.casework.urls import public_urlpatterns as notice_urls
from smartunion.core.views import healthz
from smartunion.portal.urls import staff_urlpatterns as portal_staff_urls
from smartunion.portal.urls import verify_urlpatterns
from smartunion.venues.views import nearby_page

urlpatterns = [
    path("", include("smartunion.core.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("smartunion.accounts.urls")),
    path("orgs/", include("smartunion.orgs.urls")),
    path("members/", include("smartunion.members.urls")),
    path("imports/", include("smartunion.imports.urls")),
    path("venues/", include("smartunion.venues.urls")),
    path("casework/", include("smartunion.casework.urls")),
    path("assistance/", include("smartunion.assistance.urls")),
    path("legal-aid/", include("smartunion.legalaid.urls")),
    path("requests/", include("smartunion.servicerequests.urls")),
    path("honours/", include("smartunion.honours.urls")),
    path("contests/", include("smartunion.contests.urls")),
    path("stats/", include("smartunion.stats.urls")),
    path("gongshi/", include((notice_urls, "gongshi"))),
    path("nearby/", nearby_page, name="nearby"),
    path("portal/", include("smartunion.portal.urls")),
    path("portal-bindings/", include((portal_staff_urls, "portal_staff"))),
    *verify_urlpatterns,
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEVELOPMENT:
    # Uploaded files straight from MEDIA_ROOT in development (`make run`); a deployment's web
    # server serves them. (django.conf.urls.static.static() would need Django's DEBUG.)
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

# Chinese error pages with the navigation bar (JSON under /api/): core/views.py.
handler400 = "smartunion.core.views.bad_request"
handler403 = "smartunion.core.views.permission_denied"
handler404 = "smartunion.core.views.page_not_found"
handler500 = "smartunion.core.views.server_error"
