from django.contrib import admin

from smartunion.core.admin import ReadOnlyAdmin
from smartunion.orgs.models import Organization


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "kind",
        "region",
        "status",
        "member_count",
        "subtree_member_count",
        "employee_count",
        "term_ends_on",
    )
    list_filter = ("kind", "status", "industry", "unit_category")
    search_fields = ("name", "=uscc", "=employer_uscc")
    list_select_related = ("region",)
    exclude = ("chair_phone",)
    readonly_fields = ("chair_phone_masked",)
    raw_id_fields = ("parent", "merged_into")
