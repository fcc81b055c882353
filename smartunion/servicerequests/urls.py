from django.urls import path

from smartunion.casework.urls import case_patterns
from smartunion.servicerequests import views
from smartunion.servicerequests.models import ServiceRequest

app_name = "servicerequests"
urlpatterns = [
    path("", views.RequestListView.as_view(), name="tickets"),
    path("new/", views.RequestCreateView.as_view(), name="ticket_new"),
    path("<int:ticket_id>/", views.RequestDetailView.as_view(), name="ticket"),
    *case_patterns(ServiceRequest, "", "ticket"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("centres/", views.CentresView.as_view(), name="centres"),
]
