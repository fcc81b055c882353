"""Writes of contests: proposing a contest to the plan, entering members, judges and their
conflicts, scores, rankings, the results' 公示 and the award rules; the handlers of the
transitions declared in ``workflows`` (run by ``casework.services.transition``).

Every rule refuses with a Chinese message naming the field, inside one transaction, so
nothing is saved when one fails.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from smartunion.casework import money, notices
from smartunion.casework import services as casework
from smartunion.contests import ranking
from smartunion.contests.codes import (
    AWARD_ORDER,
    PROVINCIAL_TIERS,
    ContestKind,
    OrganiserRole,
    Outcome,
    Part,
    Round,
    SkillLevel,
    Tier,
    TieRule,
)
from smartunion.contests.models import (
    AwardRule,
    Benefit,
    Contest,
    ContestOrganiser,
    ContestTrade,
    Entry,
    Judge,
    JudgeConflict,
    Score,
    Team,
    TeamMember,
)
from smartunion.core import audit
from smartunion.core.actors import is_self
from smartunion.core.errors import NotInScope
from smartunion.members.models import CURRENT_STATUSES, Membership, Person
from smartunion.orgs.models import Kind, Organization, path_prefixes

READ_ONLY = "您的账号只有查看权限，不能修改。"
OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
#: Entries that hold a place of their unit's quota.
LIVE_ENTRY_STATES = ("entered", "unit_ok", "host_ok", "accepted", "finalist", "publicity")
HUNDRED = Decimal(100)


def _require_change(actor) -> None:
    if not actor.can("change"):
        raise PermissionDenied(READ_ONLY)


def _percent(raw, name: str, label: str, problems: dict) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        problems[name] = f"{label}应为数字（百分比），例如 30。"
        return Decimal(0)
    if isinstance(raw, float) or not value.is_finite() or value < 0 or value > HUNDRED:
        problems[name] = f"{label}应为0至100之间的数字。"
        return Decimal(0)
    if value != value.quantize(Decimal("0.01")):
        problems[name] = f"{label}最多保留两位小数。"
    return value


@dataclass
class TradeData:
    name: str
    occupation_code: str
    level: str
    quota_per_unit: int = 3


@dataclass
class OrganiserData:
    role: str
    name: str = ""
    org_id: int | None = None


@dataclass
class ContestData:
    """What the proposal form (or the API) gives for a new contest."""

    name: str
    year: int
    tier: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    trades: list[TradeData] = field(default_factory=list)
    organisers: list[OrganiserData] = field(default_factory=list)
    host_id: int | None = None
    budget: object = "0"
    requires_member: bool = True
    theory_weight: object = "30"
    practice_weight: object = "70"
    defence_weight: object = "0"
    tie_rule: str = TieRule.THEORY_THEN_EQUAL
    first_prizes: int = 1
    second_prizes: int = 2
    third_prizes: int = 5
    excellence_until: int = 20
    rules_doc: str = ""


def check_weights(theory, practice, defence, problems: dict, theory_max=Decimal(30)) -> tuple:
    t = _percent(theory, "theory_weight", "理论知识权重", problems)
    p = _percent(practice, "practice_weight", "实际操作权重", problems)
    d = _percent(defence, "defence_weight", "技术答辩权重", problems)
    if not problems:
        if t + p + d != HUNDRED:
            problems["weights"] = f"理论、实操、答辩权重之和应为100%，现为{t + p + d:g}%。"
        elif t > theory_max:
            problems["theory_weight"] = f"理论知识权重不能超过{theory_max:g}%。"
    return t, p, d


def interval_warning(year: int, codes: list[str], *, exclude: int | None = None) -> str:
    """Gansu's rule: one trade runs a provincial contest at most once in two years. The
    trades of ``codes`` that ran one in the two years before ``year`` (a warning, not a
    refusal: the province decides)."""
    rows = (
        ContestTrade.objects.filter(
            occupation_code__in=codes,
            contest__tier__in=PROVINCIAL_TIERS,
            contest__year__gte=year - 2,
            contest__year__lt=year,
        )
        .exclude(contest__state="not_planned")
        .select_related("contest")
    )
    if exclude is not None:
        rows = rows.exclude(contest_id=exclude)
    seen = []
    for t in rows.order_by("contest__year", "id")[:5]:
        seen.append(f"{t.name}（{t.occupation_code}）{t.contest.year}年已列入“{t.contest.name}”")
    if not seen:
        return ""
    return ("同一工种原则上两年内只举办一次省级竞赛：" + "；".join(seen) + "。")[:500]


def default_award_rules(contest: Contest) -> list[AwardRule]:
    """The usual rules by tier (SERVICES.md §5.2): the contest may change them."""
    rules = []
    if contest.tier in (Tier.CLASS1, Tier.LEADING):
        rules.append(
            AwardRule(
                contest=contest,
                label="第一名推荐为省五一劳动奖章候选人",
                max_rank=1,
                outcome=Outcome.HONOUR,
                honour_kind="provincial_may1_medal",
            )
        )
    if contest.tier in (Tier.CLASS1, Tier.CLASS2, Tier.LEADING):
        rules.append(
            AwardRule(
                contest=contest,
                label=f"前{5 if contest.tier != Tier.CLASS2 else 3}名推荐为省技术能手",
                max_rank=5 if contest.tier != Tier.CLASS2 else 3,
                outcome=Outcome.HONOUR,
                honour_kind="technical_expert",
            )
        )
    if contest.kind == ContestKind.SKILLS:
        rules.append(
            AwardRule(
                contest=contest,
                label="优胜奖及以上晋升技师（已是技师的晋升高级技师）",
                min_award="excellence",
                outcome=Outcome.PROMOTION,
            )
        )
    return rules


@transaction.atomic
def create_contest(data: ContestData, org_id, *, actor, on: dt.date | None = None) -> Contest:
    """申报: a contest proposed by ``org`` (主办), waiting for the province's plan."""
    _require_change(actor)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("工会组织")
    host = None
    if data.host_id is not None:
        host = Organization.objects.visible_to(actor).filter(pk=data.host_id).first()
        if host is None:
            raise NotInScope("承办工会")
    problems: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        problems["name"] = "请填写竞赛名称。"
    if not isinstance(data.year, int) or not 2000 <= data.year <= 2100:
        problems["year"] = "年度应在2000年至2100年之间。"
    if data.tier not in Tier.values:
        problems["tier"] = "请选择竞赛层级。"
    elif data.tier in PROVINCIAL_TIERS and org.kind in (Kind.SINGLE, Kind.JOINT):
        problems["tier"] = "基层工会不能申报省级竞赛。"
    if data.kind not in ContestKind.values:
        problems["kind"] = "请选择竞赛类别。"
    if data.tie_rule not in TieRule.values:
        problems["tie_rule"] = "请选择同分规则。"
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems["ends_on"] = "结束日期不能早于开始日期。"
    try:
        budget = money.parse_amount(data.budget, field="budget", label="预算", allow_zero=True)
    except ValidationError as exc:
        problems.update({k: v[0] for k, v in exc.message_dict.items()})
        budget = Decimal(0)
    theory, practice, defence = check_weights(
        data.theory_weight, data.practice_weight, data.defence_weight, problems
    )
    if not (1 <= data.first_prizes <= 10 and 0 <= data.second_prizes <= 20):
        problems["first_prizes"] = "一等奖名额应为1至10名，二等奖不超过20名。"
    if not 0 <= data.third_prizes <= 50:
        problems["third_prizes"] = "三等奖名额不超过50名。"
    if data.excellence_until < data.first_prizes + data.second_prizes + data.third_prizes:
        problems["excellence_until"] = "优胜奖名次不能在三等奖之前。"
    if not data.trades:
        problems["trades"] = "请至少列出一个竞赛工种。"
    codes = []
    for i, t in enumerate(data.trades, start=1):
        if not (t.name or "").strip():
            problems["trades"] = f"第{i}个工种：请填写工种名称。"
        elif not OCCUPATION_CODE.match(t.occupation_code or ""):
            problems["trades"] = f"第{i}个工种：职业编码应为国家职业分类代码，如 6-31-01-03。"
        elif t.level not in SkillLevel.values:
            problems["trades"] = f"第{i}个工种：请选择技能等级。"
        elif not 1 <= (t.quota_per_unit or 0) <= 100:
            problems["trades"] = f"第{i}个工种：每单位名额应为1至100人。"
        elif t.occupation_code in codes:
            problems["trades"] = f"第{i}个工种：职业编码 {t.occupation_code} 重复。"
        codes.append(t.occupation_code)
    organisers = []
    for i, o in enumerate(data.organisers, start=1):
        if o.role not in OrganiserRole.values:
            problems["organisers"] = f"第{i}个组织单位：请选择主办、承办或协办。"
            continue
        unit = None
        if o.org_id is not None:
            unit = Organization.objects.visible_to(actor).filter(pk=o.org_id).first()
            if unit is None:
                raise NotInScope("工会组织")
        label = (o.name or "").strip() or (unit.name if unit else "")
        if not label:
            problems["organisers"] = f"第{i}个组织单位：请填写单位名称。"
        organisers.append((o.role, unit, label[:128]))
    if problems:
        raise ValidationError(problems)
    contest = Contest(
        org=org,
        host=host,
        name=name[:128],
        year=data.year,
        tier=data.tier,
        kind=data.kind,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        budget=budget,
        requires_member=data.requires_member,
        theory_weight=theory,
        practice_weight=practice,
        defence_weight=defence,
        tie_rule=data.tie_rule,
        first_prizes=data.first_prizes,
        second_prizes=data.second_prizes,
        third_prizes=data.third_prizes,
        excellence_until=data.excellence_until,
        rules_doc=(data.rules_doc or "").strip()[:64],
    )
    if data.tier in PROVINCIAL_TIERS:
        contest.interval_warning = interval_warning(data.year, codes)
    casework.open_case(contest, actor=actor, on=on)
    ContestTrade.objects.bulk_create(
        [
            ContestTrade(
                contest=contest,
                name=t.name.strip()[:64],
                occupation_code=t.occupation_code,
                level=t.level,
                quota_per_unit=t.quota_per_unit,
            )
            for t in data.trades
        ]
    )
    if not any(role == OrganiserRole.HOST for role, _, _ in organisers):
        organisers.insert(0, (OrganiserRole.HOST, org, org.name))
    if host and not any(role == OrganiserRole.UNDERTAKER for role, _, _ in organisers):
        organisers.append((OrganiserRole.UNDERTAKER, host, host.name))
    ContestOrganiser.objects.bulk_create(
        [ContestOrganiser(contest=contest, role=r, org=u, name=n) for r, u, n in organisers]
    )
    AwardRule.objects.bulk_create(default_award_rules(contest))
    audit.record(
        actor,
        "contests.contest.create",
        contest,
        changes={"tier": contest.tier, "trades": codes, "budget": str(budget)},
    )
    return contest


