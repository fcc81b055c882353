"""The honours part of `manage.py seed`: the register, selections, studios.

After the registry, the venues and hardship assistance, with the same ``--seed``:

- a model-worker honour for every member the registry marks 是否劳模 (全国 2%, 省部级 30%,
  地市级 the rest, granted over the last twenty years), a yearly health check and a Spring
  Festival visit of last winter each;
- each of the last three years, the province's 五一 honours at Gansu's 2019 scale (奖章 90,
  奖状 21, 工人先锋号 78) and 技术能手 (50), two honours revoked with reason and document;
- the 陇原工匠 selection of last year, named: 17 陇原工匠 and 16 提名 out of 40 nominees
  from the cities (the seven others not passed), with their honours; and this year's 五一
  selection, open: nominations in draft and in vetting;
- a studio at each venue of kind 创新工作室, led by a model worker, with funding, outcomes
  (patents with numbers) and trainings — the first, 贵金属冶炼, trained 172 people.

Nothing is generated when honours exist already. Dates come from ``core.seeding.DemoDays``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone

from smartunion.core import audit
from smartunion.core.seeding import DemoDays, SeedOptions, bulk_transaction
from smartunion.honours import services
from smartunion.honours.codes import (
    DEFAULT_LEVEL,
    DEFAULT_RATIOS,
    DEPARTMENTS,
    GRANTING_BODY,
    Category,
    Kind,
    Level,
    State,
)
from smartunion.honours.models import (
    Honour,
    Nomination,
    Quota,
    RatioRule,
    Selection,
    ServiceLog,
    Studio,
    StudioMember,
    StudioRecord,
)
from smartunion.members.models import CURRENT_STATUSES, Membership, Person
from smartunion.orgs.models import Organization
from smartunion.venues.models import Venue, VenueKind

BATCH = 2000
YEARS = 3
#: The province's yearly 五一 honours (Gansu 2019, SERVICES.md §6.7) and 技术能手.
YEARLY = {Kind.PROVINCIAL_MAY1_MEDAL: 90, Kind.TECHNICAL_EXPERT: 50}
YEARLY_UNITS = {Kind.MAY1_AWARD: 21, Kind.PIONEER: 78}
CRAFTSMEN, CRAFTSMAN_NOMINEES, CRAFTSMAN_LIST = 17, 16, 40
TEAMS = ["检修班", "运行一班", "装配车间", "质检组", "调度中心", "抢修队"]
#: Studios of a data set without venues of kind 创新工作室 (the province seed). Gansu's count is
#: not found; 全总's target of more than 100,000 at all levels nationally (SERVICES.md §6.8)
#: puts a province's at some hundreds to a few thousand.
STUDIOS = 600
TRADES = ["贵金属冶炼", "电网检修", "铁路信号", "石油钻井", "数控加工", "焊接", "化工仪表"]


def run_part(options: SeedOptions) -> list[str]:
    if Honour.objects.exists():
        return ["已有荣誉库记录，未生成劳模工匠演示数据。"]
    if not Organization.objects.exists():
        return []
    started = time.perf_counter()
    with bulk_transaction():
        report = Generator(options).run()
    return [
        f"已生成劳模工匠数据：荣誉 {report['honours']:,} 项（劳模 {report['models']:,} 名），"
        f"服务记录 {report['logs']:,} 条，评选 {report['selections']} 次（推荐对象 "
        f"{report['nominations']} 名），创新工作室 {report['studios']} 个（记录 "
        f"{report['records']:,} 条）；用时 {time.perf_counter() - started:.1f} 秒。"
    ]


class Generator:
    def __init__(self, options: SeedOptions):
        self.rnd = random.Random(options.seed * 7907 + 29)
        self.today = timezone.localdate()
        self.days = DemoDays(self.rnd, self.today, timezone.now())
        self.report: dict[str, int] = defaultdict(int)
        self.province = Organization.objects.filter(parent=None).order_by("pk").first()

    def run(self) -> dict:
        services.ensure_benefit_rules()
        models = self.model_workers()
        self.yearly()
        self.selections()
        self.studios(models)
        audit.record(None, "seed.honours", object_type="honours.honour", changes=dict(self.report))
        return self.report

    # ---- the register -----------------------------------------------------------------

    def _honour(self, person_id, org_id, name, kind, year, level=None, **extra) -> Honour:
        level = level or DEFAULT_LEVEL[kind]
        body = (
            GRANTING_BODY[level]
            if kind not in (Kind.NATIONAL_MODEL, Kind.PROVINCIAL_MODEL)
            else ("中共中央、国务院" if level == Level.NATIONAL else "甘肃省人民政府")
        )
        return Honour(
            person_id=person_id,
            org_id=org_id,
            holder_name=name[:200],
            kind=kind,
            level=level,
            year=year,
            granting_body=body,
            document_no=f"甘{'政' if 'model' in kind else '工'}发〔{year}〕{self.rnd.randrange(1, 90)}号",
            state=State.HELD,
            **extra,
        )

    def _write(self, rows: list[Honour]) -> list[Honour]:
        out = []
        for i in range(0, len(rows), BATCH):
            out += Honour.objects.bulk_create(rows[i : i + BATCH])
        self.report["honours"] += len(rows)
        return out

    def _members(self, limit: int, *, models: bool = False) -> list[tuple]:
        """Current members (person id, union, name): the model workers, or ``limit`` people
        spread over the registry (one indexed read from a random id each, no duplicates)."""
        rows = Membership.objects.filter(status__in=CURRENT_STATUSES).order_by("pk")
        fields = ("person_id", "person__org_id", "person__name", "org_id")
        if models:
            return list(rows.filter(person__is_model_worker=True).values_list(*fields)[:limit])
        bounds = rows.aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is None:
            return []
        found: dict[int, tuple] = {}
        for _ in range(limit * 2):
            if len(found) >= limit:
                break
            start = self.rnd.randint(bounds["low"], bounds["high"])
            row = rows.filter(pk__gte=start).values_list(*fields).first()
            if row is not None:
                found.setdefault(row[0], row)
        return list(found.values())

    def model_workers(self) -> list[Honour]:
        rows = []
        for person_id, org_id, name, _ in self._members(20000, models=True):
            roll = self.rnd.random()
            kind = (
                Kind.NATIONAL_MODEL
                if roll < 0.02
                else Kind.PROVINCIAL_MODEL
                if roll < 0.32
                else Kind.CITY_MODEL
            )
            year = self.today.year - self.rnd.randrange(1, 21)
            rows.append(self._honour(person_id, org_id, name, kind, year))
        made = self._write(rows)
        self.report["models"] = len(made)
        logs = []
        winter = dt.date(self.today.year - (1 if self.today.month < 12 else 0), 1, 20)
        for h in made:
            logs.append(
                ServiceLog(
                    org_id=h.org_id,
                    person_id=h.person_id,
                    kind="visit",
                    happened_on=min(winter, self.today),
                    amount=Decimal("500.00"),
                    note="春节慰问",
                    recorded_by_name="系统",
                )
            )
            logs.append(
                ServiceLog(
                    org_id=h.org_id,
                    person_id=h.person_id,
                    kind="health_check",
                    happened_on=self.days.after(winter, 60, 200),
                    note="年度健康体检",
                    recorded_by_name="系统",
                )
            )
        for i in range(0, len(logs), BATCH):
            ServiceLog.objects.bulk_create(logs[i : i + BATCH])
        self.report["logs"] = len(logs)
        return made

    def yearly(self) -> None:
        units = list(
            Organization.objects.filter(kind__in=("single", "joint"))
            .order_by("pk")
            .values_list("pk", "name")[:5000]
        )
        total = sum(YEARLY.values()) * YEARS
        people = self._members(total)
        self.rnd.shuffle(people)
        rows = []
        for age in range(1, YEARS + 1):
            year = self.today.year - age
            for kind, count in YEARLY.items():
                for person_id, org_id, name, _ in people[:count]:
                    rows.append(self._honour(person_id, org_id, name, kind, year))
                people = people[count:]
            for kind, count in YEARLY_UNITS.items():
                for pk, name in self.rnd.sample(units, min(count, len(units))):
                    team = self.rnd.choice(TEAMS) if kind == Kind.PIONEER else ""
                    rows.append(
                        Honour(
                            unit_id=pk,
                            org_id=pk,
                            team_name=team,
                            holder_name=f"{name} {team}".strip()[:200],
                            kind=kind,
                            level=Level.PROVINCIAL,
                            year=year,
                            granting_body="甘肃省总工会",
                            document_no=f"甘工发〔{year}〕{self.rnd.randrange(1, 90)}号",
                            state=State.HELD,
                        )
                    )
        for h in rows[:2]:  # two revoked, with reason and document (SERVICES.md §6.4)
            h.state = State.REVOKED
            h.revoked_reason = "受到刑事处罚"
            h.revoked_document = f"甘工发〔{self.today.year}〕3号"
            h.revoked_on = self.days.after(dt.date(self.today.year, 1, 1), 10, 60)
        self._write(rows)

    # ---- selections ---------------------------------------------------------------------

    def _selection(self, kind, year, title, due, cities, places, vote=None) -> Selection:
        selection = Selection.objects.create(
            org=self.province,
            title=title,
            kind=kind,
            year=year,
            document_no=f"甘工发〔{year}〕{self.rnd.randrange(1, 40)}号",
            nominations_due=due,
            departments=list(DEPARTMENTS),
            vote_starts_on=vote[0] if vote else None,
            vote_ends_on=vote[1] if vote else None,
            created_by_name="系统",
        )
        Quota.objects.bulk_create(
            [Quota(selection=selection, org=c, places=places) for c in cities]
        )
        RatioRule.objects.bulk_create(
            [RatioRule(selection=selection, category=c, min_percent=p) for c, p in DEFAULT_RATIOS]
        )
        self.report["selections"] += 1
        return selection

    def _nominate(self, selection, city, person, state, opened, **extra) -> Nomination:
        cats = [Category.INDUSTRIAL] if self.rnd.random() < 0.6 else [Category.FRONTLINE]
        if self.rnd.random() < 0.15:
            cats.append(Category.MIGRANT)
        case = Nomination(
            selection=selection,
            org=city,
            person_id=person[0],
            name=person[2],
            employer=f"{self.rnd.choice(TRADES)}岗位",
            categories=cats,
            state=state,
            state_since=self.days.at(opened),
            opened_on=opened,
            number=f"~seed{self.rnd.random()}",
            created_by_name="系统",
            **extra,
        )
        if state in ("vetting",):
            case.responsible_org = self.province
            case.due_on = self.days.after(opened, 14, 15)
        if state in ("named", "rejected"):
            case.closed_on = self.days.after(opened, 60, 90)
        case.save()
        case.number = f"PX{opened.year}{case.pk:07d}"
        Nomination.objects.filter(pk=case.pk).update(number=case.number)
        self.report["nominations"] += 1
        return case

    def selections(self) -> None:
        cities = list(Organization.objects.filter(parent=self.province).order_by("pk")[:14])
        if not cities or self.province is None:
            return
        people = self._members(CRAFTSMAN_LIST + 30)
        last = self.today.year - 1
        craft = self._selection(
            Kind.CRAFTSMAN,
            last,
            f"第六届“陇原工匠”评选（{last}年）",
            dt.date(last, 8, 31),
            cities,
            3,
            vote=(dt.date(last, 10, 1), dt.date(last, 10, 15)),
        )
        opened = dt.date(last, 8, 10)
        for i, person in enumerate(people[:CRAFTSMAN_LIST]):
            city = cities[i % len(cities)]
            if i < CRAFTSMEN + CRAFTSMAN_NOMINEES:
                kind = Kind.CRAFTSMAN if i < CRAFTSMEN else Kind.CRAFTSMAN_NOMINEE
                honour = self._write(
                    [
                        self._honour(
                            person[0],
                            person[1],
                            person[2],
                            kind,
                            last,
                            source=f"selection:{craft.pk}",
                        )
                    ]
                )[0]
                self._nominate(
                    craft,
                    city,
                    person,
                    "named",
                    opened,
                    honour=honour,
                    expert_score=Decimal(90 - i // 2),
                    votes=self.rnd.randrange(800, 5000),
                    vetted_by=list(DEPARTMENTS),
                )
            else:
                self._nominate(
                    craft,
                    city,
                    person,
                    "rejected",
                    opened,
                    expert_score=Decimal(70 - i // 4),
                    vetted_by=list(DEPARTMENTS),
                )
        year = self.today.year
        may1 = self._selection(
            Kind.PROVINCIAL_MAY1_MEDAL,
            year,
            f"{year}年甘肃五一劳动奖章评选",
            self.today + dt.timedelta(days=20),
            cities,
            4,
        )
        for i, person in enumerate(people[CRAFTSMAN_LIST:]):
            state = "vetting" if i % 3 else "draft"
            self._nominate(
                may1,
                cities[i % len(cities)],
                person,
                state,
                self.days.after(self.today - dt.timedelta(days=25), 0, 20),
            )

    # ---- studios ----------------------------------------------------------------------

    def studios(self, models: list[Honour]) -> None:
        """The studios: on the registry's venues of kind 创新工作室 where the data set has them
        (the demo's), else — the province seed has no venues — named after their leaders, in
        the leaders' unions (STUDIOS of them)."""
        leaders = [h for h in models if h.kind != Kind.CITY_MODEL] or models
        if not leaders:
            return
        venues = list(
            Venue.objects.filter(kind=VenueKind.STUDIO).select_related("org").order_by("pk")[:400]
        )
        if venues:
            places = [(venue.org, venue.name[:100], venue) for venue in venues]
        else:
            chosen = list({h.person_id: h for h in reversed(leaders)}.values())[:STUDIOS]
            leaders = chosen  # one studio a leader
            orgs = Organization.objects.in_bulk({h.org_id for h in chosen})
            places = [(orgs[h.org_id], f"{h.holder_name}劳模创新工作室", None) for h in chosen]
        records, members = [], []
        for i, (org, name, venue) in enumerate(places):
            leader = leaders[i % len(leaders)]
            topic = "贵金属冶炼" if i == 0 else self.rnd.choice(TRADES)
            year = self.today.year - self.rnd.randrange(1, 8)
            studio = Studio.objects.create(
                org_id=org.pk,
                name=name,
                venue=venue,
                field=topic,
                tier=["provincial_demo", "provincial", "city", "enterprise"][i % 4]
                if i
                else "national_demo",
                named_year=year,
                document_no=f"甘工发〔{year}〕{self.rnd.randrange(1, 60)}号",
                leader_id=leader.person_id,
                leader_honour=leader,
                checked_year=self.today.year - 1,
            )
            self.report["studios"] += 1
            start = dt.date(year, 3, 1)
            members.append(
                StudioMember(
                    studio=studio, person_id=leader.person_id, role="领衔人", joined_on=start
                )
            )
            crew = (
                Person.objects.filter(org__path__startswith=org.path)
                .exclude(pk=leader.person_id)
                .values_list("pk", flat=True)[: self.rnd.randrange(3, 7)]
            )
            members.extend(
                StudioMember(
                    studio=studio,
                    person_id=pk,
                    role=self.rnd.choice(["技术骨干", "工艺改进", "师带徒导师", "成员"]),
                    joined_on=self.days.after(start, 0, 300),
                )
                for pk in crew
            )
            records.append(
                StudioRecord(
                    studio=studio,
                    type="funding",
                    happened_on=self.days.after(start, 10, 60),
                    title="命名补助经费",
                    amount=Decimal("50000.00" if i else "100000.00"),
                    recorded_by_name="系统",
                )
            )
            for n in range(self.rnd.randrange(1, 5)):
                kind = self.rnd.choice(
                    ["invention", "utility", "innovation", "process", "standard"]
                )
                patent = (
                    f"ZL{year}{self.rnd.randrange(10**7, 10**8)}.{self.rnd.randrange(10)}"
                    if kind in ("invention", "utility")
                    else ""
                )
                records.append(
                    StudioRecord(
                        studio=studio,
                        type="outcome",
                        happened_on=self.days.after(start, 60, 900),
                        title=f"{topic}{['工艺', '装置', '方法', '规程'][n % 4]}改进",
                        outcome_kind=kind,
                        patent_no=patent,
                        amount=Decimal(self.rnd.randrange(50, 3000) * 1000),
                        recorded_by_name="系统",
                    )
                )
            trainings = (
                [(120, 14), (52, 7)]
                if i == 0
                else [(self.rnd.randrange(10, 60), self.rnd.randrange(0, 6))]
            )
            for trained, promoted in trainings:
                records.append(
                    StudioRecord(
                        studio=studio,
                        type="training",
                        happened_on=self.days.after(start, 30, 700),
                        title="师带徒培训",
                        trained=trained,
                        promoted=promoted,
                        recorded_by_name="系统",
                    )
                )
            records.append(
                StudioRecord(
                    studio=studio,
                    type="recheck",
                    happened_on=dt.date(self.today.year - 1, 12, 10),
                    title=f"{self.today.year - 1}年度复核",
                    passed=True,
                    recorded_by_name="系统",
                )
            )
        StudioRecord.objects.bulk_create(records, batch_size=BATCH)
        StudioMember.objects.bulk_create(members, batch_size=BATCH)
        self.report["records"] = len(records)
