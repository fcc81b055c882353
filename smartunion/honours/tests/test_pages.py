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
