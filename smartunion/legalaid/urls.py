from django.urls import path

from smartunion.casework.urls import case_patterns
from smartunion.legalaid import views
from smartunion.legalaid.models import LegalAidCase

app_name = "legalaid"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="cases"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case_new"),
    path("cases/<int:case_id>/", views.CaseDetailView.as_view(), name="case"),
    *[
        path(
            f"cases/<int:case_id>/print/{name}/",
            views.CasePrintView.as_view(form_name=name),
            name=f"case_print_{name}",
        )
        for name in views.CasePrintView.forms
    ],
    *case_patterns(LegalAidCase, "cases/", "case"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("handlers/", views.HandlersView.as_view(), name="handlers"),
    path("min-wages/", views.MinWagesView.as_view(), name="min_wages"),
]
