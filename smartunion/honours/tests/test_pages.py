"""The pages: the register, an honour, the nominee list with its live ratio check, studios."""

from __future__ import annotations

from smartunion.honours.testing import a_nomination, make_selection, make_service_log, make_studio


def test_pages_show_the_register_ratios_and_studios(world, client):
    client.force_login(world.county_admin)
    studio = make_studio(world)
    honour = studio.leader_honour
    make_service_log(studio.leader)
    page = client.get("/honours/", {"held": "1", "q": "张"}).content.decode()
    assert "张三" in page and "省部级劳模" in page
    page = client.get(f"/honours/{honour.pk}/").content.decode()
    assert "400.00 元/月" in page and "节日慰问" in page
    selection = make_selection(world)
    case = a_nomination(world, selection=selection, person=world.member_a1.person)
    page = client.get(
        "/honours/nominations/", {"selection": selection.pk, "org": world.county_a.pk}
    ).content.decode()
    assert "比例检查" in page and "100.0%" in page and "农民工" in page
    assert "推荐名单不符合比例要求" in page  # no migrant worker on a list of one
    assert client.get(f"/honours/nominations/{case.pk}/").status_code == 200
    page = client.get("/honours/studios/").content.decode()
    assert studio.name in page and "培训 0 人次" in page
    client.force_login(world.sibling_admin)
    assert client.get(f"/honours/{honour.pk}/").status_code == 404
    assert client.get(f"/honours/nominations/{case.pk}/").status_code == 404


def test_revoking_on_the_page_needs_reason_and_document(world, client):
    from smartunion.honours.models import Honour
    from smartunion.honours.testing import make_honour

    honour = make_honour(world.member_a1.person)
    client.force_login(world.county_admin)
    url = f"/honours/{honour.pk}/revoke/"
    page = client.post(url, {"reason": "", "document": "甘政发〔2026〕3号"}).content.decode()
    assert "请填写撤销原因。" in page
    assert Honour.objects.get(pk=honour.pk).state == "held"
    done = client.post(url, {"reason": "受到刑事处罚", "document": "甘政发〔2026〕3号"})
    assert done.status_code == 302
    assert Honour.objects.get(pk=honour.pk).state == "revoked"


def test_submitting_a_list_on_the_page_shows_the_ratio_refusal(world, client):
    from smartunion.honours.models import Nomination

    selection = make_selection(world)
    a_nomination(world, selection=selection)  # industrial, no migrant worker: 0% < 10%
    client.force_login(world.county_admin)
    page = client.post(
        "/honours/nominations/submit/",
        {"selection": selection.pk, "org": world.county_a.pk},
        follow=True,
    ).content.decode()
    assert "推荐名单中农民工占0.0%（0/1），低于通知要求的10%" in page
    assert set(Nomination.objects.values_list("state", flat=True)) == {"draft"}
