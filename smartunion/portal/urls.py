from django.urls import path

from smartunion.portal import joining_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin_page, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("bind/", views.bind_page, name="bind"),
    path("card/", views.card, name="card"),
]

# 网上入会 (portal/joining_views.py, decision 0026).
urlpatterns += [
    path("join/", joining_views.join_page, name="join"),
]

#: Staff pages of the portal's data (under /portal-bindings/, namespace ``portal_staff``).
staff_urlpatterns = [
    path("<int:person_id>/reset/", views.reset_binding, name="reset"),
]

#: The public 会员证核验 (no namespace: ``verify`` and ``verify_token``).
verify_urlpatterns = [
    path("verify/", views.verify_landing, name="verify"),
    path("verify/<str:token>", views.verify_page, name="verify_token"),
]
