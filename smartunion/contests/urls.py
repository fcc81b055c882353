from django.urls import path

from smartunion.casework.urls import case_patterns
from smartunion.contests import views
from smartunion.contests.models import Contest, Entry

app_name = "contests"
urlpatterns = [
    path("", views.ContestListView.as_view(), name="contests"),
    path("new/", views.ContestCreateView.as_view(), name="contest_new"),
    path("<int:contest_id>/", views.ContestDetailView.as_view(), name="contest"),
    path("<int:contest_id>/entries/", views.EntryListView.as_view(), name="entries"),
    path("<int:contest_id>/scores/", views.ScoreSheetView.as_view(), name="scores"),
    path("<int:contest_id>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:contest_id>/awards/", views.AwardRulesView.as_view(), name="award_rules"),
    path("<int:contest_id>/teams/", views.TeamsView.as_view(), name="teams"),
    path(
        "<int:contest_id>/promotions.xlsx",
        views.PromotionsExportView.as_view(),
        name="promotions",
    ),
    *case_patterns(Contest, "", "contest"),
    path("entries/<int:entry_id>/", views.EntryDetailView.as_view(), name="entry"),
    *case_patterns(Entry, "entries/", "entry"),
]
