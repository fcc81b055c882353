from django.contrib import admin

from smartunion.venues.models import Venue, VenuePhoto


class PhotoInline(admin.TabularInline):
    model = VenuePhoto
    extra = 0
    fields = ("image", "thumbnail", "caption", "width", "height")
    readonly_fields = ("width", "height")


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    """Operators' view of the registry (superusers); staff use the scoped pages."""

    list_display = (
        "name",
        "kind",
        "region",
        "org",
        "six_complete",
        "on_amap",
        "on_baidu",
        "status",
    )
    list_filter = ("kind", "status", "six_complete", "on_amap", "on_baidu")
    search_fields = ("name", "address")
    raw_id_fields = ("org",)
    readonly_fields = ("manager_phone_masked", "six_complete", "created_at", "updated_at")
    exclude = ("manager_phone",)
    list_select_related = ("region", "org")
    show_full_result_count = False
    inlines = [PhotoInline]
