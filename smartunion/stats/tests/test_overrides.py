"""年报改写: a union enters its own figure over a computed one only with a note, for the rows of
its own subtree; the computed figure stays and the override is shown beside it (the page, its
parent's report, the xlsx file, the API); the checks judge the figures as reported; an override
can be withdrawn (kept as history); every write audited, every refusal in Chinese with nothing
saved."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from smartunion.core.errors import NotInScope
from smartunion.core.models import AuditEntry
from smartunion.stats import services
from smartunion.stats.models import Override

YEAR = timezone.localdate().year - 1
NOTE = "含未录入系统的派遣工"


def override(world, org=None, actor=None, **changes):
    values = {"year": YEAR, "indicator": "members", "value": 5, "note": NOTE}
    values.update(changes)
    return services.set_override(org or world.county_a, actor=actor or world.county_admin, **values)


def test_an_override_is_saved_with_its_note_changed_in_place_withdrawn_and_audited(world):
    o = override(world)
    assert (o.value, o.note, o.created_by_name, o.created_by) == (
        5,
        NOTE,
        "county_admin（城关区总工会）",
        world.county_admin,
    )
    again = override(world, value=6, note="复核后更正")
    assert again.pk == o.pk and Override.objects.get().value == 6
    # A sub-unit's row of the county's report, and a category of a breakdown.
    sub = override(world, world.union_a1, indicator="unions.grassroots.by_unit:domestic")
    assert sub.org == world.union_a1
    gone = services.withdraw_override(
        world.county_a, year=YEAR, indicator="members", note="已补录", actor=world.county_admin
    )
    assert gone.withdrawn_at and gone.withdrawn_by_name == "county_admin（城关区总工会）"
    assert list(Override.objects.active()) == [sub]
    # Entered again after the withdrawal: a new override, the withdrawn one kept as history.
    override(world, value=7)
    assert Override.objects.filter(org=world.county_a).count() == 2
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("id"))
    assert [a for a in actions if a.startswith("stats.")] == [
        "stats.override",
        "stats.override",
        "stats.override",
        "stats.override_withdrawn",
        "stats.override",
    ]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"note": "  "}, "note", "改写数字必须填写说明。"),
        ({"indicator": "members.rate"}, "indicator", "这个指标不能改写"),
        ({"indicator": "nope"}, "indicator", "这个指标不能改写"),
        ({"year": 1999}, "year", "年度应在2000年至"),
        ({"value": -1}, "value", "填报数应在0至100,000,000之间。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(world, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        override(world, **changes)
    assert exc.value.message_dict[field][0].startswith(message)
    assert not Override.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="stats.").exists()


def test_only_the_unions_of_ones_own_subtree_and_withdrawals_with_a_reason(world):
    # The sibling county's admin, and county A's admin for the city above it.
    for org, actor in ((world.county_a, world.sibling_admin), (world.city, world.county_admin)):
        with pytest.raises(NotInScope):
            override(world, org, actor)
    o = override(world)
    with pytest.raises(ValidationError) as exc:
        services.withdraw_override(
            world.county_a, year=YEAR, indicator="members", note="", actor=world.county_admin
        )
    assert exc.value.message_dict["note"] == ["撤回改写必须填写原因。"]
    with pytest.raises(ValidationError) as exc:
        services.withdraw_override(
            world.county_a, year=YEAR, indicator="employees", note="x", actor=world.county_admin
        )
    assert exc.value.message_dict["indicator"] == ["这个指标本年度没有改写，无需撤回。"]
    o.refresh_from_db()
    assert o.withdrawn_at is None
    assert Override.objects.count() == 1


def test_the_database_refuses_an_override_without_a_note(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Override.objects.create(
            org=world.county_a, year=YEAR, indicator="members", value=1, note=""
        )


def test_the_override_is_shown_beside_the_computed_figure_and_checked_as_reported(client, world):
    """The city's report shows county A's override beside its computed figure, in the page,
    the xlsx file and the API; 女会员 overridden above 会员 breaks a check 按改写数."""
    from python_calamine import CalamineWorkbook

    year = timezone.localdate().year  # the personas' members joined this year
    override(world, year=year)
    override(world, year=year, indicator="members.female", value=9, note="按工资表")
    client.force_login(world.city_admin)
    url = reverse("stats:report", kwargs={"org_id": world.city.pk})
    html = client.get(url, {"year": year}).content.decode()
    assert "填报 5" in html and f"会员人数填报5（{NOTE}，county_admin（城关区总工会））" in html
    assert "女会员人数多于会员人数（按改写数）" in html
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get(url, {"year": year, "format": "xlsx"}).content)
    )
    rows = book.get_sheet_by_name("表二职工和会员情况").to_python()
    county = next(r for r in rows if r[0] == "城关区总工会")
    assert county[2] == 2 and "会员人数填报5" in county[-1]  # computed 2, override beside
    api = client.get(f"/api/v1/stats/orgs/{world.city.pk}/report", {"year": year}).json()
    row = next(r for r in api["rows"] if r["name"] == "城关区总工会")
    assert row["values"]["members"] == 2
    assert {o["indicator"]: o["figure"] for o in row["overrides"]} == {
        "members": 5,
        "members.female": 9,
    }
    assert row["problems"][0]["message"] == "女会员人数多于会员人数（按改写数）"


def test_the_page_and_the_api_save_refuse_and_withdraw(client, world):
    client.force_login(world.county_admin)
    url = reverse("stats:report", kwargs={"org_id": world.county_a.pk}) + f"?year={YEAR}"
    form = {"org": world.county_a.pk, "indicator": "members", "value": "5", "note": ""}
    bad = client.post(url, form)
    assert bad.status_code == 200 and "改写数字必须填写说明。" in bad.content.decode()
    outside = client.post(url, {**form, "org": world.county_b.pk, "note": "x"})
    assert "只能改写本年报中本单位或下级单位的数字。" in outside.content.decode()
    assert not Override.objects.exists()
    assert client.post(url, {**form, "note": "含派遣工"}).status_code == 302
    assert Override.objects.get().note == "含派遣工"
    html = client.get(url).content.decode()
    assert "撤回原因" in html and 'name="action" value="withdraw"' in html
    withdraw = {"action": "withdraw", "org": world.county_a.pk, "indicator": "members"}
    assert client.post(url, {**withdraw, "note": "已补录"}).status_code == 302
    assert not Override.objects.active().exists()

    api = f"/api/v1/stats/orgs/{world.county_a.pk}/overrides"
    body = {"year": YEAR, "indicator": "members.rate", "figure": 1, "note": "x"}
    refused = client.post(api, body, content_type="application/json")
    assert refused.status_code == 422 and "这个指标不能改写" in refused.content.decode()
    assert not Override.objects.active().exists()
    made = client.post(api, {**body, "indicator": "members"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["note"] == "x"
    gone = client.post(
        f"{api}/withdraw",
        {"year": YEAR, "indicator": "members", "note": "已补录"},
        content_type="application/json",
    )
    assert gone.status_code == 200 and gone.json()["withdraw_note"] == "已补录"


def test_a_read_only_viewer_cannot_override(client, world):
    client.force_login(world.viewer)
    url = reverse("stats:report", kwargs={"org_id": world.county_a.pk})
    response = client.post(url, {"indicator": "members", "value": "5", "note": "x"})
    assert response.status_code == 403
    assert not Override.objects.exists()
    assert "改写一个数字" not in client.get(url).content.decode()
