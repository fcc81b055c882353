"""The member pages: search, the member page, revealing personal information, scope."""

import pytest
from django.urls import reverse

from smartunion.core.models import AuditEntry


def login(client, user):
    client.force_login(user)
    return client


def test_it_finds_a_member_by_pinyin_initials(client, world):
    login(client, world.county_admin)
    response = client.get(reverse("members:list"), {"q": "zs"})
    assert response.status_code == 200
    assert "张三" in response.content.decode()


def test_the_member_page_shows_masked_numbers(client, world):
    login(client, world.county_admin)
    person = world.member_a1.person
    response = client.get(reverse("members:detail", kwargs={"person_id": person.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert person.id_masked in html and person.id_number not in html


def test_revealing_an_id_number_writes_an_audit_row(client, world):
    login(client, world.county_admin)
    person = world.member_a1.person
    response = client.post(
        reverse("members:reveal", kwargs={"person_id": person.pk}),
        {"field": "id_number"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    assert AuditEntry.objects.filter(action="pii.reveal", object_id=str(person.pk)).count() == 1


@pytest.mark.parametrize("persona", ["viewer", "sibling_admin"])
def test_reveal_is_404_without_permission_or_scope(client, world, persona):
    login(client, getattr(world, persona))
    person = world.member_a1.person
    response = client.post(
        reverse("members:reveal", kwargs={"person_id": person.pk}), {"field": "id_number"}
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()
