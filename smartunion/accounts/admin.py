from django.contrib import admin

from smartunion.accounts.models import ApiToken, User
from smartunion.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Staff accounts: created with `manage.py create_staff` or the staff pages (audited)."""

    list_display = (
        "username",
        "full_name",
        "role",
        "scope_org",
        "is_active",
        "is_superuser",
        "last_login",
    )
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "full_name")
    list_select_related = ("scope_org",)
    exclude = ("password", "user_permissions", "groups")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "expires_at")
    list_select_related = ("user",)
    exclude = ("key_hash",)
