"""Contests in the seed (the demo and the province data set): three years of the plan at the
seed's scale, with entries of registry members.

At province scale (49,000 unions) a year has 24 省级引领性, 31 一类 and 180 二类 contests and
about 630 city and enterprise ones (SERVICES.md §5.1); the figures shrink with the number of
unions for the demo. This year's contests are at every step of the plan (申报 … 结果已发布);
those of the two years before are all published. Entries: this year about one current member
in ten is in the preliminaries and 7.4 % of them reach the finals (the seed's 53万 / 3.9万);
the years before have a smaller sample (as many entrants as this year's finalists). Entrants carry their part scores, totals and ranks
(computed by ``ranking``); the judges' score lines and the timeline of each entry are left out
(hundreds of thousands of rows for nothing a page needs); the contests have their timeline.
Thirty of this year's published provincial contests have run their award rules: honour candidates and
promotions.
Entries are written by one prepared INSERT per 5,000 rows (``insert_rows``): ``bulk_create``
compiles each row's SQL, a third of a millisecond a row at 250,000 rows.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal
from functools import partial
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F, Max, Min
from django.utils import timezone

from smartunion.casework.models import CaseEvent
from smartunion.contests import ranking, services
from smartunion.contests.codes import PROVINCIAL_TIERS, Round, SkillLevel, Tier
from smartunion.contests.models import (
    AwardRule,
    Contest,
    ContestOrganiser,
    ContestTrade,
    Entry,
    Team,
    TeamMember,
)
from smartunion.core import audit
from smartunion.core.seeding import DemoDays, SeedOptions, bulk_transaction
from smartunion.members.models import CURRENT_STATUSES, Membership
from smartunion.orgs.models import Kind, Organization, Status
from smartunion.stats import kept

BATCH = 5000
YEARS = 3
PROVINCE_ORGS = 49000
PER_YEAR = {
    Tier.LEADING: 24,
    Tier.CLASS1: 31,
    Tier.CLASS2: 180,
    Tier.CITY: 430,
    Tier.ENTERPRISE: 200,
}
PRELIMINARY_RATE = 0.10  # current members in this year's preliminaries
FINAL_RATE = 0.074  # of the preliminaries: 3.9万 / 53万
AWARDED = 30  # published contests whose award rules the seed runs (each proposal is audited)
TRADES = [
    ("电工", "6-31-01-03"),
    ("焊工", "6-18-02-04"),
    ("钳工", "6-18-01-02"),
    ("车工", "6-18-01-01"),
    ("汽车维修工", "4-12-01-01"),
    ("数控车工", "6-18-01-07"),
    ("电力电缆安装运维工", "6-31-01-09"),
    ("变电设备检修工", "6-28-01-08"),
    ("化学检验员", "4-08-05-04"),
    ("中式烹调师", "4-03-02-01"),
    ("养老护理员", "4-10-01-05"),
    ("快递员", "4-02-07-02"),
    ("砌筑工", "6-29-01-01"),
    ("钢筋工", "6-29-01-03"),
    ("茶艺师", "4-03-02-07"),
    ("育婴员", "4-10-01-03"),
    ("网络与信息安全管理员", "4-04-04-02"),
    ("有色金属冶炼工", "6-16-01-00"),
    ("农产品食品检验员", "4-08-05-05"),
    ("工业机器人系统运维员", "6-31-07-01"),
]
INDUSTRIES = [
    "电力",
    "石化",
    "有色冶金",
    "交通运输",
    "建筑",
    "能源",
    "农业",
    "文旅",
    "邮政快递",
    "卫生健康",
]
#: States of this year's contests, by weight.
THIS_YEAR = [
    ("published", 4),
    ("publicity", 1),
    ("final", 2),
    ("preliminary", 3),
    ("entries", 2),
    ("planned", 2),
    ("proposed", 1),
]


def run_part(options: SeedOptions) -> list[str]:
    if Contest.objects.exists():
        return ["已有劳动和技能竞赛，未生成竞赛演示数据。"]
    if not Organization.objects.exists():
        return []
    started = time.perf_counter()
    with bulk_transaction():
        report = Generator(options).run()
        # The statistics' summaries of their figures (stats.kept).
        kept.seeded(Contest)
        kept.seeded(Entry)
    return [
        f"已生成劳动和技能竞赛：{report['contests']:,} 项（{YEARS} 个年度），"
        f"初赛选手 {report['preliminary']:,} 人次，决赛选手 {report['final']:,} 人次，"
        f"荣誉候选 {report['honours']:,} 项、技能晋升 {report['promotions']:,} 人，"
        f"参赛队 {report['teams']:,} 个；"
        f"用时 {time.perf_counter() - started:.1f} 秒。"
    ]


def insert_rows(model, rows, batch: int = BATCH) -> None:
    """``bulk_create`` without its per-row SQL compilation (a third of a millisecond a row):
    ``COPY … FROM STDIN`` on PostgreSQL, one prepared INSERT run by ``executemany`` per batch
    elsewhere. ``rows`` carry every column's attribute (model instances or plain objects);
    no ids come back."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    now = timezone.now()
    for obj in rows:
        for name in stamped:
            if getattr(obj, name, None) is None:
                setattr(obj, name, now)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    names = [f.attname for f in fields]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for obj in rows:
                    copy.write_row([getattr(obj, name) for name in names])
        return
    # Dates, times and decimals go through the backend's adapter (memoised: the values
    # repeat); integers, text and booleans go as they are.
    adapted = ("DateTimeField", "DateField", "DecimalField", "JSONField")
    preps = []
    for f in fields:
        if f.get_internal_type() in adapted:
            memo: dict = {}

            def prep(value, f=f, memo=memo):
                if value not in memo:
                    memo[value] = f.get_db_prep_save(value, connection)
                return memo[value]

            preps.append((f.attname, prep))
        else:
            preps.append((f.attname, None))
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table), columns, ", ".join(["%s"] * len(fields))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(
                sql,
                [
                    [p(getattr(obj, name)) if p else getattr(obj, name) for name, p in preps]
                    for obj in rows[start : start + batch]
                ],
            )


