"""The operators' admin: superusers only, read-only registry, masked personal information."""

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from smartunion.core.admin import LargeTablePaginator
from smartunion.core.models import AuditEntry
from smartunion.core.testing import birth_date_forms
from smartunion.members.models import Membership, Person
from smartunion.orgs.services import update_org

REGISTRY = [
    "core_auditentry",
    "regions_region",
    "accounts_user",
    "accounts_apitoken",
    "orgs_organization",
    "members_person",
    "members_membership",
    "members_membershipevent",
    "members_transfer",
]


def changelist(model_label: str) -> str:
    app, model = model_label.split("_", 1)
    return reverse(f"admin:{app}_{model}_changelist")


def test_every_registered_list_opens_for_a_superuser(world, client):
    client.force_login(world.superuser)
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        response = client.get(reverse(f"admin:{label}_changelist"))
        assert response.status_code == 200, label


@pytest.mark.parametrize("persona", ["province_admin", "county_admin", "viewer"])
def test_staff_cannot_enter_the_admin_even_marked_as_staff(world, client, persona):
    user = getattr(world, persona)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.get(changelist("members_person"))
    assert response.status_code == 302


def test_the_registry_is_read_only(world, client):
    client.force_login(world.superuser)
    person = world.member_a1.person
    for label in REGISTRY:
        app, model = label.split("_", 1)
        assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
    url = reverse("admin:members_person_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()
    assert client.post(url, {"name": "篡改"}).status_code == 403
    assert Person.objects.get(pk=person.pk).name == person.name
    entry = AuditEntry.objects.order_by("seq").first()
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_lists_and_pages_show_masks_never_plaintext(world, client):
    update_org(world.union_a1, {}, actor=world.county_admin, chair_phone="18912345678")
    client.force_login(world.superuser)
    person = world.member_a1.person
    pages = [
        client.get(changelist("members_person")),
        client.get(reverse("admin:members_person_change", args=[person.pk])),
        client.get(changelist("orgs_organization")),
        client.get(reverse("admin:orgs_organization_change", args=[world.union_a1.pk])),
        client.get(changelist("core_auditentry")),
    ]
    text = "".join(p.content.decode() for p in pages)
    assert person.id_masked in text and person.phone_masked in text
    assert "189****5678" in text
    for plain in (person.id_number, person.phone, "18912345678", *birth_date_forms(person)):
        assert plain not in text, plain
    assert f"{person.birth_date.year}-**-**" in text
    assert person.id_hash not in text


def test_person_search_uses_the_blind_index_and_pinyin(world, client):
    client.force_login(world.superuser)
    person = world.member_b1.person
    url = changelist("members_person")
    by_number = client.get(url, {"q": person.id_number}).content.decode()
    assert person.id_masked in by_number
    assert world.member_a1.person.id_masked not in by_number
    by_initials = client.get(url, {"q": "ww"}).content.decode()  # 王五
    assert person.id_masked in by_initials
    assert "张三" not in by_initials.split("<tbody>")[-1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates come from pg_class")
def test_a_big_unfiltered_list_is_counted_from_the_statistics(world):
    with connection.cursor() as cursor:
        # What ANALYZE would record for 2.3 million rows (rolled back with the test).
        cursor.execute(
            "UPDATE pg_class SET reltuples = 2300000 WHERE oid = 'members_membership'::regclass"
        )
    assert LargeTablePaginator(Membership.objects.all(), 50).count == 2_300_000
    # A filtered list (or a small table) is counted for real.
    filtered = Membership.objects.filter(org=world.union_a1)
    assert LargeTablePaginator(filtered, 50).count == 1
    assert LargeTablePaginator(Person.objects.all(), 50).count == 3
