"""The legal-aid part of `manage.py seed`: minimum wages, handlers and a few years of cases.

After the registry part, with the same ``--seed``: the local minimum wage of Gansu's 14
cities (the last four years), a register of handlers at every county-level or higher union (a
union legal worker and a union lawyer; a law firm under agreement at the cities and the
province), then cases — about one a year per thousand current members (Gansu's 2.3 million
members give some 2,300 a year, 6,900 over three years; the demo's 50,000 some 150) — spread
over the unions, two in three from the registry and the rest non-members, in every state of
the flow: old cases archived, closed, terminated or transferred; recent ones waiting for
review (with their deadlines), assigned with stages and hearings in the coming days.

Nothing is generated when legal-aid cases exist already. Amounts are demo figures.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Min
from django.utils import timezone

from smartunion.casework import calendar
from smartunion.casework.models import CaseEvent, RegionalRate
from smartunion.casework.workflow import COUNTY_OR_ABOVE
from smartunion.core import audit
from smartunion.core.seeding import DemoDays, SeedOptions, bulk_transaction
from smartunion.core.synthetic.people import Names
from smartunion.legalaid import rules
from smartunion.legalaid.codes import (
    AidForm,
    ApplicantKind,
    HandlerKind,
    Matter,
    Result,
    Stage,
    Subtype,
)
from smartunion.legalaid.models import LegalAidCase, LegalAidHandler, LegalAidStage
from smartunion.members.models import CURRENT_STATUSES, Membership
from smartunion.orgs.models import SEGMENT, Organization, Status
from smartunion.stats import kept

CASE_RATE = 0.001  # cases a year per current member
YEARS = 3
BATCH = 2000
# Gansu's minimum wage tiers, yuan a month (demo figures near the published ones).
CITY_MIN_WAGE = {"620100": 2020, "620200": 2020, "620300": 1960, "620400": 1960, "620500": 1960}
OTHER_MIN_WAGE = 1910
EMPLOYERS = ["建筑工程有限公司", "商贸有限公司", "物流有限公司", "餐饮管理有限公司", "矿业有限公司"]
CITIES = ["兰州", "天水", "白银", "武威", "张掖", "酒泉", "平凉", "庆阳", "定西", "陇南"]
SUBTYPES = (
    [Subtype.WAGES] * 5
    + [Subtype.INJURY] * 2
    + [
        Subtype.DISMISSAL,
        Subtype.INSURANCE,
        Subtype.COMPENSATION,
        Subtype.RELATION,
    ]
)
# (state, weight) for cases opened more than 90 days ago, and for recent ones.
OLD_STATES = [
    ("archived", 12),
    ("visited", 1),
    ("closed", 1),
    ("terminated", 2),
    ("transferred", 1),
    ("consulted", 6),
    ("refusal_final", 1),
    ("assigned", 2),
]
NEW_STATES = [
    ("consult", 1),
    ("review", 4),
    ("correction", 1),
    ("granted", 2),
    ("refused", 1),
    ("objected", 1),
    ("assigned", 6),
    ("closed", 2),
    ("consulted", 4),
]
STAGES = (Stage.NEGOTIATION, Stage.MEDIATION, Stage.ARBITRATION)
ASSIGNED_OR_LATER = {"assigned", "closed", "visited", "archived"}
DECIDED = ASSIGNED_OR_LATER | {"granted", "refused", "objected", "refusal_final"}


def run_part(options: SeedOptions) -> list[str]:
    if LegalAidCase.objects.exists():
        return ["已有法律援助案件，未生成法律援助演示数据。"]
    if not Organization.objects.exists():
        return []
    started = time.perf_counter()
    with bulk_transaction():
        report = Generator(options).run()
        kept.seeded(LegalAidCase)  # the statistics' summaries of their figures
    return [
        f"已生成法律援助数据：承办人 {report['handlers']:,} 名，案件 {report['cases']:,} 件"
        f"（办理阶段 {report['stages']:,} 条）；用时 {time.perf_counter() - started:.1f} 秒。"
    ]


def _pick(rnd, weighted):
    return rnd.choice([v for v, w in weighted for _ in range(w)])


class Generator:
    def __init__(self, options: SeedOptions):
        self.options = options
        self.rnd = random.Random(options.seed * 7919 + 13)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.days = DemoDays(self.rnd, self.today, self.now)
        #: The stages planned for each case (by its index), written once it has its id.
        self.stages: dict[int, list[tuple[str, dt.date]]] = {}
        self.names = Names(self.rnd, options.seed + 13)
        self.report = defaultdict(int)
        self.due_cache: dict[tuple[dt.date, int], calendar.Due] = {}

    def run(self) -> dict:
        self.min_wages()
        centres = list(
            Organization.objects.filter(kind__in=COUNTY_OR_ABOVE, status=Status.NORMAL)
            .select_related("region")
            .order_by("path")
        )
        if not centres:
            return self.report
        handlers = self.handlers(centres)
        by_path = {o.path: o for o in centres}
        cases, people = self.cases(by_path, handlers)
        self.write(cases, people)
        audit.record(
            None, "seed.legalaid", object_type="legalaid.legalaidcase", changes=dict(self.report)
        )
        return self.report

    def min_wages(self) -> None:
        existing = set(
            RegionalRate.objects.filter(kind=rules.MIN_WAGE).values_list("region_id", "year")
        )
        rows = []
        for year in range(self.today.year - YEARS, self.today.year + 1):
            growth = Decimal("1.03") ** (year - 2025)
            places = {**CITY_MIN_WAGE, "620000": OTHER_MIN_WAGE}
            for region, base in places.items():
                if (region, year) not in existing:
                    rows.append(
                        RegionalRate(
                            kind=rules.MIN_WAGE,
                            region_id=region,
                            year=year,
                            monthly=(Decimal(base) * growth).quantize(Decimal("1")),
                            note="演示数据",
                            updated_by_name="系统",
                        )
                    )
        RegionalRate.objects.bulk_create(rows)

    def handlers(self, centres) -> dict[int, list[LegalAidHandler]]:
        rows = []
        for org in centres:
            rows.append(
                LegalAidHandler(org=org, kind=HandlerKind.LEGAL_WORKER, name=self.names("1"))
            )
            rows.append(
                LegalAidHandler(
                    org=org,
                    kind=HandlerKind.LAWYER,
                    name=self.names(self.rnd.choice("12")),
                    firm=f"{org.name}法律服务中心",
                )
            )
            if org.kind != "county":
                city = self.rnd.choice(CITIES)
                rows.append(
                    LegalAidHandler(
                        org=org,
                        kind=HandlerKind.FIRM,
                        name=f"甘肃{city}律师事务所",
                        firm=f"甘肃{city}律师事务所",
                    )
                )
        LegalAidHandler.objects.bulk_create(rows, batch_size=BATCH)
        self.report["handlers"] = len(rows)
        out = defaultdict(list)
        for h in rows:
            out[h.org_id].append(h)
        return out

    def members(self, wanted: int) -> list[Membership]:
        """A deterministic sample of current memberships, by random ids over the whole range."""
        bounds = Membership.objects.aggregate(low=Min("id"), high=Max("id"))
        if bounds["low"] is None:
            return []
        ids = {self.rnd.randint(bounds["low"], bounds["high"]) for _ in range(wanted * 2)}
        rows = []
        ids = sorted(ids)
        for start in range(0, len(ids), BATCH):
            rows += list(
                Membership.objects.filter(
                    id__in=ids[start : start + BATCH], status__in=CURRENT_STATUSES
                ).select_related("person", "org")
            )
        self.rnd.shuffle(rows)
        return rows[:wanted]

    def _centre_of(self, org, by_path) -> Organization | None:
        for end in range(len(org.path), 0, -SEGMENT):
            centre = by_path.get(org.path[:end])
            if centre is not None:
                return centre
        return None

    def _due(self, start: dt.date, days: int) -> calendar.Due:
        key = (start, days)
        if key not in self.due_cache:
            self.due_cache[key] = calendar.add_working_days(start, days)
        return self.due_cache[key]

    def cases(self, by_path, handlers):
        current = Membership.objects.filter(status__in=CURRENT_STATUSES).count()
        wanted = max(40, int(current * CASE_RATE * YEARS))
        sample = self.members(wanted)
        from smartunion.legalaid.workflows import LEGAL_AID

        cases, people = [], []
        for i in range(wanted):
            membership = sample[i] if i < len(sample) and self.rnd.random() < 0.67 else None
            org = membership.org if membership else self.rnd.choice(list(by_path.values()))
            centre = self._centre_of(org, by_path) or org
            opened = self.today - dt.timedelta(days=self.rnd.randrange(0, 365 * YEARS))
            recent = (self.today - opened).days < 90
            state = _pick(self.rnd, NEW_STATES if recent else OLD_STATES)
            kind = self.rnd.choice([ApplicantKind.WORKER] * 3 + [ApplicantKind.MIGRANT] * 2)
            subtype = self.rnd.choice(SUBTYPES)
            amount = Decimal(self.rnd.randrange(1500, 120000, 100))
            consult = state in ("consult", "consulted")
            migrant_exempt = kind == ApplicantKind.MIGRANT and subtype == Subtype.WAGES
            knew = opened - dt.timedelta(days=self.rnd.randrange(5, 340))
            limitation = rules.limitation_date(knew)
            case = LegalAidCase(
                number=f"~{i}",
                org=org,
                region_id=org.region_id,
                state=state,
                state_since=self.now,
                opened_on=opened,
                created_by_name="演示数据",
                applicant_kind=kind,
                person=membership.person if membership else None,
                applicant_name=membership.person.name
                if membership
                else self.names(self.rnd.choice("12")),
                employer=f"{self.rnd.choice(CITIES)}{self.rnd.choice(EMPLOYERS)}",
                matter=Matter.LABOUR if self.rnd.random() < 0.9 else Matter.PERSONAL,
                subtype=subtype,
                aid_form=AidForm.CONSULT
                if consult
                else self.rnd.choice(
                    [
                        AidForm.MEDIATION,
                        AidForm.ARBITRATION,
                        AidForm.ARBITRATION,
                        AidForm.LITIGATION,
                        AidForm.DOCUMENTS,
                    ]
                ),
                workers_involved=1 if self.rnd.random() < 0.9 else self.rnd.randint(5, 60),
                amount_in_dispute=amount,
                income_per_head=Decimal(self.rnd.randrange(400, 1900, 10)),
                exemption="migrant_wages" if migrant_exempt else "",
                financial_ok=None if consult else True,
                financial_note="" if consult else "演示数据：符合经济困难条件。",
                knew_on=knew,
                limitation_on=limitation,
                urgent=rules.limitation_near(limitation, opened) or self.rnd.random() < 0.05,
            )
            if state in DECIDED:
                case.deciding_org = centre
                case.decided_on = self.days.after(opened, 1, 9)
                case.decision_reason = (
                    "经审查符合条件。"
                    if state not in ("refused", "objected", "refusal_final")
                    else "家庭月人均收入不低于当地最低工资标准。"
                )
            if state in ASSIGNED_OR_LATER and handlers.get(centre.pk):
                case.handler = self.rnd.choice(handlers[centre.pk])
                case.assigned_on = self.days.after(case.decided_on, 1, 6)
                if state == "assigned" and self.rnd.random() < 0.3:
                    case.next_hearing_on = self.today + dt.timedelta(days=self.rnd.randrange(0, 20))
            if state in ("closed", "visited", "archived"):
                case.result = self.rnd.choice(
                    [Result.MEDIATED] * 3 + [Result.AWARD, Result.JUDGMENT, Result.WITHDRAWN]
                )
                case.recovered = (
                    amount * Decimal(self.rnd.choice(["0", "0.5", "0.8", "1"]))
                ).quantize(Decimal("0.01"))
                case.report = "演示数据：结案报告。"
            # The stages between assignment and closing, in the order of the process.
            stages = []
            if case.handler_id:
                day = case.assigned_on
                picked = set(self.rnd.sample(STAGES, self.rnd.randint(1, 3)))
                for stage in (s for s in STAGES if s in picked):
                    day = self.days.after(day, 3, 40)
                    stages.append((stage, day))
            last = max(
                [opened, case.decided_on, case.assigned_on, *(d for _, d in stages)],
                key=lambda d: d or opened,
            )
            ended = self.days.after(last, 1, 60)
            if state in ("visited", "archived"):
                case.callback_score = self.rnd.choice([3, 4, 5, 5, 5])
                case.callback_on = self.days.after(ended, 3, 30)
                case.callback_by_name = "演示数据"
            if state == "terminated":
                case.termination_reason = "withdrew"
            if state == "transferred":
                case.transfer_to, case.transfer_name = "government", "政府法律援助中心"
            s = LEGAL_AID.state(state)
            if s.final:
                # 办结: the day the case reached its final state (archiving comes after the
                # callback).
                case.closed_on = (
                    self.days.after(case.callback_on, 1, 10) if state == "archived" else ended
                )
                if state == "archived":
                    case.archive_no = f"FYDA{opened.year}{i:06d}"
            elif s.wait:
                start = max(opened, self.today - dt.timedelta(days=self.rnd.randrange(0, 12)))
                due = self._due(start, s.wait)
                case.wait_started_on, case.wait_days = start, s.wait
                case.due_on, case.due_complete = due.due, due.complete
                case.responsible_org = centre
            elif s.pauses_clock:
                case.clock_stopped_on, case.clock_state, case.clock_used_days = opened, "review", 2
                case.wait_started_on, case.wait_days = opened, 7
                case.responsible_org = centre
            # The day of its last step: the timeline's and state_since's.
            case.state_since = self.days.at(
                case.closed_on or case.callback_on or (ended if state == "closed" else last)
            )
            self.stages[i] = stages
            cases.append(case)
            people.append(membership)
        return cases, people

    def write(self, cases, people) -> None:
        LegalAidCase.objects.bulk_create(cases, batch_size=BATCH)
        for case in cases:
            case.number = f"FY{case.opened_on.year}{case.pk:07d}"
            if case.handler_id:
                case.letter_no = f"WP{case.assigned_on.year}{case.pk:07d}"
        LegalAidCase.objects.bulk_update(cases, ["number", "letter_no"], batch_size=BATCH)
        kind = ContentType.objects.get_for_model(LegalAidCase)
        events, stages = [], []
        for i, case in enumerate(cases):
            first = "consult" if case.aid_form == AidForm.CONSULT else "review"
            event = partial(CaseEvent, content_type=kind, object_id=case.pk, actor_name="演示数据")
            events.append(
                event(action="open", label="新建", to_state=first, at=self.days.at(case.opened_on))
            )
            if case.state != first:
                events.append(
                    event(
                        action="seed",
                        label="办理（演示数据）",
                        from_state=first,
                        to_state=case.state,
                        at=max(case.state_since, events[-1].at),
                    )
                )
            for stage, day in self.stages[i]:
                stages.append(
                    LegalAidStage(
                        case=case,
                        stage=stage,
                        happened_on=day,
                        summary="演示数据",
                        recorded_by_name="演示数据",
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        LegalAidStage.objects.bulk_create(stages, batch_size=BATCH)
        self.report["cases"] = len(cases)
        self.report["stages"] = len(stages)