# ---- entries ---------------------------------------------------------------------------------


def city_of(org: Organization) -> Organization | None:
    """The city-level union above ``org`` (its own if it is one): where its preliminaries run."""
    if org.kind == Kind.CITY:
        return org
    return (
        Organization.objects.filter(path__in=path_prefixes(org.path), kind=Kind.CITY)
        .order_by("-depth")
        .first()
    )


@transaction.atomic
def enter(
    contest: Contest,
    *,
    trade_id,
    person_id,
    actor,
    org_id=None,
    skill_level: str = "",
    on: dt.date | None = None,
) -> Entry:
    """报名: ``person`` entered in one trade by their union (the union of their current
    membership; a contest open to non-members names the union with ``org_id``)."""
    _require_change(actor)
    contest = Contest.objects.visible_to(actor).filter(pk=contest.pk).first()
    if contest is None:
        raise NotInScope("竞赛")
    # The trade row is the lock of its quotas: two entries of one unit at once queue here.
    trade = ContestTrade.objects.select_for_update().filter(pk=trade_id, contest=contest).first()
    if trade is None:
        raise NotInScope("竞赛工种")
    person = Person.objects.visible_to(actor).filter(pk=person_id).first()
    if person is None:
        raise NotInScope("人员")
    if contest.state != "entries":
        raise ValidationError(f"竞赛当前为“{contest.state_label}”，不在报名阶段。")
    membership = (
        Membership.objects.filter(person=person, status__in=CURRENT_STATUSES)
        .select_related("org")
        .first()
    )
    org = None
    if membership is not None:
        org = membership.org
    elif contest.requires_member:
        raise ValidationError({"person": "该职工不是在籍会员，本竞赛只接受在籍会员报名。"})
    elif org_id is not None:
        org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
        if org is None:
            raise NotInScope("工会组织")
    else:
        raise ValidationError({"org": "该职工不是会员，请选择报名单位。"})
    if not Organization.objects.visible_to(actor, "change").filter(pk=org.pk).exists():
        raise PermissionDenied("只能由选手所在工会或其上级工会报名。")
    return _open_entry(contest, trade, person, org, actor=actor, skill_level=skill_level, on=on)


