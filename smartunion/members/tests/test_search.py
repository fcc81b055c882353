"""Member search: what it finds, the order the list shows, and (PostgreSQL) the index behind it."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from smartunion.members import views
from smartunion.members.models import Person
from smartunion.members.querysets import Concatenated, after_prefix

LINK = re.compile(r'class="member-link" href="/members/(\d+)/">([^<]+)</a>')


def listed(client, **params) -> list[tuple[int, str]]:
    """(person id, name) of each row of the member list, in the order shown."""
    response = client.get(reverse("members:list"), params)
    assert response.status_code == 200
    return [(int(pk), name) for pk, name in LINK.findall(response.content.decode())]


def linked_names(html: str) -> list[str]:
    return [name for _pk, name in LINK.findall(html)]


def names(rows) -> list[str]:
    return [name for _pk, name in rows]


@pytest.fixture
def as_province(client, world):
    client.force_login(world.province_admin)
    return client


def test_a_name_search_lists_by_name_in_code_point_order_then_id(as_province, world):
    for name in ("王二", "王一", "王三", "王一"):
        world.add_member(world.union_a1, name)
    rows = listed(as_province, q="王")
    # 一 U+4E00, 三 U+4E09, 二 U+4E8C, 五 U+4E94
    assert names(rows) == ["王一", "王一", "王三", "王二", "王五"]
    assert rows[0][0] < rows[1][0]


def test_a_pinyin_search_lists_initials_matches_then_full_pinyin_matches(as_province, world):
    for name in ("邹辉", "赵明", "周红", "张华"):  # zh, zm, zh, zh; 张三 is zs
        world.add_member(world.union_a1, name)
    # Initials zh… by initials then pinyin (zhanghua, zhouhong, zouhui); then the people
    # found only by their full pinyin zh…, by pinyin (zhangsan, zhaoming).
    assert names(listed(as_province, q="zh")) == ["张华", "周红", "邹辉", "张三", "赵明"]
    assert names(listed(as_province, q="z")) == ["张华", "周红", "邹辉", "赵明", "张三"]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("张", {"张三", "张华"}),  # name prefix
        ("张三", {"张三"}),
        ("zs", {"张三"}),  # initials
        ("ZS", {"张三"}),
        ("zhangs", {"张三"}),  # full pinyin
        ("zhang san", {"张三"}),
        ("zh", {"张三", "张华", "赵明"}),  # initials or full pinyin
        ("zm", {"赵明"}),
        ("w", {"王五"}),
        ("xyz", set()),
    ],
)
def test_the_list_and_the_one_query_search_find_the_same_people(as_province, world, q, found):
    for name in ("赵明", "张华"):
        world.add_member(world.union_a1, name)
    assert set(names(listed(as_province, q=q))) == found
    people = Person.objects.visible_to(world.province_admin)
    assert {p.name for p in people.search(q)} == found
    parts = [{p.pk for p in part} for part in people.search_parts(q)]
    assert set().union(*parts) == {p.pk for p in people.search(q)}
    assert sum(len(part) for part in parts) == len(set().union(*parts))  # disjoint


# ---- surnames read as surnames ------------------------------------------------------------------


@pytest.mark.parametrize(
    "q", ["zxy", "ZXY", "zengxiaoyan", "zeng xiao yan", "zengx", "cxy", "cengxiaoyan"]
)
def test_a_surname_is_found_by_its_surname_reading_and_by_its_ordinary_one(as_province, world, q):
    world.add_member(world.union_a1, "曾晓燕")
    assert names(listed(as_province, q=q)) == ["曾晓燕"]
    people = Person.objects.visible_to(world.province_admin)
    assert [p.name for p in people.search(q)] == ["曾晓燕"]


@pytest.mark.parametrize(
    ("name", "readings"),
    [
        ("单田芳", ("stf", "shantianfang", "dtf", "dantianfang")),
        ("解小东", ("xxd", "xiexiaodong", "jxd", "jiexiaodong")),
        ("仇志强", ("qzq", "qiuzhiqiang", "czq", "chouzhiqiang")),
        ("区家明", ("ojm", "oujiaming", "qjm", "qujiaming")),
        ("查良镛", ("zly", "zhaliangyong", "cly", "chaliangyong")),
        ("朴正熙", ("pzx", "piaozhengxi", "puzhengxi")),
        ("欧阳娜娜", ("oynn", "ouyangnana", "oy")),
        ("尉迟恭", ("ycg", "yuchigong")),
    ],
)
def test_every_accepted_reading_of_a_surname_finds_the_person(as_province, world, name, readings):
    world.add_member(world.union_a1, name)
    for q in readings:
        assert name in names(listed(as_province, q=q)), q


def test_people_found_by_their_reading_come_before_those_found_by_the_ordinary_one(
    as_province, world
):
    # 曾晓燕 reads zengxiaoyan; cxy finds her only by the ordinary reading of 曾 (céng).
    for name in ("曾晓燕", "岑小燕", "陈晓宇", "曾诚"):
        world.add_member(world.union_a1, name)
    assert names(listed(as_province, q="cxy")) == ["岑小燕", "陈晓宇", "曾晓燕"]
    assert names(listed(as_province, q="c")) == ["岑小燕", "陈晓宇", "曾诚", "曾晓燕"]
    assert names(listed(as_province, q="ceng")) == ["曾诚", "曾晓燕"]
    # By the surname reading she is found among everyone else, in initials order.
    assert names(listed(as_province, q="z")) == ["曾诚", "张三", "曾晓燕"]  # zc, zs, zxy
    assert names(listed(as_province, q="zeng")) == ["曾诚", "曾晓燕"]


def test_pages_run_on_into_the_people_found_by_their_other_reading(as_province, world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for name in ("曾晓燕", "曾晓云", "岑小燕", "陈晓宇", "程晓燕"):
        world.add_member(world.union_a1, name)
    pages = [names(listed(as_province, q="cxy", page=n)) for n in (1, 2, 3)]
    # cenxiaoyan, chengxiaoyan, chenxiaoyu; then cengxiaoyan, cengxiaoyun
    assert pages == [["岑小燕", "程晓燕"], ["陈晓宇", "曾晓燕"], ["曾晓云"]]


def test_renaming_a_person_reads_the_new_name_again(world):
    from smartunion.members import services

    person = world.member_a1.person
    services.update_person(person, {"name": "曾三"}, actor=world.superuser)
    person.refresh_from_db()
    assert (person.name_pinyin, person.name_initials) == ("zengsan", "zs")
    assert (person.name_pinyin_alt, person.name_initials_alt) == ("cengsan", "cs")
    services.update_person(person, {"name": "张三"}, actor=world.superuser)
    person.refresh_from_db()
    assert (person.name_pinyin_alt, person.name_initials_alt) == ("", "")
    assert [p.name for p in Person.objects.search("cs")] == []


def test_an_id_number_search_finds_the_person_and_only_by_the_whole_number(as_province, world):
    number = world.member_a2.person.id_number
    url = reverse("members:list")

    def posted(q: str) -> list[str]:
        # As the search form sends it: an ID number is never in a URL.
        return linked_names(as_province.post(url, {"q": q}).content.decode())

    assert posted(number) == ["李四"]
    assert posted(number[:17]) == []


def test_pages_run_on_from_the_initials_matches_into_the_full_pinyin_matches(
    as_province, world, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    for name in ("张华", "周红", "邹辉", "赵明", "赵亮", "郑强"):
        world.add_member(world.union_a1, name)
    first = listed(as_province, q="zh")
    second = listed(as_province, q="zh", page=2)
    third = listed(as_province, q="zh", page=3)
    assert names(first) == ["张华", "周红", "邹辉", "张三"]
    assert names(second) == ["赵亮", "赵明", "郑强"]
    assert third == []
    html = as_province.get(reverse("members:list"), {"q": "zh", "page": 2}).content.decode()
    assert "上一页" in html and "下一页" not in html


def test_the_status_filter_applies_to_both_parts_of_a_pinyin_search(as_province, world):
    from smartunion.members import services
    from smartunion.members.models import ChangeReason

    retained = world.add_member(world.union_a1, "张华")
    world.add_member(world.union_a1, "赵明")
    services.retain_membership(retained, actor=world.superuser, reason=ChangeReason.RETIRED)
    services.retain_membership(world.member_a1, actor=world.superuser, reason=ChangeReason.RETIRED)
    assert names(listed(as_province, q="zh", status="retained")) == ["张华", "张三"]
    assert names(listed(as_province, q="zh", status="active")) == ["赵明"]


def test_a_search_stays_within_the_scope(client, world):
    world.add_member(world.union_b1, "张华")
    client.force_login(world.county_admin)
    assert names(listed(client, q="zh")) == ["张三"]
    assert names(listed(client, q="张")) == ["张三"]


def test_the_end_of_a_prefix_range_is_the_next_code_point():
    assert after_prefix("王") == "玌"
    assert after_prefix("ab") == "ac"
    assert after_prefix("a\U0010ffff") == "b"
    assert after_prefix("\ud7ff") == "\ue000"
    assert after_prefix("\U0010ffff") is None


def test_concatenated_slices_read_across_parts(world):
    for name in ("赵明", "赵亮"):
        world.add_member(world.union_a1, name)
    people = Person.objects.order_by("pk")
    first, second = people.filter(name__startswith="张"), people.filter(name__startswith="赵")
    joined = Concatenated([first, second])
    everyone = [p.name for p in list(first) + list(second)]
    for start in range(4):
        for stop in range(start, 5):
            assert [p.name for p in joined[start:stop]] == everyone[start:stop]


# ---- PostgreSQL: the indexes can serve the filter and the order ---------------------------------

postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")


def plan(queryset) -> str:
    """EXPLAIN of the list's query with sorts and sequential scans priced out: the test data
    is tiny, so this asks whether an index *can* serve the filter and the order, not whether
    the planner would pick it for a dozen rows."""
    settings = ("enable_seqscan", "enable_sort", "enable_bitmapscan")
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
    try:
        return queryset.explain()
    finally:
        with connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(f"SET LOCAL {setting} = on")


def sorts(text: str) -> bool:
    """Whether a plan sorts rows (an incremental sort of rows already in pinyin order, by id
    within one pinyin, is not sorting them)."""
    return re.search(r"(?<!Incremental )Sort  \(", text) is not None


def list_queries(world, q: str) -> list:
    people = Person.objects.visible_to(world.province_admin)
    return [part.select_related("org")[:21] for part in people.search_parts(q)]


@postgres
def test_a_one_character_name_search_reads_the_name_index_in_order(world):
    (query,) = list_queries(world, "王")
    text = plan(query)
    assert "Index Scan using person_name_id_idx" in text, text
    assert "(name)::text >= '王'::text" in text and "(name)::text < '玌'::text" in text, text
    assert not sorts(text), text


@postgres
def test_a_pinyin_search_reads_the_initials_and_the_pinyin_indexes_in_order(world):
    by_initials, by_pinyin, _other_initials, _other_pinyin = list_queries(world, "zh")
    text = plan(by_initials)
    assert "Index Scan using person_initials_idx" in text, text
    assert "(name_initials)::text >= 'zh'::text" in text and not sorts(text), text
    text = plan(by_pinyin)
    assert "Index Scan using person_pinyin_idx" in text, text
    assert "(name_pinyin)::text >= 'zh'::text" in text and "'zi'::text" in text, text
    assert "Sort" not in text, text  # the index has the id too: not even an incremental sort


@postgres
def test_the_other_readings_read_their_partial_indexes_in_order(world):
    _by_initials, _by_pinyin, by_other_initials, by_other_pinyin = list_queries(world, "cx")
    text = plan(by_other_initials)
    assert "Index Scan using person_initials_alt_idx" in text, text
    assert "(name_initials_alt)::text >= 'cx'::text" in text and not sorts(text), text
    text = plan(by_other_pinyin)
    assert "Index Scan using person_pinyin_alt_idx" in text, text
    assert "(name_pinyin_alt)::text >= 'cx'::text" in text and "Sort" not in text, text
    _by_initials, by_other_initials = list_queries(world, "c")
    assert "Index Scan using person_initials_alt_idx" in plan(by_other_initials)


@postgres
def test_the_list_with_no_search_reads_the_pinyin_index_in_order(world):
    (query,) = list_queries(world, "")
    text = plan(query)
    assert "Index Scan using person_pinyin_idx" in text and "Sort" not in text, text


@postgres
def test_a_pinyin_search_as_one_filter_uses_the_initials_and_the_pinyin_indexes(world):
    # Person.objects.search() is the filter of an organization's member list (?q=).
    people = Person.objects.search("zh").values("pk")
    settings = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
    try:
        text = people.explain()
    finally:
        with connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(f"RESET {setting}")
    assert "BitmapOr" in text, text
    assert "Bitmap Index Scan on person_initials_idx" in text, text
    assert "Bitmap Index Scan on person_pinyin_idx" in text, text
    assert "Bitmap Index Scan on person_initials_alt_idx" in text, text
    assert "Bitmap Index Scan on person_pinyin_alt_idx" in text, text


@postgres
def test_the_person_table_has_only_the_indexes_its_queries_use(db):
    # Every member imported is written into each of these B-trees: one that no query uses
    # costs every import (migration members.0004 removed three).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'members_person'")
        found = {name for (name,) in cursor.fetchall()}
    assert found == {
        "members_person_pkey",
        "person_id_hash_unique",
        "person_phone_hash_idx",
        "person_org_name_idx",
        "person_name_id_idx",
        "person_initials_idx",
        "person_pinyin_idx",
        "person_initials_alt_idx",
        "person_pinyin_alt_idx",
        # The statistics' birthdays at an age band's edge inside a month (members/summaries.py),
        # with the id: read from the index alone (members 0012).
        "person_birth_id_idx",
        # members 0015's person_counted_idx went with members 0016: the memberships carry the
        # counted attributes themselves.
    }


@postgres
def test_the_membership_table_keeps_its_constraints_and_only_the_indexes_its_queries_use(db):
    # members 0012 replaced the foreign key's index on person_id by membership_person_idx; a
    # plain AlterField(db_index=False) would also have dropped the two partial unique indexes
    # on the same column (the database's guard of one current membership per person).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'members_membership'")
        found = {name for (name,) in cursor.fetchall()}
    assert found == {
        "members_membership_pkey",
        "membership_card_no_unique",
        "membership_one_current_per_person",
        "membership_one_application_per_person",
        "membership_org_status_idx",
        "membership_person_idx",
        "membership_joined_idx",
        "membership_ended_idx",
        "membership_applied_idx",
        "membership_applied_org_idx",
    }


@postgres
def test_the_memberships_index_by_union_carries_their_dates_and_every_counted_attribute(db):
    # members 0014, 0016: whether a union's memberships count at a date, and in which
    # category of any member breakdown, from the index alone; an attribute counted but left
    # out of it would fetch every membership's row again.
    from smartunion.members.models import COUNTED_FIELDS

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'membership_org_status_idx'"
        )
        (definition,) = cursor.fetchone()
    key, payload = definition.split(" INCLUDE ")
    assert key.endswith("(org_id, status, id)")
    assert set(payload.strip("()").split(", ")) == {"joined_on", "ended_on", *COUNTED_FIELDS}


@postgres
def test_the_transfer_ins_are_one_per_membership_and_indexed_with_their_dates(db):
    # members 0013: 入会率's unrated unions join each membership to its 转入 (members/indicators.py).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'members_membershipevent' AND indexdef LIKE '%%transfer_in%%'"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {"event_transfer_in_idx", "event_one_transfer_in_per_membership"}
    assert "UNIQUE" in found["event_one_transfer_in_per_membership"]
    assert "(membership_id, occurred_on)" in found["event_transfer_in_idx"]


@postgres
def test_the_name_indexes_are_in_code_point_order(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_person'"
        )
        definitions = dict(cursor.fetchall())
    assert 'name COLLATE "C", id' in definitions["person_name_id_idx"]
    assert 'org_id, name COLLATE "C"' in definitions["person_org_name_idx"]
    assert 'name_initials COLLATE "C", name_pinyin, id' in definitions["person_initials_idx"]
    assert (
        'name_initials_alt COLLATE "C", name_pinyin_alt, id'
        in (definitions["person_initials_alt_idx"])
    )
    assert (
        "WHERE (NOT ((name_initials_alt)::text = ''::text))"
        in (definitions["person_initials_alt_idx"])
    )
    assert "person_name_idx" not in definitions


def _index_columns(cursor, name: str) -> list[str]:
    """The columns of an index, its keys in order and then those it includes."""
    cursor.execute(
        "SELECT a.attname FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
        "JOIN pg_attribute a ON a.attnum = k.attnum "
        "WHERE i.indexrelid = %s::regclass AND a.attrelid = i.indrelid ORDER BY k.n",
        [name],
    )
    return [row[0] for row in cursor.fetchall()]


@postgres
def test_a_countys_comparison_by_a_persons_attribute_reads_the_index_by_union_alone(world):
    # members 0016: the summaries stop at the counties, so a county's comparison of its
    # grassroots unions reads their memberships: the person's attributes as each membership
    # carries them, from the index by union, not the people (186,000 probes of them in the
    # largest county with members 0015). What the read takes of the memberships is in the
    # index (the planner's choice on the tests' tiny tables, even with every other way priced
    # out, follows the other tests' rows: a plan was not a test).
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from smartunion.stats import figures, indicators

    breakdowns = [
        i
        for i in indicators.all_indicators()
        if i.group == "会员" and i.code.startswith("members.by_")
    ]
    assert {"members.by_age", "members.by_gender", "members.by_education"} <= {
        i.code for i in breakdowns
    }
    with connection.cursor() as cursor:
        by_union = _index_columns(cursor, "membership_org_status_idx")
    assert by_union[0] == "org_id"
    for indicator in breakdowns:
        with CaptureQueriesContext(connection) as queries:
            rows = figures.comparison(indicator, world.county_a, timezone.localdate())
        assert sum(sum(row.value.values()) for row in rows if row.value) > 0, indicator.code
        (read,) = [
            q["sql"]
            for q in queries.captured_queries
            if '"members_membership"."joined_on"' in q["sql"]
        ]
        assert "members_person" not in read, read
        memberships = set(re.findall(r'"members_membership"\."(\w+)"', read))
        assert memberships <= set(by_union), (indicator.code, memberships - set(by_union))
