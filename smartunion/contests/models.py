"""劳动和技能竞赛 (labour and skills contests, SERVICES.md §5).

- ``Contest``: one contest of the yearly plan, a casework ``Case`` (``workflows.CONTEST``):
  申报 → 纳入计划 → 报名中 → 初赛 → 决赛 → 成绩公示 → 结果已发布. ``org`` is the union that
  proposes and runs it (主办); ``host`` the union that undertakes it (承办).
- ``ContestOrganiser``: 主办 / 承办 / 协办 units (unions, or departments named in text).
- ``ContestTrade``: one trade (工种) of a contest, with its national occupation code, its level
  and the quota of entrants per unit.
- ``Entry``: 参赛报名, a ``Case`` too (``workflows.ENTRY``): a registry person entered by their
  union, checked by the unit, the host and the committee, in the preliminaries of their city,
  then (advanced) in the final; its part scores, total and rank of the round it is in.
- ``Judge`` and ``Score``: 裁判 and the scores they give per part and station.
- ``AwardRule`` and ``Benefit``: the contest's rules from rank or award to an honour candidate
  or a skill-level promotion, and what was granted to whom.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from smartunion.casework.models import MAX_AMOUNT, Case, money_field
from smartunion.contests.codes import (
    Award,
    ContestKind,
    OrganiserRole,
    Outcome,
    Part,
    Round,
    SkillLevel,
    Tier,
    TieRule,
)
from smartunion.core.querysets import ScopedModel
from smartunion.orgs.models import path_prefixes

#: Contest states in which a contest is open to the unions below its organiser (on the plan).
ON_PLAN = ("planned", "entries", "preliminary", "final", "publicity", "published")


def _percent(label: str, default: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal(default))


def _score(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=7, decimal_places=3, null=True, blank=True)


class Contest(Case):
    """竞赛: one contest of the yearly plan, proposed by its organiser (``org``, 主办)."""

    name = models.CharField("竞赛名称", max_length=128)
    year = models.PositiveSmallIntegerField("年度")
    tier = models.CharField("层级", max_length=16, choices=Tier.choices)
    kind = models.CharField("类别", max_length=16, choices=ContestKind.choices)
    host = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="承办工会",
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    budget = money_field("预算（元）", default=Decimal("0"))
    requires_member = models.BooleanField("须为在籍会员", default=True)
    theory_weight = _percent("理论知识权重（%）", "30")
    practice_weight = _percent("实际操作权重（%）", "70")
    defence_weight = _percent("技术答辩权重（%）", "0")
    theory_max = _percent("理论知识权重上限（%）", "30")
    tie_rule = models.CharField(
        "同分规则", max_length=16, choices=TieRule.choices, default=TieRule.THEORY_THEN_EQUAL
    )
    first_prizes = models.PositiveSmallIntegerField("一等奖名额（名次）", default=1)
    second_prizes = models.PositiveSmallIntegerField("二等奖名额", default=2)
    third_prizes = models.PositiveSmallIntegerField("三等奖名额", default=5)
    excellence_until = models.PositiveSmallIntegerField("优胜奖至第几名", default=20)
    rules_doc = models.CharField("竞赛方案文号", max_length=64, blank=True)
    interval_warning = models.CharField("两年内同工种提醒", max_length=500, blank=True)
    awards_applied_on = models.DateField("奖励规则落实日期", null=True, blank=True)

    detail_url_name = "contests:contest"
    url_kwarg = "contest_id"

    class Meta(Case.Meta):
        ordering = ["-year", "-id"]
        verbose_name = "劳动和技能竞赛"
        verbose_name_plural = "劳动和技能竞赛"
        indexes = [
            *Case.Meta.indexes,
            models.Index(fields=["year", "tier", "kind"], name="contest_year_tier_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__in=Tier.values),
                name="contest_tier_valid",
                violation_error_message="竞赛层级不正确。",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ContestKind.values),
                name="contest_kind_valid",
                violation_error_message="竞赛类别不正确。",
            ),
            models.CheckConstraint(
                condition=Q(
                    theory_weight__gte=0,
                    practice_weight__gte=0,
                    defence_weight__gte=0,
                    theory_weight__lte=F("theory_max"),
                )
                # 100 within rounding (SQLite compares decimals as floats).
                & Q(
                    theory_weight__gte=Decimal("99.995")
                    - F("practice_weight")
                    - F("defence_weight"),
                    theory_weight__lte=Decimal("100.005")
                    - F("practice_weight")
                    - F("defence_weight"),
                ),
                name="contest_weights_sum",
                violation_error_message="理论、实操、答辩权重之和应为100%，理论权重不超过上限。",
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0, budget__lte=MAX_AMOUNT),
                name="contest_budget_range",
                violation_error_message="预算不能为负数，且不超过10亿元。",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="contest_dates_order",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, path: str) -> Q:
        """Its organiser's and host's subtrees; once on the plan, also every union below the
        organiser (they enter their members)."""
        below = Q(org__path__in=path_prefixes(path)) & Q(state__in=ON_PLAN)
        return Q(org__path__startswith=path) | Q(host__path__startswith=path) | below

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            Part.THEORY: self.theory_weight,
            Part.PRACTICE: self.practice_weight,
            Part.DEFENCE: self.defence_weight,
        }

    def award_for(self, rank: int | None) -> str:
        """The award a rank earns (entrants tied on a rank earn the same)."""
        if rank is None:
            return ""
        bounds = (
            (self.first_prizes, Award.FIRST),
            (self.first_prizes + self.second_prizes, Award.SECOND),
            (self.first_prizes + self.second_prizes + self.third_prizes, Award.THIRD),
            (self.excellence_until, Award.EXCELLENCE),
        )
        for bound, award in bounds:
            if rank <= bound:
                return award
        return ""


class ContestOrganiser(models.Model):
    """主办 / 承办 / 协办: a union of the registry, or a department named in text."""

    contest = models.ForeignKey(Contest, models.CASCADE, related_name="organisers")
    role = models.CharField("角色", max_length=16, choices=OrganiserRole.choices)
    org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="工会",
    )
    name = models.CharField("单位名称", max_length=128)

    class Meta:
        ordering = ["contest_id", "role", "id"]
        verbose_name = "竞赛组织单位"
        verbose_name_plural = "竞赛组织单位"

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class ContestTrade(models.Model):
    """竞赛工种: a trade with its national occupation code (国家职业分类大典) and level."""

    contest = models.ForeignKey(Contest, models.CASCADE, related_name="trades")
    name = models.CharField("工种", max_length=64)
    occupation_code = models.CharField("职业编码", max_length=16)
    level = models.CharField("技能等级", max_length=2, choices=SkillLevel.choices)
    quota_per_unit = models.PositiveSmallIntegerField("每单位名额", default=3)

    class Meta:
        ordering = ["contest_id", "id"]
        verbose_name = "竞赛工种"
        verbose_name_plural = "竞赛工种"
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "occupation_code"],
                name="contest_trade_once",
                violation_error_message="同一竞赛中该工种已列出。",
            ),
            models.CheckConstraint(
                condition=Q(quota_per_unit__gte=1),
                name="contest_trade_quota_positive",
                violation_error_message="每单位名额至少为1人。",
            ),
        ]
        indexes = [models.Index(fields=["occupation_code"], name="contest_trade_code_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.occupation_code}）"


class Entry(Case):
    """参赛报名: one person in one trade of one contest, entered by their union (``org``)."""

    #: The player follows their entry in 职工之家's 我的办事 (issue 16).
    applicant_field = "person"

    contest = models.ForeignKey(Contest, models.PROTECT, related_name="entries")
    trade = models.ForeignKey(ContestTrade, models.PROTECT, related_name="entries")
    person = models.ForeignKey(
        "members.Person", models.PROTECT, related_name="+", verbose_name="选手"
    )
    city = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="初赛市州",
    )
    skill_level = models.CharField(
        "现技能等级", max_length=2, choices=SkillLevel.choices, blank=True
    )
    round = models.CharField(
        "轮次", max_length=16, choices=Round.choices, default=Round.PRELIMINARY
    )
    theory = _score("理论知识成绩")
    practice = _score("实际操作成绩")
    defence = _score("技术答辩成绩")
    total = _score("总成绩")
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    preliminary_total = _score("初赛总成绩")
    preliminary_rank = models.PositiveIntegerField("初赛名次", null=True, blank=True)
    award = models.CharField("奖项", max_length=16, choices=Award.choices, blank=True)

    detail_url_name = "contests:entry"
    url_kwarg = "entry_id"

    class Meta(Case.Meta):
        ordering = ["-id"]
        verbose_name = "参赛报名"
        verbose_name_plural = "参赛报名"
        indexes = [
            *Case.Meta.indexes,
            models.Index(fields=["contest", "trade", "round", "state"], name="entry_round_idx"),
            models.Index(fields=["contest", "city", "state"], name="entry_city_idx"),
            models.Index(fields=["trade", "org"], name="entry_quota_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trade", "person"],
                name="entry_person_once",
                violation_error_message="该选手已报名此工种。",
            ),
            models.CheckConstraint(
                condition=Q(round__in=Round.values),
                name="entry_round_valid",
                violation_error_message="轮次不正确。",
            ),
        ]

    @classmethod
    def scope_q(cls, path: str) -> Q:
        """The entering union's subtree, and the contest's organiser and host (who check)."""
        return (
            Q(org__path__startswith=path)
            | Q(contest__org__path__startswith=path)
            | Q(contest__host__path__startswith=path)
        )


class Judge(ScopedModel):
    """裁判/评委 of a contest (of one trade, or all)."""

    contest = models.ForeignKey(Contest, models.CASCADE, related_name="judges")
    trade = models.ForeignKey(
        ContestTrade, models.CASCADE, null=True, blank=True, related_name="judges"
    )
    name = models.CharField("姓名", max_length=64)
    employer = models.CharField("工作单位", max_length=128, blank=True)
    conflicts = models.ManyToManyField(
        Entry, through="JudgeConflict", related_name="conflicted_judges", blank=True
    )

    scope_path_lookup = "contest__org__path"

    class Meta:
        ordering = ["contest_id", "id"]
        verbose_name = "裁判"
        verbose_name_plural = "裁判"

    def __str__(self) -> str:
        return self.name


class JudgeConflict(models.Model):
    """利害关系声明: the judge steps aside (回避) for this entrant."""

    judge = models.ForeignKey(Judge, models.CASCADE)
    entry = models.ForeignKey(Entry, models.CASCADE)
    reason = models.CharField("关系说明", max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避声明"
        verbose_name_plural = "回避声明"
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry"], name="judge_conflict_once")
        ]

    def __str__(self) -> str:
        return self.reason


class Score(models.Model):
    """评分: one judge's score of one part of one entrant's round, at one station."""

    entry = models.ForeignKey(Entry, models.CASCADE, related_name="scores")
    round = models.CharField("轮次", max_length=16, choices=Round.choices)
    part = models.CharField("项目", max_length=16, choices=Part.choices)
    station = models.PositiveSmallIntegerField("考核点", default=1)
    judge = models.ForeignKey(Judge, models.PROTECT, related_name="scores")
    value = models.DecimalField("分数", max_digits=5, decimal_places=2)
    recorded_by_name = models.CharField("录入人", max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_id", "round", "part", "station", "id"]
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "round", "part", "station", "judge"],
                name="score_once_per_judge",
                violation_error_message="该评委已为此选手该考核点评分。",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=100),
                name="score_value_range",
                violation_error_message="分数应在0至100之间。",
            ),
            models.CheckConstraint(
                condition=Q(part__in=Part.values) & Q(round__in=Round.values),
                name="score_part_valid",
                violation_error_message="评分项目不正确。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part} {self.station} {self.value}"


class AwardRule(models.Model):
    """奖励规则: entrants of the final up to ``max_rank``, or with ``min_award`` or better,
    get ``outcome`` (an honour candidate of ``honour_kind``, or a skill-level promotion)."""

    contest = models.ForeignKey(Contest, models.CASCADE, related_name="award_rules")
    label = models.CharField("规则", max_length=64)
    max_rank = models.PositiveSmallIntegerField("名次不低于", null=True, blank=True)
    min_award = models.CharField("奖项不低于", max_length=16, choices=Award.choices, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    honour_kind = models.CharField("荣誉", max_length=32, blank=True)

    class Meta:
        ordering = ["contest_id", "id"]
        verbose_name = "奖励规则"
        verbose_name_plural = "奖励规则"
        constraints = [
            models.CheckConstraint(
                condition=Q(max_rank__isnull=False) | ~Q(min_award=""),
                name="award_rule_has_condition",
                violation_error_message="请填写名次或奖项条件。",
            )
        ]

    def __str__(self) -> str:
        return self.label


class Benefit(models.Model):
    """奖励落实: what one award rule gave one entrant (an honour candidate, a promotion)."""

    entry = models.ForeignKey(Entry, models.CASCADE, related_name="benefits")
    rule = models.ForeignKey(AwardRule, models.PROTECT, related_name="benefits")
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    label = models.CharField("内容", max_length=64)
    honour_id = models.BigIntegerField("荣誉库记录", null=True, blank=True)
    from_level = models.CharField("原等级", max_length=2, blank=True)
    to_level = models.CharField("晋升等级", max_length=2, blank=True)
    granted_on = models.DateField("落实日期")

    class Meta:
        ordering = ["entry_id", "id"]
        verbose_name = "奖励落实"
        verbose_name_plural = "奖励落实"
        constraints = [
            models.UniqueConstraint(fields=["entry", "rule"], name="benefit_once_per_rule")
        ]

    def __str__(self) -> str:
        return self.label


class Team(ScopedModel):
    """参赛队 (团体): a unit's entrants of one contest ranked together — the team events and the
    工人先锋号 teams. Its score is the sum of its ``counted`` best members' final totals
    (SERVICES.md §5.3 item 6), computed from the entries, never typed in."""

    contest = models.ForeignKey(Contest, models.CASCADE, related_name="teams")
    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="参赛单位"
    )
    name = models.CharField("队名", max_length=64)
    counted = models.PositiveSmallIntegerField("计分人数（成绩最好的几名队员）", default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contest_id", "id"]
        verbose_name = "参赛队"
        verbose_name_plural = "参赛队"
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "name"],
                name="contest_team_name_once",
                violation_error_message="本竞赛已有同名的参赛队。",
            ),
            models.CheckConstraint(
                condition=Q(counted__gte=1, counted__lte=10),
                name="contest_team_counted_range",
                violation_error_message="计分人数应为1至10。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A member of a team: an entry of the same contest, in one team at most."""

    team = models.ForeignKey(Team, models.CASCADE, related_name="members")
    entry = models.OneToOneField(Entry, models.CASCADE, related_name="team_member")

    class Meta:
        ordering = ["team_id", "id"]
        verbose_name = "参赛队队员"
        verbose_name_plural = "参赛队队员"

    def __str__(self) -> str:
        return f"{self.team_id}: {self.entry_id}"
