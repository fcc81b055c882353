"""The venues' part of `manage.py seed`: ~1,343 Gansu-shaped sites of every kind in the real
cities and counties (demo data; `seed_venues --demo` runs it alone)."""

from __future__ import annotations

import datetime as dt
import math
import random

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from smartunion.core import audit
from smartunion.core.idnumber import mask_phone
from smartunion.core.seeding import SeedOptions
from smartunion.orgs.models import Kind, Organization, Status
from smartunion.regions.models import Region
from smartunion.venues import coords
from smartunion.venues.models import SIX_HAS_FIELDS, Facility, Venue, VenueKind
from smartunion.venues.seats import county_seats

# 2020 census population of Gansu's prefectures (万人), to spread the stations.
POPULATION = {
    "620100": 436,
    "620200": 31,
    "620300": 44,
    "620400": 151,
    "620500": 298,
    "620600": 146,
    "620700": 113,
    "620800": 185,
    "620900": 106,
    "621000": 218,
    "621100": 252,
    "621200": 240,
    "622900": 211,
    "623000": 69,
}
AREA_CODES = {
    "620100": "0931",
    "620200": "0937",
    "620300": "0935",
    "620400": "0943",
    "620500": "0938",
    "620600": "0935",
    "620700": "0936",
    "620800": "0933",
    "620900": "0937",
    "621000": "0934",
    "621100": "0932",
    "621200": "0939",
    "622900": "0930",
    "623000": "0941",
}
TOTAL = 1343
LANZHOU_STATIONS = 292
OTHER_KINDS = {
    VenueKind.SERVICE_CENTER: 71,
    VenueKind.AID_CENTER: 30,
    VenueKind.CULTURAL_PALACE: 22,
    VenueKind.CULTURE_PARK: 18,
    VenueKind.SANATORIUM: 10,
    VenueKind.BOOKHOUSE: 60,
    VenueKind.STUDIO: 40,
}
HOSTS = [
    "中国石化{c}加油站",
    "中国邮政{c}营业所",
    "中国移动{c}营业厅",
    "{c}环卫所",
    "{c}供电所",
    "{c}人民路",
    "{c}解放路",
    "{c}建设路",
    "{c}火车站",
    "{c}汽车站",
    "{c}中心广场",
    "{c}体育馆",
    "{c}人民医院",
    "{c}工业园区",
    "{c}物流园",
    "{c}农贸市场",
    "{c}滨河路",
    "{c}东关",
    "{c}西关",
    "{c}南关",
    "{c}北关",
    "{c}高铁站",
    "{c}步行街",
    "{c}社区服务中心",
    "农业银行{c}支行",
    "工商银行{c}支行",
    "{c}城市公园",
    "{c}客运中心",
    "{c}交警大队",
    "{c}快递分拣中心",
]
STATION_SUFFIX = ["户外劳动者服务站点", "暖心驿站", "爱心驿站", "职工驿站", "工会驿站"]
NAMED = {
    VenueKind.SERVICE_CENTER: "{c}职工服务中心",
    VenueKind.AID_CENTER: "{c}困难职工帮扶中心",
    VenueKind.CULTURAL_PALACE: "{c}工人文化宫",
    VenueKind.CULTURE_PARK: "{c}劳动文化公园",
    VenueKind.SANATORIUM: "{c}职工疗休养基地",
    VenueKind.BOOKHOUSE: "{c}{h}职工书屋",
    VenueKind.STUDIO: "{c}{h}劳模和工匠人才创新工作室",
}
ROADS = [
    "人民路",
    "解放路",
    "建设路",
    "民主路",
    "和平路",
    "新华路",
    "团结路",
    "滨河路",
    "东环路",
    "西环路",
    "南大街",
    "北大街",
    "中山路",
    "文化路",
    "健康路",
    "长征路",
]
STUDIO_HOSTS = ["电力", "铁路", "石化", "有色", "机械", "建工", "水务", "燃气", "通信", "医药"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "建国 志强 秀英 桂兰 海燕 文军 晓东 丽华 永红 立新 春梅 国庆 玉兰 宏伟 小军 雪梅 德明 淑珍 鹏 静".split()
COMMON = [Facility.WATER, Facility.REST, Facility.TOILET, Facility.CHARGING]
EXTRA = [
    Facility.MEAL_HEATING,
    Facility.FIRST_AID,
    Facility.WIFI,
    Facility.BOOKS,
    Facility.COOLING_HEATING,
    Facility.RAIN_SHELTER,
]


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - out[k], reverse=True)[: total - sum(out.values())]:
        out[k] += 1
    return out


