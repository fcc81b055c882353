"""劳动和技能竞赛 API: contests (list, detail, propose, one POST per transition, generated from
the declaration), their entries (list, enter, detail, transitions), judges and conflicts,
scores and rankings.

Money, weights and scores travel as strings ("150000.00", "30", "86.5"), never floats.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status

from smartunion.casework.api import CaseActivity, CaseFields, add_transition_routes
from smartunion.contests import services
from smartunion.contests.codes import (
    Award,
    ContestKind,
    OrganiserRole,
    Outcome,
    Part,
    SkillLevel,
    Tier,
    TieRule,
)
from smartunion.contests.models import Contest, ContestTrade, Entry, Judge, Team, TeamMember
from smartunion.core.api import TEXT_PATTERN, Day, StrictSchema, code_type, get_or_404, require
from smartunion.core.errors import NotInScope
from smartunion.core.pagination import PageIn, keyset_page, page_schema, sequence_page

router = Router(tags=["劳动和技能竞赛"])
WHAT = "竞赛"
ENTRY = "参赛报名"


def percent(value: Decimal) -> str:
    """30.00 → "30", 33.33 → "33.33"."""
    return f"{value.normalize():f}"


def text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class TradeIn(StrictSchema):
    name: str = Field(max_length=64, description="工种")
    occupation_code: str = Field(max_length=16, description="国家职业分类代码，如 6-31-01-03")
    level: code_type(SkillLevel, blank=False)
    quota_per_unit: int = Field(3, ge=1, le=100, description="每单位名额")


class OrganiserIn(StrictSchema):
    role: code_type(OrganiserRole, blank=False)
    name: str = Field("", max_length=128, description="单位名称（非工会单位时必填）")
    org: int | None = Field(None, description="工会 id（工会单位时）")


class ContestIn(StrictSchema):
    org: int = Field(description="主办（申报）工会 id")
    host: int | None = Field(None, description="承办工会 id")
    name: str = Field(max_length=128)
    year: int = Field(ge=2000, le=2100)
    tier: code_type(Tier, blank=False)
    kind: code_type(ContestKind, blank=False)
    starts_on: Day
    ends_on: Day
    budget: str = Field("0", max_length=20, description='预算（元），如 "150000.00"')
    requires_member: bool = True
    theory_weight: str = Field("30", max_length=6, description="理论知识权重（%）")
    practice_weight: str = Field("70", max_length=6, description="实际操作权重（%）")
    defence_weight: str = Field("0", max_length=6, description="技术答辩权重（%）")
    tie_rule: code_type(TieRule, blank=False) = TieRule.THEORY_THEN_EQUAL
    first_prizes: int = Field(1, ge=1, le=10)
    second_prizes: int = Field(2, ge=0, le=20)
    third_prizes: int = Field(5, ge=0, le=50)
    excellence_until: int = Field(20, ge=1, le=10000, description="优胜奖至第几名")
    rules_doc: str = Field("", max_length=64)
    trades: list[TradeIn] = Field(max_length=50)
    organisers: list[OrganiserIn] = Field([], max_length=20)


class TradeOut(Schema):
    id: int
    name: str
    occupation_code: str
    level: str
    quota_per_unit: int


class OrganiserOut(Schema):
    role: str
    name: str
    org: int | None = Field(alias="org_id")


class AwardRuleOut(Schema):
    id: int
    label: str
    max_rank: int | None
    min_award: str
    outcome: str
    honour_kind: str


class ContestItem(CaseFields):
    name: str
    year: int
    tier: str
    kind: str
    host: int | None = Field(alias="host_id")
    starts_on: dt.date
    ends_on: dt.date
    budget: str
    warning: str = Field(alias="interval_warning", description="同一工种两年内已办省级竞赛的提醒")

    @staticmethod
    def resolve_budget(obj) -> str:
        return f"{obj.budget:.2f}"


class ContestDetail(ContestItem, CaseActivity):
    requires_member: bool
    theory_weight: str
    practice_weight: str
    defence_weight: str
    tie_rule: str
    first_prizes: int
    second_prizes: int
    third_prizes: int
    excellence_until: int
    rules_doc: str
    awards_applied_on: dt.date | None
    trades: list[TradeOut]
    organisers: list[OrganiserOut]
    award_rules: list[AwardRuleOut]

    @staticmethod
    def resolve_theory_weight(obj) -> str:
        return percent(obj.theory_weight)

    @staticmethod
    def resolve_practice_weight(obj) -> str:
        return percent(obj.practice_weight)

    @staticmethod
    def resolve_defence_weight(obj) -> str:
        return percent(obj.defence_weight)

    @staticmethod
    def resolve_trades(obj):
        return list(obj.trades.all())

    @staticmethod
    def resolve_organisers(obj):
        return list(obj.organisers.all())

    @staticmethod
    def resolve_award_rules(obj):
        return list(obj.award_rules.all())


class ContestFilters(PageIn):
    year: int | None = Field(None, ge=2000, le=2100)
    tier: code_type(Tier) = ""
    kind: code_type(ContestKind) = ""
    state: str = Field("", max_length=32)
    q: str = Field("", max_length=32, description="竞赛名称包含")


def _contest(contest) -> Contest:
    return Contest.objects.select_related("org").get(pk=contest.pk)


@router.get("", response=page_schema(ContestItem))
def list_contests(request, filters: Query[ContestFilters]):
    """The plan: contests in the caller's subtree, and those on the plan of the unions above."""
    from smartunion.contests.views import filter_contests

    params = {k: ("" if v is None else str(v)) for k, v in filters.model_dump().items()}
    rows = filter_contests(Contest.objects.visible_to(request.user), params)
    return keyset_page(rows.select_related("org"), filters, order=("-id",))


