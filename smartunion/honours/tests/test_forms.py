"""The staff forms of honours, selections and studios: the same services as the API, each
refusal shown by field in Chinese with nothing saved, people picked within one's scope."""

from __future__ import annotations

from smartunion.core.testing import new_id_number
from smartunion.honours.models import Honour, Nomination, Selection, Studio, StudioMember
from smartunion.honours.testing import a_nomination, make_honour, make_selection


def test_studio_pages_name_edit_and_take_members(world, client):
    leader = world.member_a1.person
    client.force_login(world.county_admin)
    # The picker finds people of one's scope by name, shows the masked ID, and the sibling
    # county's people not at all.
    page = client.post("/honours/pick/", {"leader_q": leader.name, "name": "leader"}).content
    page = page.decode()
    assert leader.id_masked in page and 'name="leader"' in page
    stranger = world.add_member(world.union_b1, "李外县", id_number=new_id_number()).person
    page = client.post("/honours/pick/", {"person_q": "李外县"}).content.decode()
    assert "没有找到" in page and f'value="{stranger.pk}"' not in page
    # Refused by field, nothing saved: no name, a leader holding no honour.
    form = {"name": "", "tier": "city", "named_year": 2023, "document_no": "", "leader": leader.pk}
    page = client.post("/honours/studios/new/", form).content.decode()
    assert "请填写工作室名称。" in page and "请填写命名文号。" in page
    assert "领衔人须是荣誉库中在册的" in page and not Studio.objects.exists()
    # A leader outside the scope does not exist.
    form.update(name="冶炼创新工作室", document_no="兰工发〔2023〕1号", leader=stranger.pk)
    assert client.post("/honours/studios/new/", form).status_code == 404
    make_honour(leader)
    form["leader"] = leader.pk
    response = client.post("/honours/studios/new/", form)
    studio = Studio.objects.get()
    assert response.url == f"/honours/studios/{studio.pk}/" and studio.org_id == world.county_a.pk
    form.update(tier="provincial", named_year=1800)
    page = client.post(f"/honours/studios/{studio.pk}/edit/", form).content.decode()
    assert "年度应为1950至2100之间的年份。" in page
    assert Studio.objects.get().tier == "city"
    form["named_year"] = 2024
    client.post(f"/honours/studios/{studio.pk}/edit/", form)
    assert Studio.objects.values_list("tier", "named_year").get() == ("provincial", 2024)
    # Members: picked by id; twice is refused on the page.
    url = f"/honours/studios/{studio.pk}/members/"
    assert client.post(url, {"person": leader.pk, "role": "领衔"}).status_code == 302
    page = client.post(url, {"person": leader.pk}).content.decode()
    assert "该人员已是工作室成员。" in page and StudioMember.objects.count() == 1
    # Funding without an amount is refused; with one it counts in the figures.
    url = f"/honours/studios/{studio.pk}/records/"
    row = {"type": "funding", "happened_on": "2025-03-01", "title": "省总补助", "amount": ""}
    assert "请填写到账经费金额。" in client.post(url, row).content.decode()
    row["amount"] = "50000"
    client.post(url, row)
    page = client.get(f"/honours/studios/{studio.pk}/").content.decode()
    assert "50,000.00 元" in page and leader.id_masked in page
    client.force_login(world.sibling_admin)
    assert client.get(f"/honours/studios/{studio.pk}/").status_code == 404


