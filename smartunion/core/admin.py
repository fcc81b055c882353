"""The Django admin: an operators' (superusers') read-only window on the data.

Staff work in the scoped pages, which go through the services; the admin would bypass both
the scope and the audit log, so only superusers may enter it, and the registry's models are
shown read-only (writes happen through the pages, the API and the management commands).
Lists never show personal information in plaintext: masked columns only. Big tables use an
estimated count instead of COUNT(*) over millions of rows.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from smartunion.core.models import AuditEntry

admin.site.site_header = "智慧工会平台 · 运维管理"
admin.site.site_title = "智慧工会平台运维"
admin.site.index_title = "数据查看（只读）"


def _superusers_only(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


# Staff accounts may carry is_staff by mistake; the admin is for operators only.
admin.site.has_permission = _superusers_only

ESTIMATE_ABOVE = 100_000


class LargeTablePaginator(Paginator):
    """Counts an unfiltered list from PostgreSQL's statistics once the table is large."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: every write goes through a service that audits."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "created_at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("=actor_name", "=action", "=object_id")
    date_hierarchy = "created_at"
    ordering = ("-seq",)