@router.post("", response={201: ContestDetail})
def create_contest(request, payload: ContestIn):
    """申报: a contest proposed by ``org``, waiting for the province's plan (answers the
    two-year warning in ``warning``)."""
    require(request.user, "change")
    values = payload.model_dump(exclude={"org", "host", "trades", "organisers"})
    data = services.ContestData(
        host_id=payload.host,
        trades=[services.TradeData(**t.model_dump()) for t in payload.trades],
        organisers=[
            services.OrganiserData(role=o.role, name=o.name, org_id=o.org)
            for o in payload.organisers
        ],
        **values,
    )
    contest = services.create_contest(data, payload.org, actor=request.user)
    return Status(201, _contest(contest))


@router.get("/{int:contest_id}", response=ContestDetail)
def get_contest(request, contest_id: int):
    return _contest(get_or_404(Contest.objects.all(), request.user, contest_id, what=WHAT))


add_transition_routes(router, Contest, path="", response=ContestDetail, what=WHAT, load=_contest)


class RankOut(Schema):
    ranked: int = Field(description="有完整成绩、已排名的选手数")


@router.post("/{int:contest_id}/rank", response=RankOut)
def rank_contest(request, contest_id: int):
    """名次 of the current round: the preliminaries per trade and city, the final per trade
    (with the awards). Ties: the practical score, then the contest's rule."""
    require(request.user, "change")
    contest = get_or_404(Contest.objects.all(), request.user, contest_id, what=WHAT)
    return {"ranked": services.rank_round(contest, actor=request.user)}


# ---- judges ---------------------------------------------------------------------------------


class JudgeIn(StrictSchema):
    name: str = Field(max_length=64)
    employer: str = Field("", max_length=128)
    trade: int | None = Field(None, description="工种 id（空：全部工种）")


class JudgeOut(Schema):
    id: int
    name: str
    employer: str
    trade: int | None = Field(alias="trade_id")


@router.get("/{int:contest_id}/judges", response=page_schema(JudgeOut))
def list_judges(request, contest_id: int, filters: Query[PageIn]):
    contest = get_or_404(Contest.objects.all(), request.user, contest_id, what=WHAT)
    return keyset_page(Judge.objects.filter(contest=contest), filters)


@router.post("/{int:contest_id}/judges", response={201: JudgeOut})
def add_judge(request, contest_id: int, payload: JudgeIn):
    require(request.user, "change")
    contest = get_or_404(Contest.objects.all(), request.user, contest_id, what=WHAT)
    judge = services.add_judge(
        contest,
        name=payload.name,
        employer=payload.employer,
        trade_id=payload.trade,
        actor=request.user,
    )
    return Status(201, judge)


# ---- award rules (奖励规则) -------------------------------------------------------------------


class AwardRuleIn(StrictSchema):
    label: str = Field(max_length=64, description="规则说明，如“一类竞赛第一名推荐省五一劳动奖章”")
    outcome: code_type(Outcome, blank=False)
    max_rank: int | None = Field(None, ge=1, le=1000, description="名次不低于（含）")
    min_award: code_type(Award) = Field("", description="奖项不低于（空：只看名次）")
    honour_kind: str = Field("", max_length=32, description="推荐的荣誉（结果为荣誉推荐时）")


class AwardRulesIn(StrictSchema):
    rules: list[AwardRuleIn] = Field(max_length=services.MAX_AWARD_RULES)


class AwardRulesOut(Schema):
    rules: list[AwardRuleOut]


@router.put("/{int:contest_id}/award-rules", response=AwardRulesOut)
def save_award_rules(request, contest_id: int, payload: AwardRulesIn):
    """奖励规则: the contest's rules replaced by ``rules`` (its organiser, before the awards are
    applied). Errors name the row: ``{"rules": ["第2条：…"]}``."""
    require(request.user, "change")
    rules = [services.AwardRuleData(**rule.model_dump()) for rule in payload.rules]
    return {"rules": services.save_award_rules(contest_id, rules, actor=request.user)}


