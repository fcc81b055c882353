from django.urls import path

from smartunion.members import views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("<int:person_id>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:person_id>/edit/", views.EditPersonView.as_view(), name="edit"),
    path("<int:person_id>/reveal/", views.RevealView.as_view(), name="reveal"),
    path("apply/<int:org_id>/", views.ApplyView.as_view(), name="apply"),
    path("register/<int:org_id>/", views.RegisterView.as_view(), name="register"),
    path("memberships/<int:membership_id>/approve/", views.ApproveView.as_view(), name="approve"),
    path("memberships/<int:membership_id>/reject/", views.RejectView.as_view(), name="reject"),
    path(
        "memberships/<int:membership_id>/transfer/", views.TransferView.as_view(), name="transfer"
    ),
    path("memberships/<int:membership_id>/retain/", views.RetainView.as_view(), name="retain"),
    path("memberships/<int:membership_id>/restore/", views.RestoreView.as_view(), name="restore"),
    path("memberships/<int:membership_id>/leave/", views.LeaveView.as_view(), name="leave"),
    path("memberships/<int:membership_id>/expel/", views.ExpelView.as_view(), name="expel"),
    path("transfers/", views.TransferListView.as_view(), name="transfers"),
    path("transfers/request/", views.TransferRequestView.as_view(), name="transfer_request"),
    path(
        "transfers/<int:transfer_id>/accept/",
        views.TransferAcceptView.as_view(),
        name="transfer_accept",
    ),
    path(
        "transfers/<int:transfer_id>/decline/",
        views.TransferDeclineView.as_view(),
        name="transfer_decline",
    ),
]
