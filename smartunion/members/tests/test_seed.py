"""The synthetic Gansu data set (`manage.py seed`): real federations, valid codes, histories."""

import datetime as dt
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from stdnum.cn import uscc

from smartunion.accounts.models import User
from smartunion.accounts.seed import DEMO_PASSWORD, ensure_demo_accounts
from smartunion.core import audit, crypto
from smartunion.core.idnumber import age_on, parse_id_number, validate_phone
from smartunion.core.models import AuditEntry
from smartunion.members.models import (
    CURRENT_STATUSES,
    ChangeType,
    EndType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.members.seed import generate
from smartunion.members.seed.generate import Job, run_chunk
from smartunion.members.services import id_blind_index, phone_blind_index
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Organization, Status
from smartunion.orgs.seed import OrgBuilder, apportion, org_code
from smartunion.orgs.services import recount_members
from smartunion.personas import ensure_regions
from smartunion.regions.models import Level, Region

ORGS = 300
MEMBERS = 2500


def _generate():
    ensure_regions()
    return generate(orgs=ORGS, members=MEMBERS, seed=7, chunk_size=1500, workers=1)


@pytest.fixture
def seeded(built):
    """The data set generated once per process and written back row for row in each test that
    asks for it (``core.testing.built_once``): generating it was most of this file's time."""

    report = built(("members.seed", ORGS, MEMBERS), _generate)
    assert report.created
    return report


def test_it_builds_the_real_federations_from_the_regions_table(seeded):
    root = Organization.objects.get(parent=None)
    assert (root.name, root.kind, root.region_id) == ("甘肃省总工会", Kind.PROVINCE, "620000")
    cities = Region.objects.filter(parent_id="620000", level=Level.PREFECTURE)
    city_unions = Organization.objects.filter(kind=Kind.CITY)
    assert len(cities) == 14
    assert sorted(city_unions.values_list("name", flat=True)) == sorted(
        f"{c.name}总工会" for c in cities
    )
    assert set(city_unions.values_list("parent_id", flat=True)) == {root.pk}
    counties = Region.objects.filter(parent__parent_id="620000", level=Level.COUNTY)
    county_unions = Organization.objects.filter(kind=Kind.COUNTY).select_related("parent")
    assert len(counties) == 86 and county_unions.count() == 86
    for union in county_unions:
        region = Region.objects.get(code=union.region_id)
        assert union.name == f"{region.name}总工会"
        assert union.parent.region_id == region.parent_id  # under its own city's federation
    jiayuguan = Organization.objects.get(name="嘉峪关市总工会")
    assert not jiayuguan.children.filter(kind=Kind.COUNTY).exists()
    # Its grassroots unions sit directly in the city's region, under the city's federation.
    assert (
        not Organization.objects.filter(region_id="620200")
        .exclude(path__startswith=jiayuguan.path)
        .exists()
    )
    assert set(
        Organization.objects.filter(path__startswith=jiayuguan.path).values_list(
            "region_id", flat=True
        )
    ) == {"620200"}
    assert Organization.objects.count() == ORGS


def test_paths_and_depths_describe_the_tree(seeded):
    for org in Organization.objects.select_related("parent").iterator():
        if org.parent is None:
            assert org.depth == 0 and len(org.path) == 8
        else:
            assert (
                org.path.startswith(org.parent.path) and len(org.path) == len(org.parent.path) + 8
            )
            assert org.depth == org.parent.depth + 1


def test_lanzhou_has_the_most_grassroots_unions(seeded):
    per_city = Counter()
    for city in Organization.objects.filter(kind=Kind.CITY):
        per_city[city.name] = Organization.objects.filter(
            path__startswith=city.path, kind__in=GRASSROOTS_KINDS
        ).count()
    assert per_city.most_common(1)[0][0] == "兰州市总工会"
    assert Organization.objects.filter(kind=Kind.TOWNSHIP).exists()
    assert Organization.objects.filter(kind=Kind.PARK).exists()
    assert Organization.objects.filter(kind=Kind.JOINT).exists()


def test_every_credit_code_has_correct_check_characters(seeded):
    unions = Organization.objects.exclude(uscc="")
    assert unions.count() > ORGS // 2
    for code in unions.values_list("uscc", flat=True):
        assert uscc.is_valid(code) and code.startswith("81")
        assert org_code(code[8:16]) == code[8:17]  # the organization code's own check
    employers = Organization.objects.exclude(employer_uscc="").values_list(
        "employer_uscc", "unit_category"
    )
    assert employers
    for code, category in employers:
        assert uscc.is_valid(code)
        assert code[:2] == {"400": "12", "500": "11", "700": "52", "600": "92"}.get(category, "91")


def test_union_fields_are_realistic(seeded):
    grassroots = Organization.objects.filter(kind__in=GRASSROOTS_KINDS)
    today = timezone.localdate()
    categories = set(grassroots.values_list("unit_category", flat=True))
    assert {"170", "159", "400", "500"} <= categories
    assert grassroots.exclude(industry="").count() == grassroots.count()
    overdue = grassroots.filter(term_ends_on__lt=today).count()
    assert 0 < overdue < grassroots.count() * 0.3
    for org in grassroots.filter(status=Status.NORMAL):
        assert org.founded_on <= today and org.term_ends_on > org.founded_on
        assert org.employee_count >= org.member_count
        assert org.chair_name and validate_phone(org.chair_phone)
        assert org.chair_phone_masked[:3] == org.chair_phone[:3] and "*" in org.chair_phone_masked
    dissolved = Organization.objects.exclude(status=Status.NORMAL)
    assert not Membership.objects.filter(org__in=dissolved, status__in=CURRENT_STATUSES).exists()


def test_every_person_has_a_valid_id_number_and_derived_facts(seeded):
    today = timezone.localdate()
    persons = list(Person.objects.all())
    assert len(persons) == MEMBERS
    numbers = set()
    gansu = 0
    for p in persons:
        ident = parse_id_number(p.id_number)
        numbers.add(ident.number)
        assert (p.gender, p.birth_date) == (ident.gender, ident.birth_date)
        assert 18 <= age_on(p.birth_date, today) <= 65
        assert p.id_hash == id_blind_index(ident.number) and p.id_masked == ident.masked
        if p.phone:
            assert validate_phone(p.phone) and p.phone_hash == phone_blind_index(p.phone)
        assert p.name and p.name_pinyin and p.name_initials
        gansu += ident.number.startswith("62")
    assert len(numbers) == MEMBERS
    assert gansu > MEMBERS * 0.85
    genders = Counter(p.gender for p in persons)
    assert min(genders.values()) > MEMBERS * 0.4


def test_statuses_come_in_realistic_proportions(seeded):
    by_status = Counter(Membership.objects.values_list("status", flat=True))
    persons = MEMBERS
    assert by_status[MembershipStatus.ACTIVE] > persons * 0.7
    assert persons * 0.03 < by_status[MembershipStatus.RETAINED] < persons * 0.2
    assert 0 < by_status[MembershipStatus.APPLIED] < persons * 0.05
    ended = Counter(
        Membership.objects.filter(status=MembershipStatus.ENDED).values_list("end_type", flat=True)
    )
    assert ended[EndType.TRANSFERRED] > persons * 0.05
    assert ended[EndType.LEFT] > persons * 0.02
    assert Transfer.objects.filter(status=TransferStatus.PENDING).exists()


def test_histories_are_consistent(seeded):
    current = Counter(
        Membership.objects.filter(status__in=CURRENT_STATUSES).values_list("person_id", flat=True)
    )
    assert max(current.values()) == 1
    assert not Person.objects.exclude(events__isnull=False).exists()
    for m in Membership.objects.exclude(joined_on=None).select_related("person"):
        assert age_on(m.person.birth_date, m.joined_on) >= 16
        assert m.joined_on <= timezone.localdate()
        if m.ended_on:
            assert m.ended_on >= m.joined_on
    for t in Transfer.objects.filter(status=TransferStatus.ACCEPTED).select_related("membership"):
        old = t.membership
        assert (old.status, old.end_type, old.org_id) == ("ended", "transferred", t.from_org_id)
        new = Membership.objects.get(person_id=t.person_id, org_id=t.to_org_id, card_no=old.card_no)
        assert new.status in CURRENT_STATUSES
        kinds = set(
            MembershipEvent.objects.filter(person_id=t.person_id).values_list(
                "change_type", flat=True
            )
        )
        assert {ChangeType.TRANSFER_SENT, ChangeType.TRANSFER_OUT, ChangeType.TRANSFER_IN} <= kinds
    for m in Membership.objects.filter(status=MembershipStatus.RETAINED):
        assert m.retained_on and m.events.filter(change_type=ChangeType.RETAIN).exists()
    # Each person's file sits in the union of their latest membership.
    for p in Person.objects.all()[:300]:
        assert p.org_id == p.memberships.order_by("-id").first().org_id


def test_counters_match_the_records_and_the_audit_chain_holds(seeded):
    assert recount_members(fix=False) == []
    report = audit.verify_chain()
    assert report.ok and report.count >= 1
    entry = AuditEntry.objects.get(action="seed.generate")
    assert entry.changes["persons"] == MEMBERS and entry.changes["organizations"] == ORGS


def test_no_plaintext_id_number_or_phone_is_stored(seeded):
    person = Person.objects.exclude(phone="").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM members_person WHERE id = %s", [person.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert crypto.decrypt(stored_id) == person.id_number != stored_id
    assert crypto.decrypt(stored_phone) == person.phone
    assert person.id_number not in stored_id and person.phone not in stored_phone


def test_running_it_again_keeps_the_data(seeded):
    before = (Organization.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    again = generate(orgs=ORGS, members=MEMBERS, seed=8, workers=1)
    assert not again.created
    assert (
        Organization.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def _hashes_generated_in_process(orgs, members, seed, chunk_size):
    """The blind indexes the chunks of a run produce, generated here without a database."""
    rnd = random.Random(seed)
    builder = OrgBuilder(rnd, "62", timezone.localdate())
    specs = builder.build(orgs)
    apportion(members, specs)
    for pk, spec in enumerate(specs, 1):
        spec.pk = pk
    other = list(
        Region.objects.filter(level=Level.COUNTY)
        .exclude(code__startswith="62")
        .values_list("code", flat=True)
    )
    job = Job(
        seed=seed,
        today=timezone.localdate(),
        now=timezone.now(),
        areas=builder.areas,
        unions=specs,
        other_birthplaces=other,
        text=False,
    )
    job.plan(chunk_size)
    for chunk in job.chunks:
        chunk.starts = dict.fromkeys(job.tables, 1)
    column = job.tables["person"].names.index("id_hash")
    return {row[column] for c in job.chunks for row in run_chunk(job, c.index).output["person"]}


def test_worker_processes_make_the_same_people_as_one_process(db):
    ensure_regions()
    generate(orgs=150, members=1200, seed=11, chunk_size=300, workers=2)
    stored = set(Person.objects.values_list("id_hash", flat=True))
    assert len(stored) == 1200
    assert recount_members(fix=False) == []
    assert _hashes_generated_in_process(150, 1200, 11, 300) == stored


def test_demo_accounts_are_created_once_and_can_log_in(seeded):
    accounts = ensure_demo_accounts()
    assert [a.username for a in accounts] == [
        "admin",
        "province_admin",
        "chengguan_admin",
        "grassroots_admin",
    ]
    assert all(a.created for a in accounts)
    province = User.objects.get(username="province_admin")
    county = User.objects.get(username="chengguan_admin")
    grassroots = User.objects.get(username="grassroots_admin")
    assert province.scope_org.name == "甘肃省总工会" and province.role == "province_admin"
    assert county.scope_org.name == "城关区总工会" and county.role == "county_admin"
    assert grassroots.scope_org.region_id == "620102"
    assert grassroots.scope_org.kind in GRASSROOTS_KINDS
    assert grassroots.scope_org.path.startswith(county.scope_org.path)
    assert User.objects.get(username="admin").is_superuser
    for username in ("admin", "province_admin", "chengguan_admin", "grassroots_admin"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert not any(a.created for a in ensure_demo_accounts())
    assert User.objects.count() == 4


def test_the_command_prints_the_demo_accounts_with_their_passwords(db):
    out = StringIO()
    call_command("seed", "--demo", "--orgs", "150", "--members", "600", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "已生成：工会组织 150 个，人员 600 人" in text
    for username in ("admin", "province_admin", "chengguan_admin", "grassroots_admin"):
        assert username in text
    assert DEMO_PASSWORD in text
    again = StringIO()
    call_command("seed", "--demo", stdout=again)
    assert "未生成新数据" in again.getvalue() and "已存在" in again.getvalue()
    # and the portal's demo worker (马兰花) and online applicant (杨春燕, 网上入会)
    assert Person.objects.count() == 600 + 2


def test_the_command_refuses_nonsense_sizes(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--orgs"):
        call_command("seed", "--orgs", "0", stdout=StringIO())
    assert not Organization.objects.exists()


def test_the_id_numbers_of_chunks_never_collide():
    from smartunion.core.synthetic.people import IdNumbers

    today = dt.date(2026, 6, 1)
    seen = set()
    for part in range(6):
        ids = IdNumbers(5, today, part, 6)
        for _ in range(3000):
            number, birth, gender = ids.next("620102")
            assert parse_id_number(number, today=today).birth_date == birth
            seen.add(number)
    assert len(seen) == 18000


def test_composed_readings_equal_the_readings_of_the_whole_name():
    from smartunion.core.pinyin import PinyinCache, name_readings
    from smartunion.core.synthetic import data
    from smartunion.core.synthetic.people import Names

    cache = PinyinCache()
    names = Names(random.Random(1), seed=2026, pinyin=cache)
    given = sorted(set(names.given["1"] + names.given["2"]))
    for surname, _weight in data.SURNAMES:
        for part in given[::3]:
            assert names.readings(surname, part) == name_readings(surname + part)
    for i in range(2000):
        name = names("1" if i % 2 else "2")
        assert cache(name) == name_readings(name), name
    # The lists hold surnames read otherwise than their characters: the seed shows them.
    assert name_readings("曾" + given[0]).other_pinyin.startswith("ceng")


def _constraints(model) -> dict:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: (c["columns"], c["unique"], bool(c["foreign_key"])) for name, c in found.items()}


def test_every_index_and_constraint_is_back_after_loading(db):
    ensure_regions()
    models = [Person, Membership, MembershipEvent, Transfer]
    before = {m: _constraints(m) for m in models}
    generate(orgs=120, members=300, seed=5, workers=1)
    assert {m: _constraints(m) for m in models} == before


def test_a_duplicate_loaded_without_indexes_still_fails_and_leaves_nothing(db):
    from django.db import IntegrityError, transaction

    from smartunion.core.pinyin import PinyinCache
    from smartunion.core.testing import new_id_number
    from smartunion.members.bulk import Table, indexes_built_after, person_values
    from smartunion.personas import make_org

    ensure_regions()
    org = make_org("兰州第一机械厂工会", None, "single", "620102")
    table = Table(Person)
    ident = parse_id_number(new_id_number())
    before = _constraints(Person)
    with pytest.raises(IntegrityError), transaction.atomic():
        with indexes_built_after([Person, Membership, MembershipEvent, Transfer]):
            ids = table.allocate_ids(2)
            table.write(
                table.row(
                    person_values(
                        pk=pk,
                        name="张三",
                        ident=ident,
                        phone="",
                        org_id=org.pk,
                        now=timezone.now(),
                        pinyin=PinyinCache(),
                    )
                )
                for pk in ids
            )
    assert not Person.objects.exists()
    assert _constraints(Person) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics")
def test_the_planner_knows_the_loaded_tables_sizes(db):
    # Generated here, not written back (``seeded``): the statistics are the seed's own ANALYZE's.
    assert _generate().created
    # Without statistics for the unions the planner took a province's 49,000 for 71 and
    # searched members union by union: 400–530 ms a search instead of 10–50 (bench/pages.py).
    with connection.cursor() as cursor:
        for model in (Organization, Person, Membership):
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
            )
            assert cursor.fetchone()[0] == model.objects.count(), model
