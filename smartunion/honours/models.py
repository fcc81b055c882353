"""The honours register (荣誉库, SERVICES.md §6): every honour a person or a unit holds.

- ``Honour``: one honour — a model worker title, a 五一 medal or award, a 工人先锋号, a 陇原工匠
  title or nomination, a 技术能手 — held by a person of the registry or by a unit (an
  organization of the tree, for 奖状 and 工人先锋号), with its level, year, granting body and
  document number, and its state: 候选 (proposed by a contest or a selection) → 在册 → 撤销
  (with reason and document) or 已故.

``org`` is the union that keeps the record: the person's union when it was proposed or entered,
or the unit itself. It decides who sees the honour (``visible_to``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from smartunion.casework.models import Case, money_field
from smartunion.core.querysets import ScopedModel, ScopedQuerySet
from smartunion.honours.codes import (
    MODEL_KINDS,
    PATENT_KINDS,
    Category,
    Kind,
    Level,
    OutcomeKind,
    ServiceKind,
    State,
    StudioState,
    StudioTier,
)


class HonourQuerySet(ScopedQuerySet):
    def held(self) -> HonourQuerySet:
        return self.filter(state=State.HELD)


class Honour(ScopedModel):
    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="所属工会"
    )
    person = models.ForeignKey(
        "members.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="honours",
        verbose_name="获得者（实名库）",
    )
    unit = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="获得单位",
    )
    team_name = models.CharField("班组/集体名称", max_length=128, blank=True)
    holder_name = models.CharField("获得者", max_length=200, editable=False)
    kind = models.CharField("荣誉类型", max_length=24, choices=Kind.choices)
    level = models.CharField("级别", max_length=16, choices=Level.choices)
    year = models.PositiveSmallIntegerField("年度")
    granting_body = models.CharField("授予机关", max_length=128, blank=True)
    document_no = models.CharField("文号", max_length=64, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices)
    source = models.CharField(
        "来源", max_length=64, blank=True, help_text="如 contest:12、selection:3；手工录入为空"
    )
    source_url = models.CharField("来源链接", max_length=300, blank=True)
    deeds = models.TextField("主要事迹", blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=300, blank=True)
    revoked_document = models.CharField("撤销文件", max_length=128, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    died_on = models.DateField("去世日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HonourQuerySet.as_manager()

    #: 材料: the certificate and the naming document, scanned (casework's attachments).
    attachment_kinds = {
        "certificate": "荣誉证书",
        "document": "命名（表彰）文件",
        "revocation": "撤销文件",
        "other": "其他材料",
    }

    class Meta:
        ordering = ["-year", "kind", "id"]
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        indexes = [
            models.Index(fields=["state", "-year"], name="honour_state_year_idx"),
            models.Index(fields=["kind", "-year"], name="honour_kind_year_idx"),
            models.Index(fields=["holder_name"], name="honour_holder_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, unit__isnull=True)
                    | models.Q(person__isnull=True, unit__isnull=False)
                ),
                name="honour_person_xor_unit",
                violation_error_message="荣誉的获得者应为一名人员或一个单位。",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]),
                name="honour_kind_valid",
                violation_error_message="荣誉类型不正确。",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in State]),
                name="honour_state_valid",
                violation_error_message="荣誉状态不正确。",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=State.REVOKED)
                | (~models.Q(revoked_reason="") & ~models.Q(revoked_document="")),
                name="honour_revoked_has_reason",
                violation_error_message="请填写撤销原因和撤销文件。",
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "year", "source"],
                condition=models.Q(person__isnull=False),
                name="honour_one_per_person_kind_year_source",
                violation_error_message="该人员已有同一年度、同一来源的此项荣誉。",
            ),
            models.UniqueConstraint(
                fields=["unit", "team_name", "kind", "year", "source"],
                condition=models.Q(unit__isnull=False),
                name="honour_one_per_unit_kind_year_source",
                violation_error_message="该单位（班组）已有同一年度、同一来源的此项荣誉。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.year}年{self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("honours:detail", kwargs={"honour_id": self.pk})

    @property
    def is_model_worker(self) -> bool:
        return self.kind in MODEL_KINDS


class BenefitRule(models.Model):
    """待遇标准 per level of model worker (SERVICES.md §6.2): the province's configuration.
    A model worker's benefits follow the highest level among the honours they hold."""

    level = models.CharField("级别", max_length=16, choices=Level.choices, unique=True)
    monthly_allowance = money_field("荣誉津贴（元/月）", default=Decimal("0.00"))
    health_check = models.BooleanField("每年健康体检", default=True)
    rest_trip = models.BooleanField("疗休养", default=False)
    festival_visits = models.PositiveSmallIntegerField("节日慰问（次/年）", default=0)
    visit_amount = money_field("每次慰问金（元）", default=Decimal("0.00"))
    updated_by_name = models.CharField("最后修改人", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["level"]
        verbose_name = "劳模待遇标准"
        verbose_name_plural = "劳模待遇标准"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_allowance__gte=0, monthly_allowance__lte=100000)
                & models.Q(visit_amount__gte=0, visit_amount__lte=100000),
                name="honour_benefit_amounts_range",
                violation_error_message="金额应在0至100,000元之间。",
            ),
            models.CheckConstraint(
                condition=models.Q(festival_visits__lte=12),
                name="honour_benefit_visits_range",
                violation_error_message="节日慰问每年不超过12次。",
            ),
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class ServiceLog(ScopedModel):
    """服务记录 of a model worker: health checks, rest trips, visits, hardship help."""

    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="所属工会"
    )
    person = models.ForeignKey(
        "members.Person", models.PROTECT, related_name="+", verbose_name="劳模"
    )
    kind = models.CharField("服务类型", max_length=16, choices=ServiceKind.choices)
    happened_on = models.DateField("日期")
    amount = money_field("金额（元）", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by_name = models.CharField("经办人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = "劳模服务记录"
        verbose_name_plural = "劳模服务记录"
        indexes = [models.Index(fields=["person", "-happened_on"], name="honour_log_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in ServiceKind]),
                name="honour_log_kind_valid",
                violation_error_message="服务类型不正确。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.get_kind_display()}"


# ---- selections (评选: 五一劳动奖, 陇原工匠) ---------------------------------------------------


class SelectionQuerySet(ScopedQuerySet):
    pass


class Selection(ScopedModel):
    """评选通知: a selection run by a union (the province for 五一 and 陇原工匠), with quotas for
    the unions below, ratio rules on their nominee lists, the departments that vet them and
    an optional public vote."""

    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="组织工会"
    )
    title = models.CharField("评选名称", max_length=128)
    kind = models.CharField("授予荣誉", max_length=24, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    document_no = models.CharField("通知文号", max_length=64, blank=True)
    nominations_due = models.DateField("推荐截止日期")
    departments = models.JSONField("联审部门", default=list, blank=True)
    vote_starts_on = models.DateField("投票开始日期", null=True, blank=True)
    vote_ends_on = models.DateField("投票截止日期", null=True, blank=True)
    created_by_name = models.CharField("经办人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SelectionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = "评选"
        verbose_name_plural = "评选"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]),
                name="selection_kind_valid",
                violation_error_message="荣誉类型不正确。",
            ),
            models.CheckConstraint(
                condition=models.Q(vote_starts_on__isnull=True)
                | models.Q(vote_ends_on__gte=models.F("vote_starts_on")),
                name="selection_vote_window",
                violation_error_message="投票截止日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, path: str) -> models.Q:
        """Staff see the selections of their subtree and those run by the unions above them
        (whose notices they nominate for)."""
        from smartunion.orgs.models import path_prefixes

        return models.Q(org__path__startswith=path) | models.Q(org__path__in=path_prefixes(path))

    @property
    def has_vote(self) -> bool:
        return self.vote_starts_on is not None


class Quota(models.Model):
    """名额: how many nominees a union below may put forward."""

    selection = models.ForeignKey(Selection, models.CASCADE, related_name="quotas")
    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="推荐工会"
    )
    places = models.PositiveSmallIntegerField("名额")

    class Meta:
        ordering = ["selection_id", "org_id"]
        verbose_name = "推荐名额"
        verbose_name_plural = "推荐名额"
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "org"],
                name="selection_quota_once",
                violation_error_message="该工会的名额已分配。",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1, places__lte=1000),
                name="selection_quota_range",
                violation_error_message="名额应为1至1000。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}: {self.places}"


