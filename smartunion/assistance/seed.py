"""The hardship assistance part of `manage.py seed`: Gansu-shaped files, payments, campaigns.

After the registry part, with the same ``--seed``: 低保 standards for the 14 cities (the last
four years), caps and 金秋助学 amounts as a province might set them, then hardship households —
about 1.2% of the current members (Gansu's ~49,000 unions and 2.3 million members give some
27,000 households; the demo's 50,000 members some 600), heads drawn from the registry, each
with 1–5 family members (valid ID numbers that are nobody else's) and figures that put them
below the 低保 or twice it. Most are in file; some are on the way (with their deadlines);
some left. In-file households got aid payments over three years, within the caps. Each
county-level union ran the four campaigns every year: 冬送温暖 to its hardship households,
夏送清凉 to outdoor workers, 春送岗位 services, and 金秋助学 for the students of its households.

Nothing is generated when hardship files exist already. All amounts are demo figures: the
province enters its own (SERVICES.md §10: Gansu's standards were not found in public).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import Mod
from django.utils import timezone

from smartunion.assistance.codes import (
    CAMPAIGN_PURPOSE,
    AidForm,
    AidType,
    CampaignKind,
    Category,
    Identity,
    Relation,
    SchoolLevel,
    TargetGroup,
)
from smartunion.assistance.models import (
    Campaign,
    CampaignLine,
    ExclusionItem,
    HardshipFile,
    HouseholdMember,
    LineState,
    StudentAid,
    StudentAidAmount,
)
from smartunion.assistance.rules import DIBAO, assess
from smartunion.casework import calendar
from smartunion.casework.models import Cap, CaseEvent, FundSource, LedgerLine, RegionalRate
from smartunion.core import audit
from smartunion.core.bankcard import mask_bank_card
from smartunion.core.idnumber import GENDER_FEMALE, GENDER_MALE, make_id_number, mask_id_number
from smartunion.core.seeding import DemoDays, SeedOptions, bulk_transaction
from smartunion.core.synthetic.people import Names
from smartunion.members.models import CURRENT_STATUSES, Membership, Person
from smartunion.members.services import id_blind_index
from smartunion.orgs.models import Kind, Organization, Status
from smartunion.stats import kept

#: Households per current member (Gansu: ~27,000 files for 2.3 million members).
HOUSEHOLD_RATE = 0.012
YEARS = 3
BATCH = 2000
# 2024 urban 低保 of Gansu's cities, yuan a month (demo figures near the published range).
CITY_DIBAO = {
    "620100": 840,
    "620200": 830,
    "620300": 800,
    "620400": 760,
    "620500": 760,
    "620600": 760,
    "620700": 760,
    "620800": 760,
    "620900": 790,
    "621000": 760,
    "621100": 760,
    "621200": 760,
    "622900": 740,
    "623000": 740,
}
STATES = [
    ("in_file", 78),
    ("exited", 6),
    ("cancelled", 2),
    ("submitted", 3),
    ("visiting", 3),
    ("review", 2),
    ("verify", 2),
    ("ready", 2),
    ("draft", 2),
]
CAUSES = [
    ("6", 30),
    ("3", 18),
    ("2", 12),
    ("1", 10),
    ("9", 12),
    ("8", 6),
    ("7", 3),
    ("4", 4),
    ("5", 2),
    ("10", 3),
]
ROADS = [
    "人民路",
    "解放路",
    "建设路",
    "民主路",
    "和平路",
    "新华路",
    "团结路",
    "滨河路",
    "东岗路",
    "西津路",
    "南关街",
    "北大街",
]
BANKS = [
    "中国工商银行",
    "中国农业银行",
    "中国建设银行",
    "中国银行",
    "甘肃银行",
    "兰州银行",
    "中国邮政储蓄银行",
]
CARD_PREFIX = {
    "中国工商银行": "622202",
    "中国农业银行": "622848",
    "中国建设银行": "621700",
    "中国银行": "621661",
    "甘肃银行": "622167",
    "兰州银行": "622139",
    "中国邮政储蓄银行": "621799",
}
SCHOOLS = {
    SchoolLevel.BACHELOR: [
        "兰州大学",
        "西北师范大学",
        "兰州理工大学",
        "兰州交通大学",
        "甘肃农业大学",
        "西北民族大学",
        "兰州财经大学",
    ],
    SchoolLevel.COLLEGE: [
        "甘肃林业职业技术学院",
        "兰州石化职业技术大学",
        "甘肃建筑职业技术学院",
        "兰州职业技术学院",
    ],
    SchoolLevel.HIGH: [
        "兰州第一中学",
        "西北师大附中",
        "天水市第一中学",
        "酒泉中学",
        "武威第一中学",
    ],
}


def run_part(options: SeedOptions) -> list[str]:
    if HardshipFile.objects.exists():
        return ["已有困难职工档案，未生成帮扶演示数据。"]
    if not Organization.objects.exists():
        return []
    started = time.perf_counter()
    with bulk_transaction():
        report = Generator(options).run()
        # The statistics' summaries of their figures (stats.kept).
        kept.seeded(HardshipFile)
        kept.seeded(CampaignLine)
    seconds = time.perf_counter() - started
    return [
        f"已生成帮扶数据：困难职工档案 {report['files']:,} 份（家庭成员 {report['members']:,} 人），"
        f"帮扶发放 {report['payments']:,} 笔，四送活动 {report['campaigns']:,} 个（名单 {report['lines']:,} 人），"
        f"金秋助学申请 {report['aids']:,} 份；用时 {seconds:.1f} 秒。"
    ]


def luhn_complete(prefix15: str) -> str:
    from stdnum import luhn

    return prefix15 + luhn.calc_check_digit(prefix15)


class Generator:
    def __init__(self, options: SeedOptions):
        self.options = options
        self.rnd = random.Random(options.seed * 7919 + 12)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.days = DemoDays(self.rnd, self.today, self.now)
        self.names = Names(self.rnd, options.seed)
        self.used: set[str] = set()
        self.report = defaultdict(int)
        self.file_type = ContentType.objects.get_for_model(HardshipFile)
        self.line_type = ContentType.objects.get_for_model(CampaignLine)

    # -- reference figures ------------------------------------------------------------------

    def standards(self) -> dict[tuple[str, int], Decimal]:
        rows, out = [], {}
        for year in range(self.today.year - YEARS, self.today.year + 1):
            growth = Decimal("1.04") ** (year - 2024)
            for city, base in CITY_DIBAO.items():
                monthly = (Decimal(base) * growth).quantize(Decimal("1"))
                out[(city, year)] = monthly
                rows.append(
                    RegionalRate(
                        kind=DIBAO,
                        region_id=city,
                        year=year,
                        monthly=monthly,
                        note="演示数据",
                        updated_by_name="系统",
                    )
                )
            rows.append(
                RegionalRate(
                    kind=DIBAO,
                    region_id="620000",
                    year=year,
                    monthly=(Decimal(760) * growth).quantize(Decimal("1")),
                    note="演示数据",
                    updated_by_name="系统",
                )
            )
        existing = set(RegionalRate.objects.filter(kind=DIBAO).values_list("region_id", "year"))
        RegionalRate.objects.bulk_create([r for r in rows if (r.region_id, r.year) not in existing])
        if not Cap.objects.exists():
            Cap.objects.bulk_create(
                [
                    Cap(
                        purpose=AidType.LIVING,
                        per_payment=Decimal("3000"),
                        per_year=Decimal("6000"),
                        note="演示数据",
                    ),
                    Cap(
                        purpose=AidType.MEDICAL,
                        per_payment=Decimal("10000"),
                        per_year=Decimal("20000"),
                        note="演示数据",
                    ),
                    Cap(
                        purpose=AidType.WARMTH,
                        per_payment=Decimal("3000"),
                        per_year=Decimal("6000"),
                        note="山东2019：每人每次≤3000元、每年≤6000元（演示）",
                    ),
                    Cap(purpose=AidType.STUDY, per_year=Decimal("10000"), note="演示数据"),
                ]
            )
        if not StudentAidAmount.objects.exists():
            table = {
                SchoolLevel.HIGH: 3000,
                SchoolLevel.VOCATIONAL: 3000,
                SchoolLevel.COLLEGE: 4000,
                SchoolLevel.BACHELOR: 5000,
                SchoolLevel.POSTGRADUATE: 5000,
            }
            StudentAidAmount.objects.bulk_create(
                [
                    StudentAidAmount(
                        level=level,
                        category=category,
                        amount=Decimal(amount if category == Category.DEEP else amount - 1000),
                    )
                    for level, amount in table.items()
                    for category in Category.values
                ]
            )
        return out

    # -- people ---------------------------------------------------------------------------------

    def id_number(self, birth_from: dt.date, birth_to: dt.date, male: bool, place: str) -> str:
        span = (birth_to - birth_from).days
        while True:
            birth = birth_from + dt.timedelta(days=self.rnd.randrange(max(span, 1)))
            seq = self.rnd.randrange(500) * 2 + (1 if male else 0)
            number = make_id_number(place, birth, seq)
            if number not in self.used:
                self.used.add(number)
                return number

    def card(self) -> tuple[str, str]:
        bank = self.rnd.choice(BANKS)
        body = CARD_PREFIX[bank] + "".join(str(self.rnd.randrange(10)) for _ in range(12))
        return bank, luhn_complete(body)

    # -- households ---------------------------------------------------------------------------------

    def heads(self) -> list[Membership]:
        current = Membership.objects.filter(status__in=CURRENT_STATUSES)
        members = current.count()
        wanted = max(1, int(members * HOUSEHOLD_RATE))
        # A deterministic sample of current members, spread over the whole registry, read
        # without loading 2.3 million ids.
        step = max(1, members // wanted)
        ids: list[int] = []
        for offset in range(step):
            if len(ids) >= wanted:
                break
            slot = (self.options.seed + offset) % step
            ids += list(
                current.annotate(slot=Mod("id", step))
                .filter(slot=slot)
                .order_by("id")
                .values_list("id", flat=True)[: wanted - len(ids)]
            )
        rows = []
        for start in range(0, len(ids), BATCH):
            rows += list(
                Membership.objects.filter(id__in=ids[start : start + BATCH]).select_related(
                    "person", "org__region"
                )
            )
        return rows

    def household(self, head: Person, place: str) -> list[dict]:
        """The other people of a household, as rows (spouse, children, a parent)."""
        out = []
        age = (self.today - head.birth_date).days // 365
        if age >= 24 and self.rnd.random() < 0.75:
            male = head.gender == GENDER_FEMALE
            out.append(
                self._person(
                    Relation.SPOUSE,
                    male,
                    head.birth_date.year - 4,
                    head.birth_date.year + 4,
                    place,
                    Identity.UNEMPLOYED if self.rnd.random() < 0.5 else Identity.FLEXIBLE,
                )
            )
        children = 0 if age < 22 else self.rnd.choice([0, 1, 1, 1, 2, 2, 3])
        for _ in range(children):
            young = max(head.birth_date.year + 20, self.today.year - 24)
            old = min(head.birth_date.year + 40, self.today.year - 1)
            if young > old:
                break
            child = self._person(
                Relation.CHILD, self.rnd.random() < 0.5, young, old, place, Identity.STUDENT
            )
            child_age = self.today.year - child["birth"].year
            child["school_level"] = (
                SchoolLevel.PRIMARY
                if child_age < 12
                else SchoolLevel.JUNIOR
                if child_age < 15
                else SchoolLevel.HIGH
                if child_age < 18
                else self.rnd.choice([SchoolLevel.BACHELOR, SchoolLevel.COLLEGE])
                if child_age < 23
                else ""
            )
            if child_age < 6:
                child["identity"], child["school_level"] = Identity.PRESCHOOL, SchoolLevel.PRESCHOOL
            elif child_age >= 23:
                child["identity"] = Identity.FLEXIBLE
            out.append(child)
        if age >= 35 and self.rnd.random() < 0.3:
            out.append(
                self._person(
                    Relation.PARENT,
                    self.rnd.random() < 0.5,
                    head.birth_date.year - 32,
                    head.birth_date.year - 22,
                    place,
                    Identity.RETIRED,
                )
            )
        return out

    def _person(self, relation, male, year_from, year_to, place, identity) -> dict:
        year_from = max(year_from, 1930)
        year_to = max(min(year_to, self.today.year - 1), year_from + 1)
        number = self.id_number(dt.date(year_from, 1, 1), dt.date(year_to, 12, 28), male, place)
        gender = GENDER_MALE if male else GENDER_FEMALE
        return {
            "relation": relation,
            "name": self.names(gender),
            "number": number,
            "gender": gender,
            "birth": dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
            "identity": identity,
            "school_level": "",
            "health": "01"
            if self.rnd.random() < 0.7
            else self.rnd.choice(["06", "03", "09", "12", "14", "20"]),
            "income": Decimal(self.rnd.choice([0, 0, 0, 300, 600, 900, 1200]))
            if identity in (Identity.FLEXIBLE, Identity.RETIRED, Identity.UNEMPLOYED)
            else Decimal(0),
        }

    def run(self) -> dict:
        dibao = self.standards()
        exclusions = {
            code: False
            for code in ExclusionItem.objects.filter(active=True).values_list("code", flat=True)
        }
        heads = self.heads()
        state_pick = [s for s, w in STATES for _ in range(w)]
        cause_pick = [c for c, w in CAUSES for _ in range(w)]
        files, households = [], []
        due_cache: dict[tuple[dt.date, int], calendar.Due] = {}
        from smartunion.assistance.workflows import HARDSHIP

        for membership in heads:
            person = membership.person
            org = membership.org
            county = self._county_of(org)
            city = county[:4] + "00"
            year = self.today.year
            standard = dibao.get((city, year)) or Decimal(760)
            family = self.household(person, county)
            size = 1 + len(family)
            # Below the standard for three in five, below twice it for the rest.
            factor = Decimal(
                self.rnd.choice(["0.45", "0.6", "0.75", "0.9", "0.95", "1.2", "1.5", "1.8"])
            )
            target_net = standard * factor * 12 * size
            rigid = Decimal(self.rnd.choice([0, 0, 1200, 3600, 6000, 12000]))
            others = sum((m["income"] for m in family), Decimal(0)) * 12
            head_income = max(
                Decimal(0), ((target_net + rigid - others) / 12).quantize(Decimal("10"))
            )
            annual = head_income * 12 + others
            costs = Decimal(0)
            main = self.rnd.choice(cause_pick)
            if main in ("7", "8") and self.rnd.random() < 0.5:
                costs = (annual * Decimal("0.9")).quantize(Decimal("1"))
            result = assess(
                household_size=size,
                annual_income=annual,
                annual_rigid_expenses=rigid,
                hardship_costs=costs,
                dibao_monthly=standard,
            )
            state = self.rnd.choice(state_pick)
            opened = self.today - dt.timedelta(
                days=self.rnd.randrange(30, 365 * 4)
                if state in ("in_file", "exited", "cancelled")
                else self.rnd.randrange(1, 40)
            )
            bank, card = self.card()
            file = HardshipFile(
                number=f"~{len(files)}",
                org=org,
                head=person,
                region_id=county,
                state=state,
                state_since=self.now,
                opened_on=opened,
                created_by_name="演示数据",
                category=result.category or Category.RELATIVE,
                per_capita_monthly=result.per_capita_monthly,
                dibao_monthly=standard,
                assessed_year=year,
                household_size=size,
                annual_income=annual,
                work_status=self.rnd.choice(["01", "02", "03", "03", "05", "08"]),
                model_worker_type="0",
                marital_status="1"
                if any(m["relation"] == Relation.SPOUSE for m in family)
                else self.rnd.choice(["2", "3", "4"]),
                hukou_kind=self.rnd.choice(["1", "1", "2", "3"]),
                housing=self.rnd.choice(["01", "02", "03", "06", "07", "07"]),
                housing_area=self.rnd.choice(["1", "2", "2", "3"]),
                address=f"{org.region.name}{self.rnd.choice(ROADS)}{self.rnd.randint(1, 300)}号",
                employer=org.name[:128],
                other_annual_income=Decimal(0),
                annual_rigid_expenses=rigid,
                hardship_costs=costs,
                main_cause=main,
                secondary_causes=self.rnd.sample(
                    [c for c in ("1", "4", "6", "9") if c != main], self.rnd.randint(0, 2)
                ),
                exclusions=exclusions,
                bank_name=bank,
                bank_card=card,
                bank_card_masked=mask_bank_card(card),
                filing_level=self.rnd.choice(["county", "county", "city", "province", "national"]),
            )
            if state in ("in_file", "exited", "cancelled"):
                file.filed_on = self.days.after(opened, 15, 45)
                file.last_recheck_on = max(
                    file.filed_on, self.today - dt.timedelta(days=self.rnd.randrange(10, 500))
                )
                if state != "in_file":
                    file.closed_on = self.days.after(file.filed_on, 200, 900)
                    file.exit_reason = "脱困（演示数据）" if state == "exited" else "注销：调离"
            else:
                s = HARDSHIP.state(state)
                if s.wait:
                    key = (opened, s.wait)
                    if key not in due_cache:
                        due_cache[key] = calendar.add_working_days(opened, s.wait)
                    due = due_cache[key]
                    file.wait_started_on, file.wait_days = opened, s.wait
                    file.due_on, file.due_complete = due.due, due.complete
                    file.responsible_org = org if s.responsible == "holder" else org.parent or org
            # In its state since its last step: closed, filed, or (still being decided) opened.
            file.state_since = self.days.at(file.closed_on or file.filed_on or opened)
            files.append(file)
            households.append((person, family, head_income))
        self._avoid_registry(households)
        self._write_files(files, households)
        self._payments(files)
        self._campaigns(files, households)
        audit.record(
            None,
            "seed.assistance",
            object_type="assistance.hardshipfile",
            changes=dict(self.report),
        )
        return self.report

    def _avoid_registry(self, households) -> None:
        """A family member's number is nobody's in the registry: draw again until so."""
        family = [m for _, members, _ in households for m in members]
        while family:
            by_hash = {id_blind_index(m["number"]): m for m in family}
            taken = set()
            hashes = list(by_hash)
            for start in range(0, len(hashes), BATCH):
                taken |= set(
                    Person.objects.filter(id_hash__in=hashes[start : start + BATCH]).values_list(
                        "id_hash", flat=True
                    )
                )
            family = [by_hash[h] for h in taken]
            for m in family:
                birth = m["birth"]
                m["number"] = self.id_number(
                    birth, birth + dt.timedelta(days=1), m["gender"] == GENDER_MALE, m["number"][:6]
                )

    def _county_of(self, org: Organization) -> str:
        node = org
        while node is not None:
            if node.region_id[4:] != "00":
                return node.region_id
            node = node.parent
        return org.region_id

    def _write_files(self, files, households) -> None:
        HardshipFile.objects.bulk_create(files, batch_size=BATCH)
        for file in files:
            file.number = f"KN{file.opened_on.year}{file.pk:07d}"
        HardshipFile.objects.bulk_update(files, ["number"], batch_size=BATCH)
        members, events = [], []
        for file, (person, family, head_income) in zip(files, households, strict=True):
            active = file.state not in ("exited", "cancelled", "refused", "resolved")
            members.append(
                HouseholdMember(
                    file=file,
                    relation=Relation.SELF,
                    name=person.name,
                    id_number=person.id_number,
                    id_hash=person.id_hash,
                    id_masked=person.id_masked,
                    gender=person.gender,
                    birth_date=person.birth_date,
                    monthly_income=head_income,
                    medical_insurance="1",
                    identity=Identity.UNEMPLOYED if file.work_status == "03" else Identity.EMPLOYED,
                    active=active,
                )
            )
            for m in family:
                members.append(
                    HouseholdMember(
                        file=file,
                        relation=m["relation"],
                        name=m["name"],
                        id_number=m["number"],
                        id_hash=id_blind_index(m["number"]),
                        id_masked=mask_id_number(m["number"]),
                        gender=m["gender"],
                        birth_date=m["birth"],
                        monthly_income=m["income"],
                        health=m["health"],
                        medical_insurance="2",
                        identity=m["identity"],
                        school_level=m["school_level"],
                        active=active,
                    )
                )
            events.append(
                CaseEvent(
                    content_type=self.file_type,
                    object_id=file.pk,
                    action="open",
                    label="新建",
                    to_state="draft",
                    actor_name="演示数据",
                    at=self.days.at(file.opened_on),
                )
            )
            if file.filed_on:
                events.append(
                    CaseEvent(
                        content_type=self.file_type,
                        object_id=file.pk,
                        action="approve",
                        label="审批建档",
                        from_state="approval",
                        to_state="in_file",
                        actor_name="演示数据",
                        at=self.days.at(file.filed_on),
                    )
                )
        HouseholdMember.objects.bulk_create(members, batch_size=BATCH)
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        self.report["files"] = len(files)
        self.report["members"] = len(members)

    def _payments(self, files) -> None:
        lines = []
        for file in files:
            if not file.filed_on:
                continue
            head = file.head
            for year in range(
                max(file.filed_on.year, self.today.year - YEARS + 1), self.today.year + 1
            ):
                for _ in range(self.rnd.choice([0, 1, 1, 2])):
                    day = dt.date(year, self.rnd.randint(1, 12), self.rnd.randint(1, 28))
                    if day < file.filed_on or day > self.today:
                        continue
                    purpose = self.rnd.choice([AidType.LIVING, AidType.LIVING, AidType.MEDICAL])
                    amount = Decimal(self.rnd.choice([500, 800, 1000, 1500, 2000, 3000]))
                    lines.append(
                        LedgerLine(
                            content_type=self.file_type,
                            object_id=file.pk,
                            org=file.org.parent or file.org,
                            fund_source=self.rnd.choice(
                                [FundSource.FISCAL, FundSource.HIGHER, FundSource.OWN]
                            ),
                            purpose=purpose,
                            amount=amount,
                            paid_on=day,
                            year=day.year,
                            beneficiary_hash=head.id_hash,
                            beneficiary_name=head.name,
                            beneficiary_id_masked=head.id_masked,
                            bank_card_masked=file.bank_card_masked,
                            created_by_name="演示数据",
                        )
                    )
        LedgerLine.objects.bulk_create(lines, batch_size=BATCH)
        self.report["payments"] = len(lines)

    def _campaigns(self, files, households) -> None:
        counties = list(
            Organization.objects.filter(kind__in=[Kind.COUNTY], status=Status.NORMAL).order_by(
                "path"
            )
        )
        by_county = defaultdict(list)
        county_paths = [(c.path, c) for c in counties]
        for file, household in zip(files, households, strict=True):
            if file.state != "in_file":
                continue
            for path, county in county_paths:
                if file.org.path.startswith(path):
                    by_county[county.pk].append((file, household))
                    break
        campaigns = []
        for year in range(self.today.year - YEARS + 1, self.today.year + 1):
            for county in counties:
                for kind, (month, days) in {
                    CampaignKind.SPRING: (2, 45),
                    CampaignKind.SUMMER: (7, 60),
                    CampaignKind.AUTUMN: (8, 40),
                    CampaignKind.WINTER: (1, 40),
                }.items():
                    starts = dt.date(year, month, 1)
                    if starts > self.today:
                        continue
                    campaigns.append(
                        Campaign(
                            kind=kind,
                            year=year,
                            org=county,
                            title=f"{year}年{county.name}{CampaignKind(kind).label}",
                            starts_on=starts,
                            ends_on=starts + dt.timedelta(days=days),
                            budget=Decimal(self.rnd.choice([50000, 100000, 200000])),
                            target_groups=[TargetGroup.HARDSHIP]
                            if kind != CampaignKind.SUMMER
                            else [TargetGroup.OUTDOOR],
                            created_by_name="演示数据",
                        )
                    )
        Campaign.objects.bulk_create(campaigns, batch_size=BATCH)
        lines, aids, ledger = [], [], []
        amounts = {(a.level, a.category): a.amount for a in StudentAidAmount.objects.all()}
        aided_students: set[tuple[str, int]] = set()
        for campaign in campaigns:
            pool = by_county.get(campaign.org_id, [])
            if campaign.kind == CampaignKind.WINTER:
                for file, (person, _family, _income) in pool:
                    paid = campaign.ends_on < self.today
                    lines.append(
                        self._line(
                            campaign,
                            file,
                            person,
                            AidForm.CASH,
                            Decimal(self.rnd.choice([500, 800, 1000])),
                            LineState.PAID if paid else LineState.APPROVED,
                        )
                    )
            elif campaign.kind == CampaignKind.SUMMER:
                for file, (person, _family, _income) in pool[: max(1, len(pool) // 4)]:
                    lines.append(
                        self._line(
                            campaign,
                            file,
                            person,
                            AidForm.GOODS,
                            None,
                            LineState.APPROVED,
                            goods="防暑降温用品（绿豆、藿香正气水、毛巾）",
                            goods_value=Decimal("120"),
                        )
                    )
            elif campaign.kind == CampaignKind.SPRING:
                for file, (person, _family, _income) in pool[: max(1, len(pool) // 6)]:
                    lines.append(
                        self._line(
                            campaign,
                            file,
                            person,
                            AidForm.SERVICE,
                            None,
                            LineState.APPROVED,
                            goods="岗位推介、职业指导",
                        )
                    )
            else:
                for file, (_person, family, _income) in pool:
                    for m in family:
                        if m["school_level"] not in (
                            SchoolLevel.BACHELOR,
                            SchoolLevel.COLLEGE,
                            SchoolLevel.HIGH,
                        ):
                            continue
                        key = (m["number"], campaign.year)
                        if key in aided_students or self.rnd.random() < 0.4:
                            continue
                        aided_students.add(key)
                        amount = amounts.get((m["school_level"], file.category), Decimal("3000"))
                        aids.append((campaign, file, m, amount))
        CampaignLine.objects.bulk_create(lines, batch_size=BATCH)
        student_rows = []
        for campaign, file, m, amount in aids:
            student_rows.append(
                StudentAid(
                    number=f"~{len(student_rows)}",
                    org=file.org,
                    campaign=campaign,
                    household_file=file,
                    year=campaign.year,
                    student_name=m["name"],
                    student_id_number=m["number"],
                    student_id_hash=id_blind_index(m["number"]),
                    student_id_masked=mask_id_number(m["number"]),
                    school=self.rnd.choice(SCHOOLS.get(m["school_level"], ["兰州大学"])),
                    level=m["school_level"],
                    admission_year=campaign.year - self.rnd.randint(0, 2),
                    amount=amount,
                    state="approved",
                    state_since=self.now,
                    opened_on=campaign.starts_on,
                    closed_on=campaign.ends_on,
                    created_by_name="演示数据",
                )
            )
        StudentAid.objects.bulk_create(student_rows, batch_size=BATCH)
        for aid in student_rows:
            aid.number = f"JQ{aid.year}{aid.pk:07d}"
        StudentAid.objects.bulk_update(student_rows, ["number"], batch_size=BATCH)
        aid_lines = [
            CampaignLine(
                campaign=aid.campaign,
                org=aid.campaign.org,
                hardship_file=aid.household_file,
                student_aid=aid,
                name=aid.student_name,
                id_hash=aid.student_id_hash,
                id_masked=aid.student_id_masked,
                unit=aid.household_file.org.name[:128],
                group=TargetGroup.STUDENT,
                form=AidForm.CASH,
                amount=aid.amount,
                bank_name=aid.household_file.bank_name,
                bank_card=aid.household_file.bank_card,
                bank_card_masked=aid.household_file.bank_card_masked,
                state=LineState.PAID if aid.campaign.ends_on < self.today else LineState.APPROVED,
                paid_on=aid.campaign.ends_on if aid.campaign.ends_on < self.today else None,
            )
            for aid in student_rows
        ]
        CampaignLine.objects.bulk_create(aid_lines, batch_size=BATCH)
        for line in [*lines, *aid_lines]:
            if line.state == LineState.PAID and line.amount:
                ledger.append(
                    LedgerLine(
                        content_type=self.line_type,
                        object_id=line.pk,
                        org=line.org,
                        fund_source=FundSource.OWN,
                        purpose=CAMPAIGN_PURPOSE[line.campaign.kind],
                        amount=line.amount,
                        paid_on=line.paid_on,
                        year=line.paid_on.year,
                        beneficiary_hash=line.id_hash,
                        beneficiary_name=line.name,
                        beneficiary_id_masked=line.id_masked,
                        bank_card_masked=line.bank_card_masked,
                        created_by_name="演示数据",
                        note=line.campaign.title[:200],
                    )
                )
        LedgerLine.objects.bulk_create(ledger, batch_size=BATCH)
        self.report["campaigns"] = len(campaigns)
        self.report["lines"] = len(lines) + len(aid_lines)
        self.report["aids"] = len(student_rows)
        self.report["payments"] += len(ledger)

    def _line(
        self, campaign, file, person, form, amount, state, goods="", goods_value=None
    ) -> CampaignLine:
        paid_on = campaign.ends_on if state == LineState.PAID else None
        return CampaignLine(
            campaign=campaign,
            org=campaign.org,
            person=person,
            hardship_file=file,
            name=person.name,
            id_hash=person.id_hash,
            id_masked=person.id_masked,
            unit=file.org.name[:128],
            group=TargetGroup.HARDSHIP if form != AidForm.GOODS else TargetGroup.OUTDOOR,
            form=form,
            amount=amount,
            goods=goods,
            goods_value=goods_value,
            bank_name=file.bank_name if amount else "",
            bank_card=file.bank_card if amount else "",
            bank_card_masked=file.bank_card_masked if amount else "",
            state=state,
            paid_on=paid_on,
        )