def test_honour_and_selection_pages(world, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SMARTUNION_CASE_FILE_DIR = tmp_path / "cases"
    person = world.member_a1.person
    client.force_login(world.county_admin)
    form = {"holder": "person", "person": person.pk, "kind": "craftsman", "year": 2025}
    page = client.post("/honours/new/", {**form, "document_no": ""}).content.decode()
    assert "请填写文号。" in page and not Honour.objects.exists()
    page = client.post("/honours/new/", {**form, "holder": "unit"}).content.decode()
    assert "请选择获得荣誉的人员，或（奖状、工人先锋号）获得荣誉的单位，二者选一。" in page
    assert 'id="id_unit_errors"' in page and not Honour.objects.exists()
    client.post("/honours/new/", {**form, "document_no": "甘工发〔2025〕8号"})
    honour = Honour.objects.get()
    assert (honour.state, honour.level) == ("held", "provincial")
    page = client.get(f"/honours/people/{person.pk}/certificate/").content.decode()
    assert "荣誉证明" in page and person.id_masked in page and "甘工发〔2025〕8号" in page
    scan = SimpleUploadedFile("证书.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    client.post(f"/honours/{honour.pk}/attachments/", {"kind": "certificate", "file": scan})
    page = client.get(f"/honours/{honour.pk}/").content.decode()
    assert "打印荣誉证明" in page and "证书.pdf" in page and "荣誉证书" in page

    # A selection of county A with quotas for its unions below and ratio rules.
    new = {
        "title": "城关区工匠评选",
        "kind": "craftsman",
        "year": 2026,
        "nominations_due": "2099-12-31",
        "departments": ["税务"],
        "ratio_industrial": 35,
    }
    page = client.post("/honours/selections/new/", new).content.decode()
    assert "请为下级工会分配推荐名额。" in page and not Selection.objects.exists()
    client.post("/honours/selections/new/", {**new, f"quota_{world.union_a1.pk}": 2})
    selection = Selection.objects.get()
    assert list(selection.quotas.values_list("org_id", "places")) == [(world.union_a1.pk, 2)]
    assert list(selection.ratios.values_list("category", "min_percent")) == [("industrial", 35)]
    # Nominate through the page, then a quota below the list is refused.
    nominate = {"org": world.union_a1.pk, "person": person.pk, "categories": ["industrial"]}
    client.post(f"/honours/selections/{selection.pk}/nominate/", nominate)
    assert Nomination.objects.filter(selection=selection).count() == 1
    page = client.post(f"/honours/selections/{selection.pk}/nominate/", nominate)
    assert "该人员已被推荐参加本次评选。" in page.content.decode()
    other = world.add_member(world.union_a1, "赵一", id_number=new_id_number()).person
    client.post(f"/honours/selections/{selection.pk}/nominate/", {**nominate, "person": other.pk})
    edit = {**new, f"quota_{world.union_a1.pk}": 1}
    page = client.post(f"/honours/selections/{selection.pk}/edit/", edit).content.decode()
    assert "已推荐2人，名额不能少于2名。" in page
    assert selection.quotas.get().places == 2
    client.post(
        f"/honours/selections/{selection.pk}/edit/",
        {**edit, "title": "城关区工匠评选（修订）", f"quota_{world.union_a1.pk}": 3},
    )
    assert Selection.objects.get().title == "城关区工匠评选（修订）"
    # The 公示 list prints the nominees in 公示 (none yet) and the province's selection's.
    page = client.get(f"/honours/selections/{selection.pk}/publicity/").content.decode()
    assert "拟表彰对象公示" in page and "尚无通过评审" in page
    province = make_selection(world)
    case = a_nomination(world, selection=province)
    Nomination.objects.filter(pk=case.pk).update(state="ready")
    page = client.get(f"/honours/selections/{province.pk}/publicity/").content.decode()
    assert case.name in page and "5个工作日" in page
    # County A's admin nominates for the province's selection but cannot edit its notice.
    assert client.get(f"/honours/selections/{province.pk}/edit/").status_code == 403


def test_editing_a_selection_keeps_the_quota_of_a_union_no_longer_active(world, client):
    from smartunion.orgs.models import Organization

    selection = make_selection(world)
    Organization.objects.filter(pk=world.county_b.pk).update(status="dissolved")
    client.force_login(world.province_admin)
    url = f"/honours/selections/{selection.pk}/edit/"
    page = client.get(url).content.decode()
    assert (
        f'name="quota_{world.county_b.pk}"' in page and f"{world.county_b.name}（已撤销）" in page
    )
    edit = {
        "title": "2026年甘肃五一劳动奖章评选（修订）",
        "kind": selection.kind,
        "year": selection.year,
        "nominations_due": selection.nominations_due.isoformat(),
        "departments": list(selection.departments),
        "vote_starts_on": selection.vote_starts_on.isoformat(),
        "vote_ends_on": selection.vote_ends_on.isoformat(),
        f"quota_{world.county_a.pk}": 4,
        f"quota_{world.county_b.pk}": 2,
    }
    assert client.post(url, edit).status_code == 302
    selection.refresh_from_db()
    assert selection.title.endswith("（修订）")
    assert dict(selection.quotas.values_list("org_id", "places")) == {
        world.county_a.pk: 4,
        world.county_b.pk: 2,
    }
