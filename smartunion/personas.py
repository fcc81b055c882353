"""Named personas and a small Gansu-shaped world for tests (STYLE.md, Tests).

    province_admin      甘肃省总工会, sees everything in the province
    city_admin          兰州市总工会
    county_admin        城关区总工会 (county A)
    sibling_admin       七里河区总工会 (county B, the sibling of A)
    grassroots_admin    A1, a grassroots union in county A
    viewer              read-only, county A
    anonymous           not logged in

Each county has members; tests read like sentences:
``test_it_hides_members_of_sibling_county``. It lives outside ``core`` because it builds
unions and members (dependencies point down: core never imports a domain app).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from smartunion.accounts.models import User
from smartunion.accounts.roles import Role
from smartunion.core.testing import PASSWORD, new_id_number
from smartunion.members.models import Membership
from smartunion.members.services import PersonData, register_member
from smartunion.orgs import counters
from smartunion.orgs.models import Kind, Organization, path_segment
from smartunion.regions.divisions import load_regions
from smartunion.regions.models import Region
from smartunion.stats import kept


def make_org(
    name: str, parent: Organization | None, kind: str, region: str, **extra
) -> Organization:
    """An organization written directly (fixtures only; the product goes through services),
    its workers counted in the figures of the unions above it as ``create_org`` counts them."""
    org = Organization(
        name=name, parent=parent, kind=kind, region_id=region, path=f"~{name}", **extra
    )
    org.depth = parent.depth + 1 if parent else 0
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    with transaction.atomic():
        counters.shift({org.pk: counters.own_contribution(org)})
        kept.added(Organization, [org.pk])  # the statistics' summaries, as create_org
    org.refresh_from_db()
    return org


def make_staff(username: str, org: Organization, role: str) -> User:
    user = User(username=username, scope_org=org, role=role, full_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class World:
    province: Organization
    city: Organization
    county_a: Organization
    county_b: Organization
    union_a1: Organization
    union_a2: Organization
    union_b1: Organization
    province_admin: User
    city_admin: User
    county_admin: User
    sibling_admin: User
    grassroots_admin: User
    viewer: User
    superuser: User
    anonymous: AnonymousUser = field(default_factory=AnonymousUser)
    member_a1: Membership | None = None
    member_a2: Membership | None = None
    member_b1: Membership | None = None

    def add_member(self, org: Organization, name: str = "张三", **kwargs) -> Membership:
        data = PersonData(
            name=name,
            id_number=kwargs.pop("id_number", None) or new_id_number(),
            phone=kwargs.pop("phone", "13800138000"),
        )
        return register_member(data, org, actor=self.superuser, **kwargs)

    def import_members(self, n: int = 9, *, batch_size: int = 4):
        """``n`` members imported by the province admin in batches (the bulk path), two in
        three into 兰州第一机械厂工会 and the rest into 七里河区供电公司工会."""
        from smartunion.members import bulk
        from smartunion.members.services import check_id_number

        records = [
            bulk.MemberRecord(
                name=f"导入{i}",
                ident=check_id_number(new_id_number()),
                org_id=(self.union_a1 if i % 3 else self.union_b1).pk,
                row=i + 2,
            )
            for i in range(n)
        ]
        return bulk.bulk_register(records, actor=self.province_admin, batch_size=batch_size)


def ensure_regions() -> None:
    """The divisions, loaded again if a transactional test's flush emptied them."""
    if not Region.objects.filter(code="620102").exists():
        load_regions()


def build_world() -> World:
    ensure_regions()
    province = make_org("甘肃省总工会", None, Kind.PROVINCE, "620000")
    city = make_org("兰州市总工会", province, Kind.CITY, "620100")
    county_a = make_org("城关区总工会", city, Kind.COUNTY, "620102")
    county_b = make_org("七里河区总工会", city, Kind.COUNTY, "620103")
    union_a1 = make_org("兰州第一机械厂工会", county_a, Kind.SINGLE, "620102", employee_count=300)
    union_a2 = make_org("城关区快递行业联合工会", county_a, Kind.JOINT, "620102")
    union_b1 = make_org("七里河区供电公司工会", county_b, Kind.SINGLE, "620103")
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    world = World(
        province=province,
        city=city,
        county_a=county_a,
        county_b=county_b,
        union_a1=union_a1,
        union_a2=union_a2,
        union_b1=union_b1,
        province_admin=make_staff("province_admin", province, Role.PROVINCE_ADMIN),
        city_admin=make_staff("city_admin", city, Role.CITY_ADMIN),
        county_admin=make_staff("county_admin", county_a, Role.COUNTY_ADMIN),
        sibling_admin=make_staff("sibling_admin", county_b, Role.COUNTY_ADMIN),
        grassroots_admin=make_staff("grassroots_admin", union_a1, Role.GRASSROOTS_ADMIN),
        viewer=make_staff("viewer", county_a, Role.VIEWER),
        superuser=superuser,
    )
    world.member_a1 = world.add_member(union_a1, "张三")
    world.member_a2 = world.add_member(union_a2, "李四", id_number=new_id_number(male=False))
    world.member_b1 = world.add_member(union_b1, "王五", id_number=new_id_number("620103"))
    for name in ("province", "city", "county_a", "county_b", "union_a1", "union_a2", "union_b1"):
        getattr(world, name).refresh_from_db()
    return world
