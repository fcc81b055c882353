from django.urls import path

from smartunion.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.TreeView.as_view(), name="tree"),
    path("<int:org_id>/", views.OrgDetailView.as_view(), name="detail"),
    path("<int:org_id>/children/", views.ChildrenView.as_view(), name="children"),
    path("<int:org_id>/new/", views.OrgCreateView.as_view(), name="create"),
    path("<int:org_id>/edit/", views.OrgEditView.as_view(), name="edit"),
    path("<int:org_id>/move/", views.OrgMoveView.as_view(), name="move"),
    path("<int:org_id>/dissolve/", views.OrgDissolveView.as_view(), name="dissolve"),
]
