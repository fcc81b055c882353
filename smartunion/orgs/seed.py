"""The synthetic organization tree: the real federations, then unions spread by population.

省总工会 → the real 市州总工会 and 县区总工会 named from the regions table (GB/T 2260) →
乡镇/街道 and 园区 unions → 单独/联合基层工会 with the fields of 《工会组织基本信息采集表》:
union and employer 统一社会信用代码 with correct check characters, 单位类别, 国民经济行业分类,
建会日期, chair, 女职工委员会, term end dates (about one union in nine is overdue for election).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from stdnum.cn import uscc as stdnum_uscc

from smartunion.core.synthetic import data
from smartunion.core.synthetic.people import Names, Phones, Weighted, add_years
from smartunion.orgs.models import Kind, Status
from smartunion.orgs.names import normalize_name, numbered_name
from smartunion.regions.models import Level, Region

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(body8: str) -> str:
    """组织机构代码 (GB 11714): eight digits and their check character."""
    c = 11 - sum(int(ch) * w for ch, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True)) % 11
    return body8 + ("X" if c == 10 else "0" if c == 11 else str(c))


def make_uscc(prefix: str, region: str, rnd: random.Random, used: set[str]) -> str:
    """A 统一社会信用代码 with valid check characters, never handed out twice."""
    while True:
        first17 = prefix + region + org_code(f"{rnd.randrange(10**8):08d}")
        code = first17 + stdnum_uscc.calc_check_digit(first17)
        if code not in used:
            used.add(code)
            return code


@dataclass
class Area:
    """Where grassroots unions sit: a county-level division (or a city without counties)."""

    region: Region
    city: Region
    weight: float
    union: OrgSpec | None = None
    townships: list[OrgSpec] = field(default_factory=list)
    parks: list[OrgSpec] = field(default_factory=list)
    town_names: set[str] = field(default_factory=set)

    @property
    def short(self) -> str:
        return self.region.name


@dataclass
class OrgSpec:
    """One organization to write, and what the member generator needs to know of it."""

    name: str
    kind: str
    region: str
    parent: OrgSpec | None
    area: Area | None = None
    values: dict = field(default_factory=dict)
    weight: float = 0.0
    new_form_type: str = ""
    pk: int = 0
    path: str = ""
    members: int = 0

    @property
    def founded_on(self) -> dt.date:
        return self.values["founded_on"]


class OrgBuilder:
    def __init__(self, rnd: random.Random, province: str, today: dt.date):
        self.rnd = rnd
        self.province = province
        self.today = today
        self.names = Names(rnd)
        self.phones = Phones(rnd)
        self.used_uscc: set[str] = set()
        self.specs: list[OrgSpec] = []
        self.areas: list[Area] = []
        # The normalized names of each parent's children: siblings never share a name.
        self.sibling_names: dict[int, set[str]] = {}

    def _add(self, spec: OrgSpec) -> OrgSpec:
        """Append ``spec``, numbered (``名称（2）``) if a sibling already has its name."""
        taken = self.sibling_names.setdefault(id(spec.parent), set())
        spec.name = numbered_name(spec.name, taken)
        taken.add(normalize_name(spec.name))
        self.specs.append(spec)
        return spec

    # ---- regions -----------------------------------------------------------------------

    def _areas(self) -> tuple[Region, list[Region], list[Area]]:
        province = Region.objects.get(code=f"{self.province}0000")
        cities = list(Region.objects.filter(parent=province, level=Level.PREFECTURE))
        counties = list(Region.objects.filter(parent__in=cities, level=Level.COUNTY))
        by_city: dict[str, list[Region]] = {}
        for county in counties:
            by_city.setdefault(county.parent_id, []).append(county)
        capital = min(cities, key=lambda c: c.code).code if cities else ""
        areas = []
        for city in cities:
            for region in by_city.get(city.code) or [city]:
                weight = data.POPULATION.get(region.code, 20.0)
                if region.name.endswith(("区", "市")):
                    weight *= data.URBAN_FACTOR
                if city.code == capital:
                    weight *= data.CAPITAL_FACTOR
                areas.append(Area(region=region, city=city, weight=weight))
        return province, cities, areas

    # ---- field values ------------------------------------------------------------------

    def _date_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return dt.date.fromordinal(self.rnd.randint(first.toordinal(), last.toordinal()))

    def _common(self, region: str, founded: dt.date, *, union_uscc: bool) -> dict:
        rnd = self.rnd
        term_years = 5 if rnd.random() < 0.8 else 3
        # Years since the last election: past the term for about one union in nine (overdue).
        elapsed = rnd.uniform(0, term_years + 0.6)
        elected = max(founded, self.today - dt.timedelta(days=int(elapsed * 365.25)))
        phone = self.phones()
        return {
            "uscc": make_uscc("81", region, rnd, self.used_uscc) if union_uscc else "",
            "founded_on": founded,
            "chair_name": self.names(rnd.choice("12")),
            "chair_phone": phone,
            "women_committee": rnd.random() < 0.85,
            "term_ends_on": add_years(elected, term_years),
        }

    def _federation(self, name, kind, region, parent, founded_year) -> OrgSpec:
        founded = dt.date(founded_year, self.rnd.randint(1, 12), self.rnd.randint(1, 28))
        values = self._common(region, founded, union_uscc=True)
        values["women_committee"] = True
        values["unit_category"] = "500"
        values["industry"] = "S"
        return self._add(OrgSpec(name=name, kind=kind, region=region, parent=parent, values=values))

    def _address(self, area: Area) -> str:
        city = "" if area.city.code == area.region.code else area.city.name
        return f"{city}{area.region.name}{self.rnd.choice(data.ROADS)}{self.rnd.randint(1, 999)}号"

    def _town_name(self, area: Area) -> str:
        while True:
            name = "".join(self.rnd.sample(data.TOWN_CHARS, 2))
            if name not in area.town_names:
                area.town_names.add(name)
                return name

    # ---- the tree ----------------------------------------------------------------------

    def build(self, total: int) -> list[OrgSpec]:
        rnd = self.rnd
        province, cities, areas = self._areas()
        self.areas = areas
        root = self._federation(f"{province.name}总工会", Kind.PROVINCE, province.code, None, 1950)
        city_unions = {
            c.code: self._federation(f"{c.name}总工会", Kind.CITY, c.code, root, 1952)
            for c in cities
        }
        for area in areas:
            if area.region.code == area.city.code:
                area.union = city_unions[area.city.code]
            else:
                area.union = self._federation(
                    f"{area.region.name}总工会",
                    Kind.COUNTY,
                    area.region.code,
                    city_unions[area.city.code],
                    rnd.randint(1953, 1985),
                )
            # The local federation keeps members whose employer has no union (DOMAIN.md §3).
            area.union.area = area
            area.union.weight = 0.6
        rest = max(0, total - len(self.specs))
        industry_unions = []
        for suffix, industry in data.INDUSTRY_UNIONS[: min(8, rest // 100)]:
            spec = self._federation(
                f"{province.name}{suffix}", Kind.INDUSTRY, province.code, root, 1980
            )
            spec.values["industry"] = industry
            industry_unions.append(spec)
        rest = max(0, total - len(self.specs))
        n_townships = round(rest * 0.03)
        n_parks = round(rest * 0.008)
        pick_area = Weighted([(a, a.weight) for a in areas], rnd)
        urban = [a for a in areas if a.region.name.endswith(("区", "市"))] or areas
        pick_urban = Weighted([(a, a.weight) for a in urban], rnd)
        for _ in range(n_townships):
            area = pick_area()
            suffix = Weighted(data.TOWN_SUFFIXES, rnd)()
            town = self._town_name(area)
            spec = self._federation(
                f"{area.short}{town}{suffix}工会",
                Kind.TOWNSHIP,
                area.region.code,
                area.union,
                rnd.randint(1985, 2015),
            )
            spec.area, spec.weight = area, 0.4
            spec.values["address"] = self._address(area)
            area.townships.append(spec)
        for _ in range(n_parks):
            area = pick_urban()
            spec = self._federation(
                f"{area.short}{rnd.choice(data.PARK_SUFFIXES)}工会",
                Kind.PARK,
                area.region.code,
                area.union,
                rnd.randint(1995, 2018),
            )
            spec.area, spec.weight = area, 0.4
            spec.values["unit_category"] = "500"
            area.parks.append(spec)
        for _ in range(max(0, total - len(self.specs))):
            area = pick_area()
            parent = area.union
            r = rnd.random()
            if industry_unions and r < 0.02:
                parent = rnd.choice(industry_unions)
            elif area.townships and r < 0.30:
                parent = rnd.choice(area.townships)
            elif area.parks and r < 0.37:
                parent = rnd.choice(area.parks)
            self._grassroots(area, parent)
        return self.specs

    def _grassroots(self, area: Area, parent: OrgSpec) -> OrgSpec:
        rnd = self.rnd
        if parent.kind == Kind.TOWNSHIP or rnd.random() < 0.12:
            spec = self._joint(area, parent)
        else:
            spec = self._single(area, parent)
        spec.area = area
        if rnd.random() < 0.004:
            spec.values["status"] = Status.DISSOLVED
            spec.values["dissolved_on"] = self._date_between(
                spec.founded_on + dt.timedelta(days=365), self.today - dt.timedelta(days=1)
            )
            spec.weight = 0.0
        return self._add(spec)

    def _single(self, area: Area, parent: OrgSpec) -> OrgSpec:
        rnd = self.rnd
        category = Weighted(data.UNIT_CATEGORY_WEIGHTS, rnd)()
        county = area.short
        if category == "400":
            template, industry = rnd.choice(data.PUBLIC_INSTITUTIONS)
            employer = template.format(county=county, n=rnd.randint(1, 12))
            founded = self._date_between(dt.date(1955, 1, 1), dt.date(2012, 12, 31))
        elif category == "500":
            employer = f"{county}{rnd.choice(data.GOVERNMENT_BODIES)}"
            industry = "S"
            founded = self._date_between(dt.date(1955, 1, 1), dt.date(2010, 12, 31))
        elif category == "700":
            employer = rnd.choice(data.PRIVATE_NON_ENTERPRISE).format(
                brand=county + rnd.choice(data.BRANDS)
            )
            industry = rnd.choice("POQ")
            founded = self._date_between(dt.date(2005, 1, 1), self.today - dt.timedelta(days=60))
        else:
            industry = Weighted(data.INDUSTRY_WEIGHTS, rnd)()
            place = rnd.choice(
                (
                    area.city.name[:2],
                    area.city.name[:2],
                    county[:2],
                    data.PROVINCE_SHORT.get(self.province, ""),
                )
            )
            form = Weighted(data.LEGAL_FORMS, rnd)()
            employer = f"{place}{rnd.choice(data.BRANDS)}{rnd.choice(data.TRADES[industry])}{form}"
            if category in data.STATE_CATEGORIES:
                founded = self._date_between(dt.date(1955, 1, 1), dt.date(2015, 12, 31))
            else:
                founded = self._date_between(
                    dt.date(1995, 1, 1), self.today - dt.timedelta(days=60)
                )
        name = employer + ("机关工会" if category == "500" else "工会")
        values = self._common(area.region.code, founded, union_uscc=rnd.random() < 0.7)
        values.update(
            employer_name=employer,
            employer_uscc=make_uscc(
                data.EMPLOYER_USCC_PREFIX.get(category, "91"), area.region.code, rnd, self.used_uscc
            ),
            address=self._address(area),
            industry=industry,
            unit_category=category,
        )
        spec = OrgSpec(
            name=name, kind=Kind.SINGLE, region=area.region.code, parent=parent, values=values
        )
        # Union sizes are heavy-tailed: most have a few dozen members, a few have thousands.
        factor = 3.0 if category in ("110", "151", "161") else 0.7 if category == "500" else 1.0
        spec.weight = factor * math.exp(rnd.gauss(0, 1.1))
        return spec

    def _joint(self, area: Area, parent: OrgSpec) -> OrgSpec:
        rnd = self.rnd
        template, industry, new_form = rnd.choice(data.JOINT_UNION_NAMES)
        town = (
            parent.name[len(area.short) :].removesuffix("工会")
            if parent.kind == Kind.TOWNSHIP
            else ""
        )
        if "{town}" in template and not town:
            town = self._town_name(area)
        name = template.format(county=area.short, town=town)
        founded = self._date_between(dt.date(2008, 1, 1), self.today - dt.timedelta(days=60))
        values = self._common(area.region.code, founded, union_uscc=rnd.random() < 0.5)
        values.update(
            address=self._address(area),
            industry=industry,
            unit_category=rnd.choice(("170", "600", "159")),
        )
        spec = OrgSpec(
            name=name, kind=Kind.JOINT, region=area.region.code, parent=parent, values=values
        )
        spec.new_form_type = new_form
        spec.weight = 1.5 * math.exp(rnd.gauss(0, 0.8))
        return spec


def apportion(total: int, specs: list[OrgSpec]) -> None:
    """Share ``total`` members out over the unions in proportion to their weights."""
    weights = [s.weight for s in specs]
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    by_fraction = sorted(range(len(specs)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_fraction[:short]:
        counts[i] += 1
    for spec, n in zip(specs, counts, strict=True):
        spec.members = n


def employee_count(spec: OrgSpec, rnd: random.Random) -> int:
    """职工人数 of a grassroots union: its people over a 入会率 of 70–100 %."""
    if spec.kind not in (Kind.SINGLE, Kind.JOINT):
        return 0
    if spec.members == 0:
        return rnd.randint(3, 40)
    return math.ceil(spec.members / rnd.uniform(0.7, 1.0))