class RatioRule(models.Model):
    """比例要求: at least ``min_percent`` % of a union's nominee list are of ``category``."""

    selection = models.ForeignKey(Selection, models.CASCADE, related_name="ratios")
    category = models.CharField("类别", max_length=16, choices=Category.choices)
    min_percent = models.PositiveSmallIntegerField("不低于（%）")

    class Meta:
        ordering = ["selection_id", "id"]
        verbose_name = "比例要求"
        verbose_name_plural = "比例要求"
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "category"],
                name="selection_ratio_once",
                violation_error_message="该类别的比例要求已设置。",
            ),
            models.CheckConstraint(
                condition=models.Q(min_percent__gte=1, min_percent__lte=100),
                name="selection_ratio_range",
                violation_error_message="比例应为1%至100%。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ≥ {self.min_percent}%"


class Nomination(Case):
    """推荐对象: a casework case — 推荐 → 部门联审 → 专家评审 → (投票) → 公示 → 命名."""

    selection = models.ForeignKey(
        Selection, models.PROTECT, related_name="nominations", verbose_name="评选"
    )
    person = models.ForeignKey(
        "members.Person", models.PROTECT, related_name="+", verbose_name="推荐对象"
    )
    name = models.CharField("姓名", max_length=64)
    employer = models.CharField("工作单位及职务", max_length=128, blank=True)
    categories = models.JSONField("类别", default=list, blank=True)
    deeds = models.TextField("主要事迹", blank=True)
    vetted_by = models.JSONField("已出具意见的部门", default=list, blank=True)
    expert_score = models.DecimalField(
        "专家评审得分", max_digits=5, decimal_places=2, null=True, blank=True
    )
    votes = models.PositiveIntegerField("得票数", default=0)
    honour = models.ForeignKey(
        Honour, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="荣誉"
    )

    detail_url_name = "honours:nomination"
    url_kwarg = "nomination_id"

    @property
    def category_labels(self) -> str:
        return "、".join(Category(c).label for c in self.categories or () if c in Category.values)

    class Meta(Case.Meta):
        ordering = ["selection_id", "org_id", "id"]
        verbose_name = "推荐对象"
        verbose_name_plural = "推荐对象"
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "person"],
                name="nomination_once_per_selection",
                violation_error_message="该人员已被推荐参加本次评选。",
            )
        ]


