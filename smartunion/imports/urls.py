from django.urls import path

from smartunion.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.JobListView.as_view(), name="list"),
    path("upload/", views.UploadView.as_view(), name="upload"),
    path(
        "templates/members.xlsx",
        views.TemplateView.as_view(kind="members"),
        name="template_members",
    ),
    path("templates/orgs.xlsx", views.TemplateView.as_view(kind="orgs"), name="template_orgs"),
    path("<int:job_id>/", views.JobDetailView.as_view(), name="detail"),
    path("<int:job_id>/issues/", views.IssuesView.as_view(), name="issues"),
    path("<int:job_id>/errors.xlsx", views.ErrorWorkbookView.as_view(), name="errors"),
    path("<int:job_id>/commit/", views.CommitView.as_view(), name="commit"),
    path("<int:job_id>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("<int:job_id>/resume/", views.ResumeView.as_view(), name="resume"),
    path("<int:job_id>/transfers/", views.TransfersView.as_view(), name="transfers"),
    path(
        "export/members/<int:org_id>/",
        views.ExportView.as_view(kind="members"),
        name="export_members",
    ),
    path("export/orgs/<int:org_id>/", views.ExportView.as_view(kind="orgs"), name="export_orgs"),
    path("exports/new/", views.ExportJobCreateView.as_view(), name="export_new"),
    path("exports/<int:export_id>/", views.ExportJobDetailView.as_view(), name="export_detail"),
    path(
        "exports/<int:export_id>/download/",
        views.ExportJobDownloadView.as_view(),
        name="export_download",
    ),
    path("exports/<int:export_id>/retry/", views.ExportJobRetryView.as_view(), name="export_retry"),
    path(
        "exports/<int:export_id>/delete/", views.ExportJobDeleteView.as_view(), name="export_delete"
    ),
]