def _open_entry(contest, trade, person, org, *, actor, skill_level: str, on) -> Entry:
    """The checks every entry passes (a union's or the worker's own) and the new case, in the
    unit's check (单位审核)."""
    if skill_level and skill_level not in SkillLevel.values:
        raise ValidationError({"skill_level": "请选择现技能等级。"})
    if Entry.objects.filter(trade=trade, person=person).exists():
        raise ValidationError({"person": "该选手已报名此工种。"})
    taken = Entry.objects.filter(trade=trade, org=org, state__in=LIVE_ENTRY_STATES).count()
    if taken >= trade.quota_per_unit:
        raise ValidationError(
            {"person": f"超出本单位名额：{trade.name}每个单位限报{trade.quota_per_unit}人。"}
        )
    entry = Entry(
        contest=contest,
        trade=trade,
        person=person,
        org=org,
        city=city_of(org),
        skill_level=skill_level,
    )
    casework.open_case(entry, actor=actor, on=on)
    return entry


#: A worker applying on 职工之家 needs a current membership: their union checks the entry.
NOT_A_MEMBER = "您目前没有在籍会籍，不能在职工之家报名，请联系所在工会。"


def _self_membership(actor):
    if not is_self(actor) or actor.person_id is None:
        raise PermissionDenied("请先完成实名认证。")
    return (
        Membership.objects.filter(person_id=actor.person_id, status__in=CURRENT_STATUSES)
        .select_related("org")
        .first()
    )


