"""The site's URLconf with two views that fail on purpose, for the error-page tests."""

from django.core.exceptions import BadRequest
from django.urls import include, path

from smartunion.urls import handler400, handler403, handler404, handler500  # noqa: F401


def bad(request):
    raise BadRequest("malformed on purpose")


def boom(request):
    raise RuntimeError("a bug on purpose")


urlpatterns = [
    path("test-bad-request/", bad),
    path("test-server-error/", boom),
    path("api/v1/test-server-error/", boom),
    path("", include("smartunion.urls")),
]
