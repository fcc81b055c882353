from django.contrib import admin

from smartunion.core.admin import ReadOnlyAdmin
from smartunion.members.models import Membership, MembershipEvent, Person, Transfer


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    """Masked columns only; the full ID number or phone is shown on the member page, logged."""

    list_display = ("name", "id_masked", "phone_masked", "gender", "birth", "org")
    list_select_related = ("org",)
    search_fields = ("name",)
    search_help_text = "姓名开头、拼音首字母、全拼或完整身份证号码"
    # The birth date is the part of the number that masking hides (core.idnumber).
    exclude = ("id_number", "phone", "id_hash", "phone_hash", "birth_date")
    raw_id_fields = ("org",)

    @admin.display(description="出生日期")
    def birth(self, obj: Person) -> str:
        return obj.birth_masked

    def get_search_results(self, request, queryset, search_term):
        # The product's search (blind index, name prefix, pinyin), not icontains over
        # 2.3 million rows; an ID number can only be found through its blind index.
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("person", "org", "status", "joined_on", "card_no", "ended_on")
    list_filter = ("status", "end_type", "channel")
    search_fields = ("=card_no",)
    list_select_related = ("person", "org")
    raw_id_fields = ("person", "org")


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdmin):
    list_display = ("person", "change_type", "reason", "occurred_on", "org", "actor_name")
    list_filter = ("change_type", "reason")
    list_select_related = ("person", "org")
    raw_id_fields = ("person", "membership", "org")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("person", "from_org", "to_org", "status", "sent_on", "decided_on")
    list_filter = ("status", "reason")
    list_select_related = ("person", "from_org", "to_org")
    raw_id_fields = ("membership", "person", "from_org", "to_org")
