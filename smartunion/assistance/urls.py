from django.urls import path

from smartunion.assistance import views
from smartunion.assistance.models import HardshipFile, StudentAid
from smartunion.casework.urls import case_patterns

app_name = "assistance"
urlpatterns = [
    path("", views.FileListView.as_view(), name="files"),
    path("files/new/", views.FileCreateView.as_view(), name="file_new"),
    path("files/<int:file_id>/", views.FileDetailView.as_view(), name="file"),
    path("files/<int:file_id>/edit/", views.FileEditView.as_view(), name="file_edit"),
    path("files/<int:file_id>/pay/", views.PaymentCreateView.as_view(), name="file_pay"),
    path(
        "files/<int:file_id>/print/",
        views.FilePrintView.as_view(form_name="dangan"),
        name="file_print",
    ),
    path(
        "files/<int:file_id>/print/application/",
        views.FilePrintView.as_view(form_name="application"),
        name="file_print_application",
    ),
    path(
        "files/<int:file_id>/print/authorization/",
        views.FilePrintView.as_view(form_name="authorization"),
        name="file_print_authorization",
    ),
    *case_patterns(HardshipFile, "files/", "file"),
    path("standards/", views.StandardsView.as_view(), name="standards"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/new/", views.CampaignFormView.as_view(), name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.CampaignDetailView.as_view(), name="campaign"),
    path(
        "campaigns/<int:campaign_id>/edit/", views.CampaignFormView.as_view(), name="campaign_edit"
    ),
    path(
        "campaigns/<int:campaign_id>/bank-file/",
        views.BankFileView.as_view(),
        name="campaign_bank_file",
    ),
    path("student-aid/", views.StudentAidListView.as_view(), name="student_aids"),
    path("student-aid/new/", views.StudentAidCreateView.as_view(), name="student_aid_new"),
    path("student-aid/<int:aid_id>/", views.StudentAidDetailView.as_view(), name="student_aid"),
    *case_patterns(StudentAid, "student-aid/", "student_aid"),
]
