"""经办人: histories and lists name the staff member and their union, never the login name."""

from __future__ import annotations

from django.urls import reverse

from smartunion.accounts.models import relabel_clerks
from smartunion.imports.models import ImportJob
from smartunion.members import services
from smartunion.members.models import ChangeReason, MembershipEvent, Transfer


def named(world, clerk=None):
    clerk = clerk or world.county_admin
    clerk.full_name = "王建国"
    clerk.save(update_fields=["full_name"])
    return clerk


def test_a_change_names_its_clerk_and_union_in_the_history(client, world):
    clerk = named(world)
    services.retain_membership(world.member_a1, actor=clerk, reason=ChangeReason.RETIRED)
    event = MembershipEvent.objects.latest("id")
    assert event.actor_name == "王建国（城关区总工会）"
    client.force_login(clerk)
    url = reverse("members:detail", kwargs={"person_id": world.member_a1.person_id})
    timeline = client.get(url).content.decode().split('id="timeline"')[1]
    assert "经办人：王建国（城关区总工会）" in timeline and "county_admin" not in timeline


def test_a_transfer_names_who_sent_and_who_decided(world):
    sender = named(world, world.city_admin)
    transfer = services.send_transfer(world.member_a1, world.union_b1, actor=sender)
    services.accept_transfer(transfer, actor=world.sibling_admin)
    transfer.refresh_from_db()
    assert transfer.sent_by_name == "王建国（兰州市总工会）"
    assert transfer.decided_by_name == "sibling_admin（七里河区总工会）"


def test_an_account_without_a_name_or_union_falls_back_to_what_it_has(world):
    from smartunion.accounts.models import clerk_label

    world.superuser.full_name = ""
    assert clerk_label(world.superuser) == world.superuser.username
    assert clerk_label(None) == "系统"


def test_the_migration_relabels_login_names_and_back(world):
    clerk = named(world)
    event = services.retain_membership(
        world.member_a1, actor=clerk, reason=ChangeReason.RETIRED
    ).events.latest("id")
    transfer = services.send_transfer(world.member_a2, world.union_a1, actor=clerk)
    # As the rows stood before: login names, and "system" for the seed's.
    MembershipEvent.objects.filter(pk=event.pk).update(actor_name="county_admin")
    MembershipEvent.objects.filter(pk=world.member_b1.events.get().pk).update(actor_name="system")
    Transfer.objects.filter(pk=transfer.pk).update(sent_by_name="county_admin")
    job = ImportJob.objects.create(
        kind="members",
        org=world.union_a1,
        created_by=clerk,
        created_by_name="county_admin",
        committed_by_name="county_admin",
        file_name="会员.xlsx",
        file_size=1,
        file_sha256="0" * 64,
    )

    relabel_clerks(MembershipEvent.objects.all(), "actor_name", key="actor_id")
    relabel_clerks(Transfer.objects.all(), "sent_by_name")
    relabel_clerks(ImportJob.objects.all(), "created_by_name", key="created_by_id")
    relabel_clerks(ImportJob.objects.all(), "committed_by_name")
    label = "王建国（城关区总工会）"
    assert MembershipEvent.objects.get(pk=event.pk).actor_name == label
    assert world.member_b1.events.get().actor_name == "系统"
    assert Transfer.objects.get(pk=transfer.pk).sent_by_name == label
    job.refresh_from_db()
    assert (job.created_by_name, job.committed_by_name) == (label, label)

    relabel_clerks(MembershipEvent.objects.all(), "actor_name", key="actor_id", by="label")
    relabel_clerks(Transfer.objects.all(), "sent_by_name", by="label")
    assert MembershipEvent.objects.get(pk=event.pk).actor_name == "county_admin"
    assert world.member_b1.events.get().actor_name == "system"
    assert Transfer.objects.get(pk=transfer.pk).sent_by_name == "county_admin"
