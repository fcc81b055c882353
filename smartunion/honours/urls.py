from django.urls import path

from smartunion.casework.urls import case_patterns
from smartunion.honours import views
from smartunion.honours.models import Nomination

app_name = "honours"
urlpatterns = [
    path("", views.HonourListView.as_view(), name="list"),
    path("<int:honour_id>/", views.HonourDetailView.as_view(), name="detail"),
    path("<int:honour_id>/revoke/", views.HonourRevokeView.as_view(), name="revoke"),
    path("nominations/", views.NominationListView.as_view(), name="nominations"),
    path("nominations/submit/", views.SubmitListView.as_view(), name="submit_list"),
    path(
        "nominations/<int:nomination_id>/",
        views.NominationDetailView.as_view(),
        name="nomination",
    ),
    *case_patterns(Nomination, "nominations/", "nomination"),
    path("studios/", views.StudioListView.as_view(), name="studios"),
]
