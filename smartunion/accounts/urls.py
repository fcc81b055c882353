from django.urls import path

from smartunion.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/setup/", views.SecondFactorSetupView.as_view(), name="otp_setup"),
    path("otp/verify/", views.SecondFactorVerifyView.as_view(), name="otp_verify"),
    path("security/", views.SecurityView.as_view(), name="security"),
    path("tokens/<int:token_id>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("staff/", views.StaffListView.as_view(), name="staff"),
    path("staff/<int:user_id>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path(
        "staff/<int:user_id>/otp-reset/",
        views.SecondFactorResetView.as_view(),
        name="staff_otp_reset",
    ),
]
