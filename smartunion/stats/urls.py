from django.urls import path

from smartunion.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.ScopeOverviewView.as_view(), name="home"),
    path("orgs/<int:org_id>/", views.OverviewView.as_view(), name="overview"),
    path("orgs/<int:org_id>/compare/", views.CompareView.as_view(), name="compare"),
    path("orgs/<int:org_id>/trend/", views.TrendView.as_view(), name="trend"),
    path("orgs/<int:org_id>/year/", views.YearView.as_view(), name="year"),
    path("orgs/<int:org_id>/report/", views.ReportView.as_view(), name="report"),
]