class Vote(models.Model):
    """一票: a worker of the portal (by the blind index of their phone) votes for a nominee,
    once a day per selection — the database's unique constraint decides under concurrency."""

    selection = models.ForeignKey(Selection, models.CASCADE, related_name="+")
    nomination = models.ForeignKey(Nomination, models.CASCADE, related_name="+")
    voter = models.CharField("投票人（手机号索引）", max_length=64)
    day = models.DateField("投票日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "投票"
        verbose_name_plural = "投票"
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "voter", "day"],
                name="vote_once_a_day",
                violation_error_message="您今天已经投过票了，请明天再来。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} → {self.nomination_id}"


# ---- innovation studios (劳模和工匠人才创新工作室) ------------------------------------------------


class Studio(ScopedModel):
    """创新工作室: led by a person holding an honour, named at a tier by a document, re-checked
    yearly; a venue of the registry (kind 创新工作室) shows it on the map. Its figures — funding,
    outcomes, patents, benefit, people trained and promoted — are sums of the rows below."""

    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="所属工会"
    )
    name = models.CharField("名称", max_length=100)
    tier = models.CharField("级别", max_length=16, choices=StudioTier.choices)
    named_year = models.PositiveSmallIntegerField("命名年度")
    document_no = models.CharField("命名文号", max_length=64)
    leader = models.ForeignKey(
        "members.Person", models.PROTECT, related_name="+", verbose_name="领衔人"
    )
    leader_honour = models.ForeignKey(
        Honour, models.PROTECT, related_name="+", verbose_name="领衔人荣誉"
    )
    venue = models.OneToOneField(
        "venues.Venue",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="studio",
        verbose_name="阵地（地图）",
    )
    field = models.CharField("研究方向", max_length=200, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=StudioState.choices, default=StudioState.NAMED
    )
    checked_year = models.PositiveSmallIntegerField("最近复核年度", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org_id", "name"]
        verbose_name = "创新工作室"
        verbose_name_plural = "创新工作室"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier__in=[t.value for t in StudioTier]),
                name="studio_tier_valid",
                violation_error_message="工作室级别不正确。",
            ),
            models.UniqueConstraint(
                fields=["org", "name"],
                name="studio_name_once",
                violation_error_message="本工会已有同名的创新工作室。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, models.CASCADE, related_name="members")
    person = models.ForeignKey("members.Person", models.PROTECT, related_name="+")
    role = models.CharField("分工", max_length=64, blank=True)
    joined_on = models.DateField("加入日期")

    class Meta:
        ordering = ["studio_id", "id"]
        verbose_name = "工作室成员"
        verbose_name_plural = "工作室成员"
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "person"],
                name="studio_member_once",
                violation_error_message="该人员已是工作室成员。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.studio_id}: {self.person_id}"


class StudioRecord(models.Model):
    """One row of a studio's record: funding received, an outcome, a training, a re-check."""

    class Type(models.TextChoices):
        FUNDING = "funding", "经费"
        OUTCOME = "outcome", "创新成果"
        TRAINING = "training", "培训与晋级"
        RECHECK = "recheck", "年度复核"

    studio = models.ForeignKey(Studio, models.CASCADE, related_name="records")
    type = models.CharField("记录类型", max_length=16, choices=Type.choices)
    happened_on = models.DateField("日期")
    title = models.CharField("名称/说明", max_length=200)
    outcome_kind = models.CharField(
        "成果类型", max_length=16, choices=OutcomeKind.choices, blank=True
    )
    patent_no = models.CharField("专利号/登记号", max_length=32, blank=True)
    amount = money_field("金额（元）：经费或经济效益", default=Decimal("0.00"))
    trained = models.PositiveIntegerField("培训人数", default=0)
    promoted = models.PositiveIntegerField("技能晋级人数", default=0)
    passed = models.BooleanField("复核通过", null=True, blank=True)
    recorded_by_name = models.CharField("经办人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["studio_id", "-happened_on", "-id"]
        verbose_name = "工作室记录"
        verbose_name_plural = "工作室记录"
        indexes = [models.Index(fields=["studio", "type"], name="studio_record_type_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, amount__lte=Decimal("1000000000")),
                name="studio_record_amount_range",
                violation_error_message="金额应在0至10亿元之间。",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome_kind__in=sorted(k.value for k in PATENT_KINDS))
                | ~models.Q(patent_no=""),
                name="studio_patent_has_number",
                violation_error_message="专利成果请填写专利号。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.title}"
