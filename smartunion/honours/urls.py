from django.urls import path

from smartunion.casework.urls import case_patterns
from smartunion.honours import views
from smartunion.honours.models import Nomination

app_name = "honours"
urlpatterns = [
    path("", views.HonourListView.as_view(), name="list"),
    path("new/", views.HonourCreateView.as_view(), name="new"),
    path("pick/", views.PickView.as_view(), name="pick"),
    path("<int:honour_id>/", views.HonourDetailView.as_view(), name="detail"),
    path("<int:honour_id>/revoke/", views.HonourRevokeView.as_view(), name="revoke"),
    path("<int:honour_id>/attachments/", views.HonourAttachView.as_view(), name="attach"),
    path(
        "people/<int:person_id>/certificate/",
        views.CertificateView.as_view(),
        name="certificate",
    ),
    path("nominations/", views.NominationListView.as_view(), name="nominations"),
    path("nominations/submit/", views.SubmitListView.as_view(), name="submit_list"),
    path(
        "nominations/<int:nomination_id>/",
        views.NominationDetailView.as_view(),
        name="nomination",
    ),
    *case_patterns(Nomination, "nominations/", "nomination"),
    path("selections/", views.SelectionListView.as_view(), name="selections"),
    path("selections/new/", views.SelectionCreateView.as_view(), name="selection_new"),
    path("selections/<int:selection_id>/", views.SelectionDetailView.as_view(), name="selection"),
    path(
        "selections/<int:selection_id>/edit/",
        views.SelectionEditView.as_view(),
        name="selection_edit",
    ),
    path(
        "selections/<int:selection_id>/nominate/",
        views.NominateView.as_view(),
        name="nominate",
    ),
    path(
        "selections/<int:selection_id>/publicity/",
        views.PublicityPrintView.as_view(),
        name="publicity_print",
    ),
    path("studios/", views.StudioListView.as_view(), name="studios"),
    path("studios/new/", views.StudioCreateView.as_view(), name="studio_new"),
    path("studios/<int:studio_id>/", views.StudioDetailView.as_view(), name="studio"),
    path("studios/<int:studio_id>/edit/", views.StudioEditView.as_view(), name="studio_edit"),
    path(
        "studios/<int:studio_id>/members/",
        views.StudioMemberAddView.as_view(),
        name="studio_member_add",
    ),
    path(
        "studios/<int:studio_id>/records/",
        views.StudioRecordAddView.as_view(),
        name="studio_record_add",
    ),
]
