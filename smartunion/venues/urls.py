from django.urls import path

from smartunion.venues import views

app_name = "venues"
urlpatterns = [
    path("", views.VenueListView.as_view(), name="list"),
    path("map/", views.VenueMapView.as_view(), name="map"),
    path("stats/", views.VenueStatsView.as_view(), name="stats"),
    path("export/", views.VenueExportView.as_view(), name="export"),
    path("import/", views.VenueImportView.as_view(), name="import"),
    path("new/", views.VenueCreateView.as_view(), name="create"),
    path("<int:venue_id>/", views.VenueDetailView.as_view(), name="detail"),
    path("<int:venue_id>/edit/", views.VenueEditView.as_view(), name="edit"),
    path("<int:venue_id>/close/", views.VenueCloseView.as_view(), name="close"),
    path("<int:venue_id>/reopen/", views.VenueReopenView.as_view(), name="reopen"),
    path("<int:venue_id>/photos/", views.PhotoAddView.as_view(), name="photo_add"),
    path("<int:venue_id>/photos/delete/", views.PhotoDeleteView.as_view(), name="photo_delete"),
]
