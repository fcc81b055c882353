"""What a bound worker reads of their own registry rows (never anyone else's)."""

from __future__ import annotations

from smartunion.members.models import CURRENT_STATUSES, Membership, MembershipEvent, Person


def membership_of(person: Person) -> Membership | None:
    """The person's current membership, or else their latest one (``None`` if none)."""
    rows = Membership.objects.select_related("org", "person").filter(person=person)
    return rows.filter(status__in=CURRENT_STATUSES).first() or rows.order_by("-id").first()


def history_of(person: Person) -> list[MembershipEvent]:
    """The person's membership events, oldest first (a person has a handful)."""
    return list(
        MembershipEvent.objects.select_related("org")
        .filter(person=person)
        .order_by("occurred_on", "id")
    )
