from django.contrib import admin

from smartunion.imports.models import ExportJob, ImportIssue, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "file_name",
        "org",
        "status",
        "rows_read",
        "rows_error",
        "created_count",
        "created_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("file_name", "file_sha256", "created_by_name")
    raw_id_fields = ("org", "created_by", "committed_by")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ImportIssue)
class ImportIssueAdmin(admin.ModelAdmin):
    list_display = ("job", "row_no", "column", "level", "message")
    list_filter = ("level", "code")
    raw_id_fields = ("job",)
    readonly_fields = [f.name for f in ImportIssue._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: the file is its owner's to download; the search it was made of is not shown."""

    list_display = ("id", "kind", "title", "file_format", "with_pii", "status", "rows_done")
    list_display += ("created_by", "created_at", "expires_at")
    list_filter = ("kind", "status", "with_pii", "file_format")
    search_fields = ("title", "file_sha256", "created_by__username")
    raw_id_fields = ("org", "created_by")
    exclude = ("params",)
    readonly_fields = [f.name for f in ExportJob._meta.fields if f.name != "params"]

    def has_add_permission(self, request):
        return False
