"""The service-request part of `manage.py seed`: three years of 诉求工单 over the union tree.

About 13 requests a year per thousand current members (Gansu's 2.3 million members give some
30,000 a year, like a province's 12351 volume; the demo's 50,000 some 650), taken at the
province or a city, most sent down to a county and some on to a grassroots union, handled,
reported back, called back (nine in ten satisfied) and closed; the recent ones still on
their way, with their deadlines. One in fifty is counselling (seen only by its counsellor).

Nothing is generated when requests exist already.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from smartunion.accounts.models import User
from smartunion.casework import calendar
from smartunion.casework.models import CaseEvent
from smartunion.core import audit
from smartunion.core.seeding import DemoDays, SeedOptions, bulk_transaction
from smartunion.core.synthetic.people import Names
from smartunion.members.models import CURRENT_STATUSES, Membership
from smartunion.orgs.models import Organization, Status
from smartunion.servicerequests import services
from smartunion.servicerequests.codes import URGENCY_DAYS, Channel, Urgency
from smartunion.servicerequests.models import (
    Handoff,
    RequestCategory,
    ServiceCentre,
    ServiceRequest,
)
from smartunion.stats import kept

RATE = 0.013
YEARS = 3
BATCH = 5000
SUMMARIES = {
    "01": "咨询劳动合同到期不续签是否有经济补偿。",
    "02": "家庭困难，想了解帮扶政策。",
    "03": "投诉单位拖欠工资。",
    "04": "被拖欠工资，请求法律援助。",
    "05": "建议增加户外劳动者驿站。",
    "06": "失业后想找工作。",
    "07": "想报名电工技能培训。",
    "08": "工作压力大，希望心理咨询。",
}
CATEGORY_WEIGHTS = [
    ("01", 30),
    ("02", 15),
    ("03", 20),
    ("04", 10),
    ("05", 5),
    ("06", 10),
    ("07", 8),
    ("08", 2),
]


def run_part(options: SeedOptions) -> list[str]:
    if ServiceRequest.objects.exists():
        return ["已有诉求工单，未生成诉求工单演示数据。"]
    if not Organization.objects.exists():
        return []
    started = time.perf_counter()
    with bulk_transaction():
        report = Generator(options).run()
        kept.seeded(ServiceRequest)  # the statistics' summaries of their figures
    return [
        f"已生成诉求工单：{report['requests']:,} 件（流转记录 {report['handoffs']:,} 条，"
        f"转为困难帮扶 {report['hardship_files']} 件）；"
        f"用时 {time.perf_counter() - started:.1f} 秒。"
    ]


def run_centres(options: SeedOptions) -> list[str]:
    """职工服务中心 of the province and the cities, each headed by one of its staff: a part of
    its own, after the demo accounts (the heads) exist."""
    if ServiceCentre.objects.exists():
        return []
    intakes = Organization.objects.filter(kind__in=("province", "city"))
    heads = dict(
        User.objects.filter(is_active=True, scope_org__in=intakes)
        .order_by("scope_org_id", "id")
        .values_list("scope_org_id", "id")
    )
    if not heads:
        return []
    ServiceCentre.objects.bulk_create(
        [ServiceCentre(org_id=org, head_id=head) for org, head in heads.items()],
        ignore_conflicts=True,
    )
    return [f"已设职工服务中心 {len(heads)} 个（负责人为该级工会的第一个账号）。"]


class Generator:
    def __init__(self, options: SeedOptions):
        self.rnd = random.Random(options.seed * 7919 + 14)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.days = DemoDays(self.rnd, self.today, self.now)
        self.names = Names(self.rnd, options.seed + 14)
        self.report = defaultdict(int)
        self.due_cache: dict[tuple[dt.date, int], calendar.Due] = {}

    def _due(self, start, days):
        if (start, days) not in self.due_cache:
            self.due_cache[(start, days)] = calendar.add_working_days(start, days)
        return self.due_cache[(start, days)]

    def run(self) -> dict:
        services.ensure_categories()
        categories = {c.code: c for c in RequestCategory.objects.all()}
        pick = [
            categories[code] for code, w in CATEGORY_WEIGHTS if code in categories for _ in range(w)
        ]
        orgs = list(
            Organization.objects.filter(status=Status.NORMAL).only(
                "id", "path", "parent_id", "kind"
            )
        )
        children = defaultdict(list)
        for o in orgs:
            if o.parent_id:
                children[o.parent_id].append(o)
        intakes = [o for o in orgs if o.kind in ("province", "city")]
        if not intakes or not pick:
            return self.report
        counsellors = list(
            User.objects.filter(is_active=True, scope_org__isnull=False).values_list(
                "id", flat=True
            )[:50]
        )
        members = Membership.objects.filter(status__in=CURRENT_STATUSES).count()
        wanted = max(30, int(members * RATE * YEARS))
        rows, routes = [], []
        for i in range(wanted):
            intake = self.rnd.choice(intakes)
            path = [intake]
            for _ in range(self.rnd.choice([0, 1, 1, 2, 2, 3])):
                below = children.get(path[-1].id)
                if not below:
                    break
                path.append(self.rnd.choice(below))
            category = self.rnd.choice(pick)
            if category.confidential and not counsellors:
                category = categories["01"]
            opened = self.today - dt.timedelta(days=self.rnd.randrange(0, 365 * YEARS))
            age = (self.today - opened).days
            urgency = self.rnd.choice(
                [Urgency.NORMAL] * 6 + [Urgency.DIFFICULT] * 3 + [Urgency.COMPLEX]
            )
            if age > 30:
                state = "closed"
            else:
                state = self.rnd.choice(["dispatch", "handling", "handling", "reported", "closed"])
            handler = path[-1]
            holder = intake if state in ("reported", "closed") else handler
            request = ServiceRequest(
                number=f"~{i}",
                org=holder,
                intake_org=intake,
                handling_org=handler if state != "dispatch" else None,
                channel=self.rnd.choice(
                    [Channel.PHONE] * 6
                    + [Channel.WINDOW, Channel.STATION, Channel.ONLINE, Channel.ONLINE]
                ),
                category=category,
                urgency=urgency,
                confidential=category.confidential,
                counsellor_id=self.rnd.choice(counsellors) if category.confidential else None,
                caller_name=self.names(self.rnd.choice("12")),
                summary=SUMMARIES.get(category.code, "职工诉求（演示数据）。"),
                state=state,
                state_since=self.now,
                opened_on=opened,
                created_by_name="演示数据",
            )
            if state in ("reported", "closed"):
                request.result = "已办理并答复职工（演示数据）。"
                request.handled_by_name = "演示数据"
                request.reported_on = self.days.after(opened, 1, 30)
                request.on_time = self.rnd.random() < 0.95
            if state == "closed":
                request.satisfied = self.rnd.random() < 0.92
                request.callback_on = request.reported_on
                request.callback_by_name = "演示数据"
                request.closed_on = request.reported_on
                request.quality_flag = self.rnd.random() < 0.02
            else:
                days = (
                    URGENCY_DAYS[urgency]
                    if state == "handling"
                    else (1 if state == "dispatch" else 3)
                )
                start = max(opened, self.today - dt.timedelta(days=self.rnd.randrange(0, 8)))
                due = self._due(start, days)
                request.wait_started_on, request.wait_days = start, days
                request.due_on, request.due_complete = due.due, due.complete
                request.responsible_org = holder
            # Its last step: reported (and called back) on its reporting day, or still waiting
            # since the day its wait started.
            request.state_since = self.days.at(
                request.reported_on or (opened if state == "dispatch" else request.wait_started_on)
            )
            rows.append(request)
            routes.append(path)
        ServiceRequest.objects.bulk_create(rows, batch_size=BATCH)
        for r in rows:
            r.number = f"GD{r.opened_on.year}{r.pk:07d}"
        ServiceRequest.objects.bulk_update(rows, ["number"], batch_size=BATCH)
        kind = ContentType.objects.get_for_model(ServiceRequest)
        events, handoffs = [], []
        for r, path in zip(rows, routes, strict=True):
            event = partial(CaseEvent, content_type=kind, object_id=r.pk, actor_name="演示数据")
            opened_at = self.days.at(r.opened_on)
            events.append(event(action="open", label="新建", to_state="dispatch", at=opened_at))
            if r.state != "dispatch":
                events.append(
                    event(
                        action="seed",
                        label="办理（演示数据）",
                        from_state="dispatch",
                        to_state=r.state,
                        at=max(opened_at, r.state_since),
                    )
                )
            # Sent down level by level from the day it was taken, an hour or so a level, and
            # reported back up on its reporting day.
            hop = partial(Handoff, request=r, actor_name="演示数据")
            moment = opened_at
            last = r.state_since if r.reported_on else self.now
            for upper, lower in zip(path, path[1:], strict=False):
                moment = min(moment + dt.timedelta(minutes=self.rnd.randrange(20, 180)), last)
                handoffs.append(hop(kind=Handoff.DOWN, from_org=upper, to_org=lower, at=moment))
            if r.state in ("reported", "closed") and len(path) > 1:
                handoffs.append(
                    hop(
                        kind=Handoff.REPORT,
                        from_org=path[-1],
                        to_org=path[0],
                        at=max(moment, r.state_since),
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        planned = [h.at for h in handoffs]
        Handoff.objects.bulk_create(handoffs, batch_size=BATCH)
        # ``at`` is auto_now_add: an insert stamps it now; the planned moments are written after.
        for h, at in zip(handoffs, planned, strict=True):
            h.at = at
        Handoff.objects.bulk_update(handoffs, ["at"], batch_size=BATCH)
        audit.record(
            None,
            "seed.servicerequests",
            object_type="servicerequests.servicerequest",
            changes={"requests": len(rows)},
        )
        self.report["requests"] = len(rows)
        self.report["handoffs"] = len(handoffs)
        self._spawned_files(rows, kind)
        return self.report

    def _spawned_files(self, rows, kind) -> None:
        """A few 服务帮扶 requests that became hardship files (转为困难帮扶), linked both ways,
        as the 建档 form opened from the request leaves them."""
        from smartunion.assistance.models import HardshipFile

        files = list(
            HardshipFile.objects.filter(service_request__isnull=True)
            .select_related("org")
            .order_by("id")[:200]
        )
        asked = [r for r in rows if r.category.code == "02" and r.state != "dispatch"]
        linked, events = [], []
        for file in files:
            match = next((r for r in asked if file.org.path.startswith(r.intake_org.path)), None)
            if match is None:
                continue
            asked.remove(match)
            match.hardship_file = file
            match.result = f"已转困难职工档案 {file.number}"
            linked.append(match)
            events.append(
                CaseEvent(
                    content_type=kind,
                    object_id=match.pk,
                    action="spawn_hardship",
                    label="转为困难帮扶",
                    from_state=match.state,
                    to_state=match.state,
                    details={"hardship_file": file.pk},
                    actor_name="演示数据",
                    at=self.now,
                )
            )
            events.append(
                CaseEvent(
                    content_type=ContentType.objects.get_for_model(HardshipFile),
                    object_id=file.pk,
                    action="from_source",
                    label="由诉求工单转来",
                    from_state=file.state,
                    to_state=file.state,
                    note=match.number,
                    details={"source": match.number},
                    actor_name="演示数据",
                    at=self.now,
                )
            )
            if len(linked) >= 20:
                break
        ServiceRequest.objects.bulk_update(linked, ["hardship_file", "result"])
        CaseEvent.objects.bulk_create(events)
        self.report["hardship_files"] = len(linked)
