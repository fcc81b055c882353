from django.contrib import admin

from smartunion.core.admin import ReadOnlyAdmin
from smartunion.regions.models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