# ---- teams (团体) -----------------------------------------------------------------------------


class TeamIn(StrictSchema):
    org: int = Field(description="参赛单位（工会 id）")
    name: str = Field(max_length=64)
    entries: list[Annotated[str, Field(min_length=1, max_length=32, pattern=TEXT_PATTERN)]] = Field(
        min_length=1, max_length=100, description="队员的参赛编号（本单位的选手，至少2名）"
    )
    counted: int = Field(3, ge=1, le=10, description="计分人数：成绩最好的几名队员")


class TeamOut(Schema):
    id: int
    org: int
    name: str
    counted: int
    members: list[str] = Field(description="队员的参赛编号")
    score: str | None = Field(description="计分队员决赛总成绩之和（三位小数，同选手的总成绩）")
    scored: int = Field(description="计入成绩的队员数")
    rank: int | None = Field(description="团体名次（并列同名次；无成绩为空）")


def _teams(contest: Contest, user, only: int | None = None) -> list[dict]:
    """团体名次 as ``services.team_ranking`` computes it, the caller's visible teams only."""
    visible = Team.objects.visible_to(user).filter(contest=contest)
    if only is not None:
        visible = visible.filter(pk=only)
    ids = set(visible.values_list("pk", flat=True))
    members: dict[int, list[str]] = {}
    for team_id, number in (
        TeamMember.objects.filter(team_id__in=ids)
        .order_by("entry__number")
        .values_list("team_id", "entry__number")
    ):
        members.setdefault(team_id, []).append(number)
    return [
        {
            "id": row.team.pk,
            "org": row.team.org_id,
            "name": row.team.name,
            "counted": row.team.counted,
            "members": members.get(row.team.pk, []),
            "score": text(row.score),
            "scored": row.scored,
            "rank": row.rank,
        }
        for row in services.team_ranking(contest)
        if row.team.pk in ids
    ]


@router.get("/{int:contest_id}/teams", response=page_schema(TeamOut))
def list_teams(request, contest_id: int, page: Query[PageIn]):
    """团体名次: the contest's teams in the caller's scope, best first (ranked as a whole, then
    paged like every list; a team's name is unique in its contest)."""
    contest = get_or_404(Contest.objects.all(), request.user, contest_id, what=WHAT)
    rows = [SimpleNamespace(**team) for team in _teams(contest, request.user)]
    found = sequence_page(rows, page, key="name")
    return {**found, "items": [vars(row) for row in found["items"]]}


@router.post("/{int:contest_id}/teams", response={201: TeamOut})
def create_team(request, contest_id: int, payload: TeamIn):
    """组队: a unit's entrants of the contest (by their entry numbers) as one team."""
    require(request.user, "change")
    team = services.create_team(
        contest_id,
        actor=request.user,
        org_id=payload.org,
        name=payload.name,
        entry_numbers=payload.entries,
        counted=payload.counted,
    )
    return Status(201, _teams(team.contest, request.user, only=team.pk)[0])


# ---- entries --------------------------------------------------------------------------------


class EntryIn(StrictSchema):
    trade: int = Field(description="竞赛工种 id")
    person: int = Field(description="实名库人员 id")
    org: int | None = Field(None, description="报名单位（非会员参赛时）")
    skill_level: code_type(SkillLevel) = ""


class EntryItem(CaseFields):
    contest: int = Field(alias="contest_id")
    trade: int = Field(alias="trade_id")
    person: int = Field(alias="person_id")
    person_name: str
    city: int | None = Field(alias="city_id")
    round: str
    theory: str | None
    practice: str | None
    defence: str | None
    total: str | None
    rank: int | None
    award: str

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_theory(obj):
        return text(obj.theory)

    @staticmethod
    def resolve_practice(obj):
        return text(obj.practice)

    @staticmethod
    def resolve_defence(obj):
        return text(obj.defence)

    @staticmethod
    def resolve_total(obj):
        return text(obj.total)


class ScoreOut(Schema):
    round: str
    part: str
    station: int
    judge: int = Field(alias="judge_id")
    value: str

    @staticmethod
    def resolve_value(obj) -> str:
        return str(obj.value)


class EntryDetail(EntryItem, CaseActivity):
    skill_level: str
    preliminary_total: str | None
    preliminary_rank: int | None
    scores: list[ScoreOut]

    @staticmethod
    def resolve_preliminary_total(obj):
        return text(obj.preliminary_total)

    @staticmethod
    def resolve_scores(obj):
        return list(obj.scores.all())