def open_for_self(actor) -> list[Contest]:
    """The contests a worker may enter on 职工之家 (issue 16): in 报名中, their union within
    the contest's organiser's subtree, with their trades (``prefetch``) — none for a worker
    without a current membership."""
    membership = _self_membership(actor)
    if membership is None:
        return []
    return list(
        Contest.objects.filter(state="entries", org__path__in=path_prefixes(membership.org.path))
        .prefetch_related("trades")
        .order_by("-id")[:20]
    )


@transaction.atomic
def enter_self(contest_id, *, trade_id, actor, skill_level: str = "", on=None) -> Entry:
    """报名 by the worker themself on 职工之家 (``SelfActor``, bound): for their union of the
    current membership, within the contest's scope; the union's own checks and quota, then
    the unit's check (单位审核) like a union's entry (``created_by_name`` 本人（职工之家）)."""
    membership = _self_membership(actor)
    try:
        contest = Contest.objects.select_related("org").filter(pk=int(contest_id)).first()
    except (TypeError, ValueError):
        raise NotInScope("竞赛") from None
    if contest is None or (
        membership is not None and not membership.org.path.startswith(contest.org.path)
    ):
        raise NotInScope("竞赛")
    trade = None
    if str(trade_id or "").isdigit():
        trade = (
            ContestTrade.objects.select_for_update().filter(pk=trade_id, contest=contest).first()
        )
    if trade is None:
        raise ValidationError({"trade": "请选择报名工种。"})
    if contest.state != "entries":
        raise ValidationError(f"竞赛当前为“{contest.state_label}”，不在报名阶段。")
    if membership is None:
        raise ValidationError(NOT_A_MEMBER)
    person = Person.objects.get(pk=actor.person_id)
    try:
        return _open_entry(
            contest, trade, person, membership.org, actor=actor, skill_level=skill_level, on=on
        )
    except ValidationError as exc:
        if getattr(exc, "error_dict", {}).get("person"):
            words = [m.replace("该选手", "您") for e in exc.error_dict["person"] for m in e]
            raise ValidationError({"trade": words}) from None
        raise


def on_entry_check(entry: Entry, actor, data: dict, note: str) -> None:
    if entry.contest.state not in ("entries", "preliminary"):
        raise ValidationError(f"竞赛当前为“{entry.contest.state_label}”，不能审核报名。")


def on_advance(entry: Entry, actor, data: dict, note: str) -> None:
    if entry.contest.state != "preliminary":
        raise ValidationError("初赛阶段才能确定晋级决赛的选手。")
    if entry.total is None:
        raise ValidationError("该选手初赛成绩不全，不能晋级。")
    entry.preliminary_total, entry.preliminary_rank = entry.total, entry.rank
    entry.round = Round.FINAL
    entry.theory = entry.practice = entry.defence = entry.total = entry.rank = None


def on_eliminate(entry: Entry, actor, data: dict, note: str) -> None:
    entry.preliminary_total, entry.preliminary_rank = entry.total, entry.rank


def on_start_final(contest: Contest, actor, data: dict, note: str) -> None:
    if not contest.entries.filter(state="finalist").exists():
        raise ValidationError("还没有晋级决赛的选手。")
    today = casework.today()
    # Entrants of the preliminaries not advanced: 未晋级 (a bulk step of the committee).
    contest.entries.filter(state="accepted").update(
        state="eliminated",
        closed_on=today,
        due_on=None,
        responsible_org=None,
        preliminary_total=F("total"),
        preliminary_rank=F("rank"),
    )
    contest.entries.filter(state__in=("entered", "unit_ok", "host_ok")).update(
        state="rejected", closed_on=today, due_on=None, responsible_org=None
    )


def describe_entry(entry: Entry) -> dict:
    award = entry.get_award_display() if entry.award else ""
    return {
        "name_masked": notices.mask_name(entry.person.name),
        "org_name": entry.org.name,
        "category": f"{entry.trade.name} 第{entry.rank}名" if entry.rank else entry.trade.name,
        "detail": f"总成绩 {entry.total} {award}".strip() if entry.total is not None else "",
        "amount": None,
    }


