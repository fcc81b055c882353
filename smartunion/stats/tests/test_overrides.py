"""年报改写: a union enters its own figure over a computed one only with a note; the computed
figure stays and the override is shown beside it, in its parent's report too; audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from smartunion.core.errors import NotInScope
from smartunion.core.models import AuditEntry
from smartunion.stats import services
from smartunion.stats.models import Override

YEAR = timezone.localdate().year - 1


def override(world, **changes):
    values = {"year": YEAR, "indicator": "members", "value": 5, "note": "含未录入系统的派遣工"}
    values.update(changes)
    return services.set_override(world.county_a, actor=world.county_admin, **values)


def test_an_override_is_saved_with_its_note_and_audited(world):
    o = override(world)
    assert (o.value, o.note, o.created_by_name) == (
        5,
        "含未录入系统的派遣工",
        "county_admin（城关区总工会）",
    )
    assert AuditEntry.objects.filter(action="stats.override").count() == 1
    again = override(world, value=6, note="复核后更正")
    assert again.pk == o.pk and Override.objects.get().value == 6


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"note": "  "}, "note", "改写数字必须填写说明。"),
        ({"indicator": "members.rate"}, "indicator", "这个指标不能改写。"),
        ({"indicator": "nope"}, "indicator", "这个指标不能改写。"),
        ({"year": 1999}, "year", "年度应在2000年至"),
        ({"value": -1}, "value", "填报数应在0至100,000,000之间。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(world, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        override(world, **changes)
    assert exc.value.message_dict[field][0].startswith(message)
    assert not Override.objects.exists()
    assert not AuditEntry.objects.filter(action="stats.override").exists()


def test_a_union_outside_the_scope_cannot_be_overridden(world):
    with pytest.raises(NotInScope):
        services.set_override(
            world.county_a,
            year=YEAR,
            indicator="members",
            value=1,
            note="x",
            actor=world.sibling_admin,
        )
    assert not Override.objects.exists()


def test_the_database_refuses_an_override_without_a_note(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Override.objects.create(
            org=world.county_a, year=YEAR, indicator="members", value=1, note=""
        )


def test_the_report_shows_the_override_beside_the_computed_figure_here_and_above(client, world):
    override(world)
    client.force_login(world.city_admin)
    parent = client.get(reverse("stats:report", kwargs={"org_id": world.city.pk}), {"year": YEAR})
    html = parent.content.decode()
    assert "填报 5" in html and "会员人数填报5（含未录入系统的派遣工）" in html
    own = client.get(reverse("stats:report", kwargs={"org_id": world.county_a.pk}), {"year": YEAR})
    assert "填报 5" in own.content.decode()


def test_the_page_saves_an_override_and_refuses_one_without_a_note(client, world):
    client.force_login(world.county_admin)
    url = reverse("stats:report", kwargs={"org_id": world.county_a.pk}) + f"?year={YEAR}"
    bad = client.post(url, {"indicator": "members", "value": "5", "note": ""})
    assert bad.status_code == 200
    assert "改写数字必须填写说明。" in bad.content.decode()
    assert not Override.objects.exists()
    good = client.post(url, {"indicator": "members", "value": "5", "note": "含派遣工"})
    assert good.status_code == 302
    assert Override.objects.get().note == "含派遣工"


def test_a_read_only_viewer_cannot_override(client, world):
    client.force_login(world.viewer)
    url = reverse("stats:report", kwargs={"org_id": world.county_a.pk})
    response = client.post(url, {"indicator": "members", "value": "5", "note": "x"})
    assert response.status_code == 403
    assert not Override.objects.exists()
    assert "改写本单位的数字" not in client.get(url).content.decode()