class EntryFilters(PageIn):
    state: str = Field("", max_length=32)
    trade: int | None = Field(None, description="工种 id")
    round: Literal["", "preliminary", "final"] = ""
    ranked: bool = Field(False, description="只列已排名的（按工种、名次排序）")


def _entry(entry) -> Entry:
    return Entry.objects.select_related("org", "person").get(pk=entry.pk)


@router.get("/{int:contest_id}/entries", response=page_schema(EntryItem))
def list_entries(request, contest_id: int, filters: Query[EntryFilters]):
    """参赛报名 of the contest the caller may see (their subtree's; all for its organisers)."""
    contest = get_or_404(Contest.objects.all(), request.user, contest_id, what=WHAT)
    rows = Entry.objects.visible_to(request.user).filter(contest=contest)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.trade is not None:
        trade = ContestTrade.objects.filter(contest=contest, pk=filters.trade).first()
        if trade is None:
            raise NotInScope("竞赛工种")
        rows = rows.filter(trade=trade)
    if filters.round:
        rows = rows.filter(round=filters.round)
    order = ("-id",)
    if filters.ranked:
        rows, order = rows.exclude(rank=None), ("trade_id", "rank", "id")
    return keyset_page(rows.select_related("org", "person"), filters, order=order)


@router.post("/{int:contest_id}/entries", response={201: EntryDetail})
def enter(request, contest_id: int, payload: EntryIn):
    """报名: a registry person entered in one trade by their union (within its quota)."""
    require(request.user, "change")
    contest = get_or_404(Contest.objects.all(), request.user, contest_id, what=WHAT)
    entry = services.enter(
        contest,
        trade_id=payload.trade,
        person_id=payload.person,
        org_id=payload.org,
        skill_level=payload.skill_level,
        actor=request.user,
    )
    return Status(201, _entry(entry))


@router.get("/entries/{int:entry_id}", response=EntryDetail)
def get_entry(request, entry_id: int):
    return _entry(get_or_404(Entry.objects.all(), request.user, entry_id, what=ENTRY))


add_transition_routes(router, Entry, path="/entries", response=EntryDetail, what=ENTRY, load=_entry)


class ScoreIn(StrictSchema):
    judge: int = Field(description="裁判 id")
    part: code_type(Part, blank=False)
    station: int = Field(1, ge=1, le=20, description="考核点")
    value: str = Field(max_length=8, description='分数 0–100，最多两位小数，如 "86.5"')


@router.post("/entries/{int:entry_id}/scores", response={201: EntryDetail})
def record_score(request, entry_id: int, payload: ScoreIn):
    """评分: one judge's score of one part at one station; the entry's part scores and total
    are computed again (two judges a station, averaged)."""
    require(request.user, "change")
    entry = get_or_404(Entry.objects.all(), request.user, entry_id, action="change", what=ENTRY)
    services.record_score(
        entry,
        judge_id=payload.judge,
        part=payload.part,
        station=payload.station,
        value=payload.value,
        actor=request.user,
    )
    return Status(201, _entry(entry))


class ConflictIn(StrictSchema):
    judge: int = Field(description="裁判 id")
    reason: str = Field(max_length=200, description="利害关系说明")


@router.post("/entries/{int:entry_id}/conflicts", response={201: EntryDetail})
def declare_conflict(request, entry_id: int, payload: ConflictIn):
    """回避声明: the judge may no longer score this entrant."""
    require(request.user, "change")
    entry = get_or_404(Entry.objects.all(), request.user, entry_id, action="change", what=ENTRY)
    services.declare_conflict(
        entry, judge_id=payload.judge, reason=payload.reason, actor=request.user
    )
    return Status(201, _entry(entry))


LABELS = {
    "org": "工会",
    "host": "承办工会",
    "name": "名称",
    "year": "年度",
    "tier": "层级",
    "kind": "类别",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "budget": "预算",
    "requires_member": "须为在籍会员",
    "theory_weight": "理论知识权重",
    "practice_weight": "实际操作权重",
    "defence_weight": "技术答辩权重",
    "weights": "评分权重",
    "tie_rule": "同分规则",
    "first_prizes": "一等奖名额",
    "second_prizes": "二等奖名额",
    "third_prizes": "三等奖名额",
    "excellence_until": "优胜奖名次",
    "rules_doc": "竞赛方案文号",
    "trades": "竞赛工种",
    "organisers": "组织单位",
    "occupation_code": "职业编码",
    "level": "技能等级",
    "quota_per_unit": "每单位名额",
    "role": "角色",
    "trade": "工种",
    "person": "选手",
    "skill_level": "现技能等级",
    "judge": "裁判",
    "part": "评分项目",
    "station": "考核点",
    "value": "分数",
    "reason": "利害关系说明",
    "employer": "工作单位",
    "note": "意见",
    "expected_state": "状态",
}