def on_publish_results(contest: Contest, actor, data: dict, note: str) -> None:
    finalists = list(
        contest.entries.filter(state="finalist").select_related("person", "org", "trade")
    )
    if not finalists:
        raise ValidationError("没有决赛选手，不能公示成绩。")
    unranked = [e for e in finalists if e.rank is None]
    if unranked:
        raise ValidationError(
            f"还有{len(unranked)}名决赛选手成绩不全或未排名，请录入成绩并计算名次后再公示。"
        )
    notice = notices.create_notice(
        "contests.entry",
        org=contest.org,
        subjects=finalists,
        title=f"{contest.name}决赛成绩公示",
        actor=actor,
    )
    notices.publish_notice(notice, actor=actor)


def on_finish(contest: Contest, actor, data: dict, note: str) -> None:
    waiting = contest.entries.filter(state="publicity").count()
    if waiting:
        raise ValidationError(f"成绩公示尚未结束（{waiting}名选手仍在公示中）。")
    apply_awards(contest, actor=actor)


# ---- judges and scores ----------------------------------------------------------------------


def _contest_for_change(contest_id, actor) -> Contest:
    _require_change(actor)
    try:
        return (
            Contest.objects.visible_to(actor, "change")
            .select_for_update(of=("self",))
            .select_related("org", "host")
            .get(pk=contest_id)
        )
    except (Contest.DoesNotExist, ValueError, TypeError):
        raise NotInScope("竞赛") from None


def organiser_only(contest: Contest, actor) -> None:
    from smartunion.contests.workflows import ORGANISER

    if not ORGANISER.allows(actor, contest):
        raise PermissionDenied("须由竞赛主办工会（组委会）办理。")


@transaction.atomic
def add_judge(contest: Contest, *, name: str, actor, trade_id=None, employer: str = "") -> Judge:
    contest = _contest_for_change(contest.pk, actor)
    organiser_only(contest, actor)
    trade = None
    if trade_id is not None:
        trade = contest.trades.filter(pk=trade_id).first()
        if trade is None:
            raise NotInScope("竞赛工种")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写裁判姓名。"})
    judge = Judge.objects.create(
        contest=contest, trade=trade, name=name[:64], employer=(employer or "").strip()[:128]
    )
    audit.record(actor, "contests.judge.add", judge, changes={"contest": contest.pk})
    return judge


def _judge(contest: Contest, judge_id) -> Judge:
    judge = Judge.objects.filter(pk=judge_id, contest=contest).first()
    if judge is None:
        raise NotInScope("裁判")
    return judge


