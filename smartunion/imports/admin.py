from django.contrib import admin

from smartunion.imports.models import ImportIssue, ImportJob


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