VENUE_SEED = 62


def run_part(options: SeedOptions) -> list[str]:
    """The "venues" seed part (demo data only, once)."""
    if not options.demo:
        return []
    return [seed_venues()]


def seed_venues(total: int = TOTAL, seed: int = VENUE_SEED) -> str:
    """Create the demo venues unless venues exist; returns the line to print."""
    return VenueSeeder().run(total, seed)


class VenueSeeder:
    def run(self, total: int, seed: int) -> str:
        if Venue.objects.exists():
            return "已有阵地数据，未生成演示阵地。"
        province = settings.SMARTUNION_PROVINCE
        seats = county_seats(province)
        if not seats:
            raise CommandError(f"no county seat positions for province {province}")
        owners = self.owners(province)
        if not owners:
            raise CommandError(
                "没有可作为阵地所属工会的县区总工会（或市州总工会）：请先创建组织树，"
                "例如运行 `manage.py seed --demo`，再运行 seed_venues --demo。"
            )
        rnd = random.Random(seed)
        venues = self.build(rnd, province, seats, owners, total)
        with transaction.atomic():
            Venue.objects.bulk_create(venues, batch_size=500)
            audit.record(
                None,
                "venue.seed",
                object_type="venues.venue",
                changes={"created": len(venues), "demo": True},
            )
        by_kind: dict[str, int] = {}
        for v in venues:
            by_kind[v.kind] = by_kind.get(v.kind, 0) + 1
        summary = "，".join(f"{VenueKind(k).label} {n}" for k, n in sorted(by_kind.items()))
        return f"已生成演示阵地 {len(venues)} 处：{summary}"

    def owners(self, province: str) -> dict[str, Organization]:
        """The union owning a county's venues: its 县区总工会, else its 市州总工会."""
        orgs = Organization.objects.filter(
            status=Status.NORMAL,
            region__code__startswith=province,
            kind__in=[Kind.COUNTY, Kind.CITY],
        ).order_by("depth", "id")
        by_region: dict[str, Organization] = {}
        for org in orgs:
            by_region.setdefault(org.region_id, org)
        self.city_unions = {code: org for code, org in by_region.items() if org.kind == Kind.CITY}
        out = {}
        for region in Region.objects.filter(code__startswith=province, level__in=[2, 3]):
            owner = by_region.get(region.code) or by_region.get(region.code[:4] + "00")
            if owner is not None and (region.level == 3 or not region.children.exists()):
                out[region.code] = owner
        return out

    def build(self, rnd, province, seats, owners, total) -> list[Venue]:
        counties = [c for c in owners if c in seats]
        names = {c: seats[c][0] for c in counties}
        cities = sorted({c[:4] + "00" for c in counties})
        today = dt.date.today()
        venues: list[Venue] = []

        used: dict[str, int] = {}

        def add(kind, county, name, spread_km, address="", owner=None):
            _, lng0, lat0 = seats[county]
            lng, lat = self.jitter(rnd, lng0, lat0, spread_km)
            v = self.venue(rnd, kind, county, name, lng, lat, owner or owners[county], today)
            v.address = address or (
                f"{names.get(county, '')}{rnd.choice(ROADS)}{rnd.randint(1, 399)}号"
            )
            venues.append(v)

        # Centres and palaces: one in each city (placed in its first district, named after the
        # city), then in the counties of the most populous cities.
        slots = []
        city_slots = set()
        for city in cities:
            members = sorted(c for c in counties if c[:4] + "00" == city)
            city_name = seats[city][0] if city in seats else names[members[0]]
            slots.append((members[0], city_name))
            city_slots.add((members[0], city_name))
        slots += sorted(
            ((c, names[c]) for c in counties if (c, names[c]) not in slots and c not in cities),
            key=lambda s: (-POPULATION.get(s[0][:4] + "00", 0), s[0]),
        )
        for kind, n in OTHER_KINDS.items():
            if total < TOTAL:  # a smaller demo keeps the same mix
                n = max(1, round(n * total / TOTAL))
            n = min(n, max(0, total - len(venues)))
            for i in range(n):
                county, place = slots[i % len(slots)]
                host = rnd.choice(STUDIO_HOSTS) if kind == VenueKind.STUDIO else ""
                if i >= len(slots) and not host:
                    host = f"第{i // len(slots) + 1}"
                # A city's own centre belongs to the 市州总工会 where there is one.
                city_union = self.city_unions.get(county[:4] + "00")
                owner = city_union if (county, place) in city_slots else None
                add(kind, county, NAMED[kind].format(c=place, h=host), 1.5, owner=owner)
        stations = max(0, total - len(venues))
        lanzhou = [c for c in counties if c.startswith(province + "01")]
        per_city = apportion(
            stations - (LANZHOU_STATIONS if lanzhou else 0),
            {c: POPULATION.get(c, 50) for c in cities if not c.startswith(province + "01")},
        )
        if lanzhou:
            per_city[province + "0100"] = min(LANZHOU_STATIONS, stations)
        for city, n in per_city.items():
            members = [c for c in counties if c[:4] + "00" == city] or (
                [city] if city in counties else []
            )
            if not members:
                continue
            weights = {c: (3.0 if names.get(c, "").endswith("区") else 1.0) for c in members}
            for county, k in apportion(n, weights).items():
                urban = names.get(county, "").endswith("区")
                for _ in range(k):
                    host = rnd.choice(HOSTS).format(c=names[county])
                    used[host] = used.get(host, 0) + 1
                    number = f"{used[host]}号" if used[host] > 1 else ""
                    side = rnd.choice(["旁", "东侧", "西侧", "南侧", "北侧", "对面", "院内"])
                    add(
                        VenueKind.STATION,
                        county,
                        host + number + rnd.choice(STATION_SUFFIX),
                        3 if urban else 7,
                        address=f"{host}{side}",
                    )
        return venues

    @staticmethod
    def jitter(rnd, lng, lat, spread_km):
        box = coords.province_bbox()
        for _ in range(20):
            d_lat = rnd.gauss(0, spread_km) / 111.2
            d_lng = rnd.gauss(0, spread_km) / (111.2 * math.cos(math.radians(lat)))
            x, y = lng + d_lng, lat + d_lat
            if box is None or box.contains(x, y):
                return round(x, 6), round(y, 6)
        return lng, lat

    def venue(self, rnd, kind, county, name, lng, lat, org, today) -> Venue:
        station = kind == VenueKind.STATION
        facilities = [f for f in COMMON if rnd.random() < 0.92] + [
            f for f in EXTRA if rnd.random() < 0.55
        ]
        roll = rnd.random()
        open_24h = station and roll < 0.15
        if roll < 0.65:
            hours = ["08:00-20:00"] * 7
        elif roll < 0.85:
            hours = ["09:00-18:00"] * 5 + ["10:00-16:00"] * 2
        else:
            hours = ["08:30-12:00,14:30-18:00"] * 5 + ["", ""]
        year = rnd.choices(
            range(2016, today.year + 1),
            weights=[1, 2, 3, 4, 5, 6, 8, 12, 8, 6, 3][: today.year - 2015],
        )[0]
        built = dt.date(year, rnd.randint(1, 12), rnd.randint(1, 28))
        built = min(built, today)
        six = {f: rnd.random() < 0.93 for f in SIX_HAS_FIELDS}
        phone = f"1{rnd.choice('3589')}{rnd.randint(0, 999_999_999):09d}"
        area = AREA_CODES.get(county[:4] + "00", "0931")
        service = rnd.choice([f"{area}{rnd.randint(2_000_000, 8_999_999)}", "12351", ""])
        v = Venue(
            kind=kind,
            name=name[:100],
            org=org,
            region_id=county,
            address="",
            lng=lng,
            lat=lat,
            facilities=[f.value for f in Facility if f in facilities],
            hours=hours,
            open_24h=open_24h,
            unattended=station and rnd.random() < 0.08,
            manager_name=rnd.choice(SURNAMES) + rnd.choice(GIVEN),
            manager_phone=phone,
            manager_phone_masked=mask_phone(phone),
            service_phone=service,
            built_on=built,
            stars=rnd.choices(range(6), weights=[3, 1, 2, 3, 2, 1])[0],
            on_amap=rnd.random() < 0.88,
            on_baidu=rnd.random() < 0.82,
            status="closed" if rnd.random() < 0.02 else "open",
            **six,
        )
        v.six_complete = all(six.values())
        if v.status == "closed":
            v.closed_on = today
            v.close_reason = "场地调整（演示数据）"
        return v