@transaction.atomic
def declare_conflict(entry: Entry, *, judge_id, reason: str, actor) -> JudgeConflict:
    """回避声明: the judge may not score this entrant."""
    entry = casework.lock_case(Entry, entry.pk, actor=actor)
    judge = _judge(entry.contest, judge_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写利害关系说明（如同一单位、师徒、亲属）。"})
    conflict, _ = JudgeConflict.objects.get_or_create(
        judge=judge, entry=entry, defaults={"reason": reason[:200]}
    )
    audit.record(actor, "contests.judge.conflict", entry, changes={"judge": judge.pk})
    return conflict


def _may_score(contest: Contest, entry: Entry, actor) -> None:
    """The preliminaries are scored by their city's union, the final by the committee."""
    from smartunion.contests.workflows import ORGANISER

    if ORGANISER.allows(actor, contest):
        return
    if entry.round == Round.PRELIMINARY and entry.city is not None:
        if actor.scope_path and entry.city.path.startswith(actor.scope_path):
            return
    raise PermissionDenied("初赛成绩由所在市州工会录入，决赛成绩由组委会录入。")


SCORING_STATES = {"accepted": Round.PRELIMINARY, "finalist": Round.FINAL}


def parse_score(raw) -> Decimal:
    if isinstance(raw, float | bool) or raw is None or raw == "":
        raise ValidationError({"value": '请以数字文本填写分数，例如 "86.5"。'})
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError({"value": "分数应为数字，例如 86.5。"}) from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValidationError({"value": "分数应在0至100之间。"})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({"value": "分数最多保留两位小数。"})
    return value


@transaction.atomic
def record_score(entry: Entry, *, judge_id, part: str, value, actor, station: int = 1) -> Score:
    """评分: one judge's score of one part at one station (two judges a station)."""
    _require_change(actor)
    entry = casework.lock_case(Entry, entry.pk, actor=actor)
    contest = entry.contest
    _may_score(contest, entry, actor)
    judge = _judge(contest, judge_id)
    if part not in Part.values:
        raise ValidationError({"part": "请选择评分项目（理论知识、实际操作或技术答辩）。"})
    score = parse_score(value)
    if not isinstance(station, int) or not 1 <= station <= 20:
        raise ValidationError({"station": "考核点应为1至20。"})
    expected = SCORING_STATES.get(entry.state)
    if expected is None or (
        contest.state != ("preliminary" if expected == Round.PRELIMINARY else "final")
    ):
        raise ValidationError(
            f"该选手当前为“{entry.state_label}”，竞赛为“{contest.state_label}”，不能录入成绩。"
        )
    if contest.weights[part] == 0:
        raise ValidationError({"part": f"本竞赛不设{Part(part).label}。"})
    if judge.trade_id is not None and judge.trade_id != entry.trade_id:
        raise ValidationError({"judge": "该裁判不是本工种的裁判。"})
    if JudgeConflict.objects.filter(judge=judge, entry=entry).exists():
        raise ValidationError(
            {"judge": f"裁判{judge.name}已声明与该选手存在利害关系，须回避，不能为其评分。"}
        )
    at_station = Score.objects.filter(entry=entry, round=entry.round, part=part, station=station)
    if at_station.filter(judge=judge).exists():
        raise ValidationError({"judge": "该裁判已为此选手该考核点评分。"})
    if at_station.count() >= 2:
        raise ValidationError({"station": "每个考核点由两名裁判评分，该考核点已有两名裁判的分数。"})
    row = Score.objects.create(
        entry=entry,
        round=entry.round,
        part=part,
        station=station,
        judge=judge,
        value=score,
        recorded_by_name=casework.actor_label(actor)[0],
    )
    refresh_entry_scores(entry)
    audit.record(
        actor,
        "contests.score",
        entry,
        changes={"part": part, "station": station, "judge": judge.pk, "value": str(score)},
    )
    return row


def refresh_entry_scores(entry: Entry) -> None:
    """The entry's part scores and total of its round, from the judges' scores."""
    stations: dict[str, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for part, station, value in Score.objects.filter(entry=entry, round=entry.round).values_list(
        "part", "station", "value"
    ):
        stations[part][station].append(value)
    parts = {p: ranking.part_score(stations[p]) for p in Part.values}
    entry.theory, entry.practice, entry.defence = (
        parts[Part.THEORY],
        parts[Part.PRACTICE],
        parts[Part.DEFENCE],
    )
    entry.total = ranking.total(parts, entry.contest.weights)
    Entry.objects.filter(pk=entry.pk).update(
        theory=entry.theory, practice=entry.practice, defence=entry.defence, total=entry.total
    )


# ---- rankings -------------------------------------------------------------------------------


@transaction.atomic
def rank_round(contest: Contest, *, actor) -> int:
    """名次 of the round the contest is in: the preliminaries per trade and city, the final per
    trade (with the awards the ranks earn). Returns the number of entrants ranked."""
    contest = _contest_for_change(contest.pk, actor)
    organiser_only(contest, actor)
    if contest.state == "preliminary":
        rows = contest.entries.filter(state="accepted")
        group = ("trade_id", "city_id")
    elif contest.state == "final":
        rows = contest.entries.filter(state="finalist")
        group = ("trade_id",)
    else:
        raise ValidationError(f"竞赛当前为“{contest.state_label}”，没有要排名的成绩。")
    return _rank(contest, rows, group, final=contest.state == "final")


def _rank(contest: Contest, rows, group: tuple[str, ...], *, final: bool) -> int:
    data = list(rows.values_list("id", "total", "practice", "theory", "rank", "award", *group))
    groups: dict[tuple, list] = defaultdict(list)
    for ident, total, practice, theory, old_rank, old_award, *key in data:
        groups[tuple(key)].append(
            (ranking.Row(ident, total, practice, theory), old_rank, old_award)
        )
    changed = []
    for members in groups.values():
        ranks = ranking.rank((m[0] for m in members), contest.tie_rule)
        for row, old_rank, old_award in members:
            new_rank = ranks.get(row.key)
            new_award = contest.award_for(new_rank) if final else ""
            if (new_rank, new_award) != (old_rank, old_award):
                changed.append((new_rank, new_award, row.key))
    write_ranks(changed)
    return sum(1 for d in data if d[1] is not None)


def write_ranks(changed: list[tuple], batch: int = 1000) -> None:
    """``(rank, award, id)`` rows written by one ``UPDATE … FROM (VALUES …)`` per thousand:
    ``bulk_update``'s ``CASE … WHEN`` grows with the batch (6.5 s for 5,000 rows on SQLite)
    and one statement per row waits on each answer (VALUES columns are column1, column2 … on
    both PostgreSQL and SQLite)."""
    qn = connection.ops.quote_name
    table = qn(Entry._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(changed), batch):
            part = changed[start : start + batch]
            values = ", ".join(["(%s, %s, %s)"] * len(part))
            cursor.execute(
                f"UPDATE {table} SET {qn('rank')} = CAST(v.column1 AS INTEGER), "
                f"{qn('award')} = CAST(v.column2 AS TEXT) "
                f"FROM (VALUES {values}) AS v WHERE {table}.id = CAST(v.column3 AS INTEGER)",
                [x for row in part for x in row],
            )


# ---- awards ---------------------------------------------------------------------------------

PROMOTION = {SkillLevel.L5: "2", SkillLevel.L4: "2", SkillLevel.L3: "2", SkillLevel.L2: "1"}


def rule_matches(rule: AwardRule, entry: Entry) -> bool:
    if entry.rank is None:
        return False
    if rule.max_rank is not None and entry.rank > rule.max_rank:
        return False
    if rule.min_award:
        if entry.award not in AWARD_ORDER:
            return False
        if AWARD_ORDER.index(entry.award) > AWARD_ORDER.index(rule.min_award):
            return False
    return True


def apply_awards(contest: Contest, *, actor, on: dt.date | None = None) -> list[Benefit]:
    """The contest's award rules over its published final: honour candidates in the honours
    register (``honours.services.propose_candidate``) and skill-level promotions. Run again,
    it adds only what is missing."""
    from smartunion.honours.services import propose_candidate

    on = on or casework.today()
    rules = list(contest.award_rules.all())
    entries = list(
        contest.entries.filter(state__in=("published", "publicity", "finalist"))
        .exclude(rank=None)
        .select_related("person")
        .order_by("trade_id", "rank", "id")
    )
    done = set(Benefit.objects.filter(entry__contest=contest).values_list("entry_id", "rule_id"))
    made = []
    for entry in entries:
        for rule in rules:
            if (entry.pk, rule.pk) in done or not rule_matches(rule, entry):
                continue
            benefit = Benefit(entry=entry, rule=rule, outcome=rule.outcome, granted_on=on)
            if rule.outcome == Outcome.HONOUR:
                honour = propose_candidate(
                    actor=actor,
                    person=entry.person,
                    kind=rule.honour_kind,
                    year=contest.year,
                    source=f"contest:{contest.pk}",
                    source_url=contest.get_absolute_url(),
                )
                benefit.honour_id = honour.pk
                benefit.label = rule.label[:64]
            else:
                level = entry.skill_level or SkillLevel.L3
                if level not in PROMOTION:
                    continue
                benefit.from_level, benefit.to_level = level, PROMOTION[level]
                benefit.label = f"晋升{SkillLevel(PROMOTION[level]).label}"
            made.append(benefit)
    try:
        with transaction.atomic():
            Benefit.objects.bulk_create(made)
    except IntegrityError:
        raise ValidationError("奖励正在由他人落实，请刷新后查看。") from None
    Contest.objects.filter(pk=contest.pk).update(awards_applied_on=on)
    audit.record(actor, "contests.awards", contest, changes={"benefits": len(made)})
    return made


# ---- award rules ------------------------------------------------------------------------------


@dataclass
class AwardRuleData:
    """One rule as the organiser writes it: a rank limit and/or a lowest award, and what it
    gives (an honour candidate of ``honour_kind``, or a skill-level promotion)."""

    label: str
    outcome: str
    max_rank: int | None = None
    min_award: str = ""
    honour_kind: str = ""
    #: The row's number as the organiser sees it (the page's "第N条", blank rows included);
    #: None: its place in the list.
    row: int | None = None


MAX_AWARD_RULES = 10


@transaction.atomic
def save_award_rules(contest_id, rules: list[AwardRuleData], *, actor) -> list[AwardRule]:
    """奖励规则: the contest's rules replaced by ``rules`` (the organiser, before the awards are
    applied — once a rule has given a candidate or a promotion the rules stand).

    Errors name the row as shown (``AwardRuleData.row``): ``{"rules": "第2条：…"}``."""
    from smartunion.honours.codes import UNIT_KINDS, kind_from

    contest = _contest_for_change(contest_id, actor)
    organiser_only(contest, actor)
    if Benefit.objects.filter(entry__contest=contest).exists():
        raise ValidationError({"rules": "本竞赛的奖励已经落实，奖励规则不能再修改。"})
    problems: list[str] = []
    made = []
    if len(rules) > MAX_AWARD_RULES:
        problems.append(f"奖励规则不超过{MAX_AWARD_RULES}条。")
    for n, rule in enumerate(rules, start=1):
        label = (rule.label or "").strip()
        row = []
        if not label:
            row.append("请填写规则说明")
        elif len(label) > 64:
            row.append("规则说明不能超过64个字符")
        if rule.max_rank is None and not rule.min_award:
            row.append("请填写名次或奖项条件")
        if rule.max_rank is not None and not (
            isinstance(rule.max_rank, int) and 1 <= rule.max_rank <= 1000
        ):
            row.append("名次应为1至1000")
        if rule.min_award and rule.min_award not in AWARD_ORDER:
            row.append("请选择奖项")
        kind = ""
        if rule.outcome == Outcome.HONOUR:
            kind = kind_from(rule.honour_kind) or ""
            if not kind:
                row.append("请选择推荐的荣誉")
            elif kind in UNIT_KINDS:
                row.append("奖状、工人先锋号授予单位，不能由个人名次推荐")
        elif rule.outcome != Outcome.PROMOTION:
            row.append("请选择奖励结果")
        if row:
            problems.append(f"第{rule.row or n}条：" + "，".join(row) + "。")
        made.append(
            AwardRule(
                contest=contest,
                label=label,
                max_rank=rule.max_rank,
                min_award=rule.min_award or "",
                outcome=rule.outcome,
                honour_kind=kind,
            )
        )
    if problems:
        raise ValidationError({"rules": problems})
    before = list(contest.award_rules.values_list("label", flat=True))
    contest.award_rules.all().delete()
    AwardRule.objects.bulk_create(made)
    audit.record(
        actor,
        "contests.award_rules",
        contest,
        changes={"before": before, "after": [r.label for r in made]},
    )
    return list(contest.award_rules.all())


# ---- teams (团体) ---------------------------------------------------------------------------

ENTRY_NUMBERS = re.compile(r"[\s,，、;；]+")


@transaction.atomic
def create_team(
    contest_id, *, actor, org_id, name: str, entry_numbers: list[str], counted: int = 3
) -> Team:
    """组队: a unit's entrants of the contest (by their entry numbers) as one team.

    The contest row is locked (``_contest_for_change``: ``select_for_update``), so the teams
    of one contest are formed one at a time and the name and "already in a team" checks see
    every committed team; a unique constraint hit anyway (a writer not taking the lock) is
    refused in Chinese, never a 500."""
    contest = _contest_for_change(contest_id, actor)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("参赛单位")
    problems: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = "请填写队名。"
    elif len(name) > 64:
        problems["name"] = "队名不能超过64个字符。"
    elif Team.objects.filter(contest=contest, name=name).exists():
        problems["name"] = "本竞赛已有同名的参赛队。"
    numbers = list(dict.fromkeys(n for n in entry_numbers if n))
    entries = list(
        Entry.objects.visible_to(actor, "change")
        .filter(contest=contest, number__in=numbers)
        .select_related("org", "person")
    )
    found = {e.number for e in entries}
    missing = [n for n in numbers if n not in found]
    if len(numbers) < 2:
        problems["entries"] = "参赛队至少要有2名队员，请填写队员的参赛编号。"
    elif missing:
        problems["entries"] = f"参赛编号“{missing[0]}”不是本竞赛中您管理范围内的报名。"
    else:
        outside = [e for e in entries if not e.org.path.startswith(org.path)]
        taken = TeamMember.objects.filter(entry__in=entries).select_related("entry__person")
        if outside:
            problems["entries"] = f"{outside[0].person.name}不是{org.name}的选手。"
        elif taken:
            problems["entries"] = f"{taken[0].entry.person.name}已在另一个参赛队中。"
    if not isinstance(counted, int) or not 1 <= counted <= 10:
        problems["counted"] = "计分人数应为1至10。"
    elif not problems.get("entries") and counted > len(numbers):
        problems["counted"] = f"计分人数（{counted}）不能多于队员人数（{len(numbers)}）。"
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            team = Team.objects.create(contest=contest, org=org, name=name, counted=counted)
            TeamMember.objects.bulk_create([TeamMember(team=team, entry=e) for e in entries])
    except IntegrityError as exc:
        if "contest_team_name_once" in str(exc):
            raise ValidationError({"name": "本竞赛已有同名的参赛队。"}) from None
        raise ValidationError(
            {"entries": "有队员已在另一个参赛队中，请刷新页面后重新组队。"}
        ) from None
    audit.record(
        actor,
        "contests.team",
        team,
        changes={"contest": contest.pk, "members": len(entries), "counted": counted},
    )
    return team


@dataclass
class TeamRow:
    team: Team
    score: Decimal | None
    scored: int
    rank: int | None


def team_ranking(contest: Contest) -> list[TeamRow]:
    """团体名次: each team's score is the sum of its ``counted`` best final totals (fewer when
    fewer members have one); teams with equal scores share a rank (1, 1, 3); teams with no
    scored member have none."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for team_id, total in TeamMember.objects.filter(
        team__contest=contest, entry__round=Round.FINAL, entry__total__isnull=False
    ).values_list("team_id", "entry__total"):
        totals[team_id].append(total)
    rows = []
    for team in contest.teams.select_related("org"):
        best = sorted(totals.get(team.pk, ()), reverse=True)[: team.counted]
        rows.append(TeamRow(team, sum(best, Decimal("0.00")) if best else None, len(best), None))
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.team.name))
    for i, row in enumerate(rows):
        if row.score is None:
            break
        row.rank = rows[i - 1].rank if i and rows[i - 1].score == row.score else i + 1
    return rows