def _pick(rnd, weighted):
    return rnd.choice([v for v, w in weighted for _ in range(w)])


def _score(rnd) -> Decimal:
    return Decimal(rnd.randrange(5000, 10000)) / 100


class Generator:
    def __init__(self, options: SeedOptions):
        self.options = options
        self.rnd = random.Random(options.seed * 6151 + 16)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.days = DemoDays(self.rnd, self.today, self.now)
        self.report: dict[str, int] = defaultdict(int)
        self.noons: dict[dt.date, dt.datetime] = {}
        self.defaults: dict | None = None

    def run(self) -> dict:
        unions = list(
            Organization.objects.filter(
                kind__in=(Kind.PROVINCE, Kind.CITY, Kind.INDUSTRY), status=Status.NORMAL
            ).only("id", "path", "kind", "name", "parent_id")
        )
        province = next((o for o in unions if o.parent_id is None), None)
        if province is None:
            return self.report
        cities = [o for o in unions if o.kind == Kind.CITY] or [province]
        industries = [o for o in unions if o.kind == Kind.INDUSTRY] or cities
        self.city_paths = {o.path: o.pk for o in cities}
        scale = min(1.0, Organization.objects.count() / PROVINCE_ORGS)
        contests = self.contests(province, cities, industries, scale)
        self.entries(contests)
        audit.record(
            None, "seed.contests", object_type="contests.contest", changes=dict(self.report)
        )
        return self.report

    # ---- contests ------------------------------------------------------------------------------

    def contests(self, province, cities, industries, scale) -> list[Contest]:
        rows, trades = [], []
        this_year = self.today.year
        for year in range(this_year - YEARS + 1, this_year + 1):
            for tier, count in PER_YEAR.items():
                for i in range(max(1, round(count * scale))):
                    if tier in PROVINCIAL_TIERS:
                        org = province if tier != Tier.CLASS2 else self.rnd.choice(industries)
                    else:
                        org = self.rnd.choice(cities)
                    industry = self.rnd.choice(INDUSTRIES)
                    picked = self.rnd.sample(TRADES, self.rnd.choice((1, 1, 2, 3)))
                    kind = "skills" if tier != Tier.LEADING else "labour"
                    if tier == Tier.ENTERPRISE and i % 5 == 0:
                        kind = "innovation"
                    state = "published" if year < this_year else _pick(self.rnd, THIS_YEAR)
                    starts = dt.date(year, self.rnd.randrange(3, 7), self.rnd.randrange(1, 28))
                    opened = dt.date(year, 1, 1) + dt.timedelta(days=self.rnd.randrange(0, 50))
                    contest = Contest(
                        number=f"JS{year}S{len(rows) + 1:06d}",
                        org=org,
                        host=self.rnd.choice(cities) if tier in PROVINCIAL_TIERS else None,
                        state=state,
                        state_since=self.days.at(min(self.today, starts)),
                        opened_on=min(opened, self.today),
                        closed_on=self.today if state == "published" else None,
                        created_by_name="演示数据",
                        name=f"{year}年{org.name.replace('总工会', '')}{industry}"
                        f"{'劳动竞赛' if kind == 'labour' else '职工职业技能竞赛'}"[:128],
                        year=year,
                        tier=tier,
                        kind=kind,
                        starts_on=starts,
                        ends_on=starts + dt.timedelta(days=self.rnd.randrange(60, 150)),
                        budget=Decimal(self.rnd.randrange(5, 200) * 10000),
                        rules_doc=f"甘工发〔{year}〕{self.rnd.randrange(1, 90)}号",
                    )
                    rows.append(contest)
                    trades.append(picked)
        Contest.objects.bulk_create(rows, batch_size=BATCH)
        trade_rows, organisers, rules, events = [], [], [], []
        kind = ContentType.objects.get_for_model(Contest)
        for contest, picked in zip(rows, trades, strict=True):
            contest.trade_list = []
            for name, code in picked:
                t = ContestTrade(
                    contest=contest, name=name, occupation_code=code, level=SkillLevel.L3
                )
                contest.trade_list.append(t)
                trade_rows.append(t)
            organisers.append(
                ContestOrganiser(
                    contest=contest, role="host", org=contest.org, name=contest.org.name
                )
            )
            if contest.host_id:
                organisers.append(
                    ContestOrganiser(
                        contest=contest, role="undertaker", org=contest.host, name=contest.host.name
                    )
                )
            rules += services.default_award_rules(contest)
            event = partial(
                CaseEvent, content_type=kind, object_id=contest.pk, actor_name="演示数据"
            )
            events.append(
                event(
                    action="open",
                    label="新建",
                    to_state="proposed",
                    at=self.days.at(contest.opened_on),
                )
            )
            if contest.state != "proposed":
                events.append(
                    event(
                        action="seed",
                        label="办理（演示数据）",
                        from_state="proposed",
                        to_state=contest.state,
                        at=max(contest.state_since, events[-1].at),
                    )
                )
        ContestTrade.objects.bulk_create(trade_rows, batch_size=BATCH)
        ContestOrganiser.objects.bulk_create(organisers, batch_size=BATCH)
        AwardRule.objects.bulk_create(rules, batch_size=BATCH)
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        self.report["contests"] = len(rows)
        return rows

    # ---- entries -------------------------------------------------------------------------------

    def members(self, wanted: int) -> list[tuple[int, int, str]]:
        """A deterministic sample of current memberships: (person, union, union path)."""
        bounds = Membership.objects.aggregate(low=Min("id"), high=Max("id"))
        if bounds["low"] is None or wanted <= 0:
            return []
        # Every step-th membership from a random offset: one scan, no list of ids to send.
        span = bounds["high"] - bounds["low"] + 1
        step = max(1, int(span / (wanted * 1.4)))
        rows = list(
            Membership.objects.annotate(slot=F("id") % step)
            .filter(slot=self.rnd.randrange(step), status__in=CURRENT_STATUSES)
            .values_list("person_id", "org_id", "org__path")
        )
        self.rnd.shuffle(rows)
        return rows[:wanted]

    def _city(self, path: str) -> int | None:
        for end in range(len(path), 0, -1):
            city = self.city_paths.get(path[:end])
            if city is not None:
                return city
        return None

    def entries(self, contests: list[Contest]) -> None:
        current = Membership.objects.filter(status__in=CURRENT_STATUSES).count()
        this_year = self.today.year
        running = [c for c in contests if c.state not in ("proposed", "planned")]
        this = [c for c in running if c.year == this_year]
        before = [c for c in running if c.year < this_year]
        prelim = int(current * PRELIMINARY_RATE)
        earlier = int(prelim * FINAL_RATE) * (YEARS - 1)
        people = self.members(prelim + earlier)
        rows: list[Entry] = []
        sequence = [0]

        def spread(group, share):
            trades = [t for c in group for t in c.trade_list]
            for i, person in enumerate(share):
                if trades:
                    rows.append(self._entry(trades[i % len(trades)], person, sequence))

        spread(this, people[:prelim])
        spread(before, people[prelim:])
        self._score_and_rank(rows)
        insert_rows(Entry, rows)
        competed = ("accepted", "finalist", "eliminated", "publicity", "published")
        self.report["preliminary"] = sum(1 for e in rows if e.state in competed)
        self.report["final"] = sum(1 for e in rows if e.round == Round.FINAL)
        # Award rules run for this year's published provincial contests (the others' are
        # left out: thousands of honour proposals, each audited, for pages nobody opens).
        published = [c for c in this if c.state == "published" and c.tier in PROVINCIAL_TIERS]
        self.awards(published[:AWARDED])
        self.teams([c for c in this if c.state == "published"])

    def _entry(self, trade: ContestTrade, person, sequence) -> Entry:
        person_id, org_id, path = person
        contest = trade.contest
        sequence[0] += 1
        on = min(self.today, contest.starts_on - dt.timedelta(days=self.rnd.randrange(5, 40)))
        return self.row(
            number=f"BM{contest.year}S{sequence[0]:07d}",
            org_id=org_id,
            state="entered",
            state_since=self.noon(on),
            opened_on=on,
            created_by_name="演示数据",
            contest=contest,
            contest_id=contest.pk,
            trade=trade,
            trade_id=trade.pk,
            person_id=person_id,
            city_id=self._city(path),
            skill_level=self.rnd.choice(
                (SkillLevel.L4, SkillLevel.L3, SkillLevel.L3, SkillLevel.L2)
            ),
        )

    def row(self, **values) -> SimpleNamespace:
        """An entry as plain attributes (a model instance costs 0.2 ms to build): the model's
        defaults, then ``values``; ``contest`` and ``trade`` ride along for the ranking."""
        if self.defaults is None:
            self.defaults = {
                f.attname: f.get_default() for f in Entry._meta.concrete_fields if not f.primary_key
            }
            self.defaults.update(created_at=self.now, updated_at=self.now)
        return SimpleNamespace(**{**self.defaults, **values})

    def noon(self, day: dt.date) -> dt.datetime:
        if day not in self.noons:
            self.noons[day] = min(
                self.now, timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
            )
        return self.noons[day]

    def _score_and_rank(self, rows: list[Entry]) -> None:
        """States, scores and ranks as the contest's step has them."""
        groups: dict[tuple, list[Entry]] = defaultdict(list)
        for e in rows:
            groups[(e.trade.pk if e.trade.pk else id(e.trade), e.city_id)].append(e)
        for members in groups.values():
            contest = members[0].contest
            step = contest.state
            if step == "entries":
                for e in members:
                    e.state = self.rnd.choice(("entered", "unit_ok", "host_ok", "accepted"))
                continue
            for e in members:
                e.state = "accepted"
                self._parts(e, contest)
            ranks = ranking.rank(
                (ranking.Row(i, e.total, e.practice, e.theory) for i, e in enumerate(members)),
                contest.tie_rule,
            )
            for i, e in enumerate(members):
                e.rank = ranks.get(i)
            if step == "preliminary":
                continue
            # The best of each city's preliminary reach the final.
            cut = max(1, round(len(members) * FINAL_RATE))
            for e in members:
                e.preliminary_total, e.preliminary_rank = e.total, e.rank
                if e.rank is not None and e.rank <= cut:
                    e.round, e.state = Round.FINAL, "finalist"
                else:
                    e.state, e.closed_on = "eliminated", self.today
        finals: dict[int, list[Entry]] = defaultdict(list)
        for e in rows:
            if e.round == Round.FINAL:
                self._parts(e, e.contest)
                finals[id(e.trade)].append(e)
        for members in finals.values():
            contest = members[0].contest
            ranks = ranking.rank(
                (ranking.Row(i, e.total, e.practice, e.theory) for i, e in enumerate(members)),
                contest.tie_rule,
            )
            for i, e in enumerate(members):
                e.rank = ranks.get(i)
                e.award = contest.award_for(e.rank)
                if contest.state == "publicity":
                    e.state = "publicity"
                elif contest.state == "published":
                    e.state, e.closed_on = "published", self.today

    def _parts(self, e: Entry, contest: Contest) -> None:
        e.theory, e.practice = _score(self.rnd), _score(self.rnd)
        e.total = ranking.total(
            {"theory": e.theory, "practice": e.practice, "defence": None}, contest.weights
        )

    def teams(self, contests) -> None:
        """团体: in each contest, every city with two or more finalists fields a team of
        them (its delegation, up to six), scored by their three best."""
        for contest in contests:
            by_org: dict[int, list[int]] = defaultdict(list)
            finalists = Entry.objects.filter(contest=contest, round=Round.FINAL).order_by("id")
            for pk, org_id in finalists.exclude(city=None).values_list("pk", "city_id"):
                by_org[org_id].append(pk)
            fielded = [(o, ids) for o, ids in by_org.items() if len(ids) >= 2][:14]
            names = dict(
                Organization.objects.filter(pk__in=[o for o, _ in fielded]).values_list(
                    "pk", "name"
                )
            )
            for org_id, ids in fielded:
                team = Team.objects.create(
                    contest=contest,
                    org_id=org_id,
                    name=f"{names[org_id]}代表队"[:64],
                    counted=min(3, len(ids)),
                )
                TeamMember.objects.bulk_create(TeamMember(team=team, entry_id=pk) for pk in ids[:6])
                self.report["teams"] += 1

    def awards(self, published) -> None:
        for contest in published:
            benefits = services.apply_awards(contest, actor=None, on=contest.ends_on)
            for b in benefits:
                self.report["honours" if b.outcome == "honour" else "promotions"] += 1
