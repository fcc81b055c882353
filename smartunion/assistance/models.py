"""困难职工帮扶: hardship files, the four campaigns (四送) and 金秋助学 (SERVICES.md §1–2).

A hardship file (``HardshipFile``) is a case of casework: it moves from application through
the grassroots check, the home visit, the review above, the 帮扶中心's verification and 公示
to approval, and is then kept in file, re-checked yearly, until the household leaves the
scheme. Its people (``HouseholdMember``, the head of household included) are each in at most
one open file in the whole province (a conditional unique constraint: 一户一档).

A campaign (``Campaign``) lists its beneficiaries in lines (``CampaignLine``); a 金秋助学
application (``StudentAid``) is a case of its own, by the parent's household for one
student, at most once per student and year in the province (a constraint).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from smartunion.assistance.codes import (
    AidForm,
    AidType,
    CampaignKind,
    Category,
    Cause,
    Disability,
    DisabilityGrade,
    FileSource,
    FilingLevel,
    Health,
    Housing,
    HousingArea,
    HukouKind,
    Identity,
    LegacyCategory,
    Marital,
    MedicalInsurance,
    ModelWorkerType,
    Relation,
    SchoolLevel,
    TargetGroup,
    WorkStatus,
)
from smartunion.casework.models import MAX_AMOUNT, Case, money_field
from smartunion.core.codes import Gender
from smartunion.core.fields import EncryptedTextField
from smartunion.core.querysets import ScopedModel, ScopedQuerySet


def _bounded(field: str, name: str, upper: Decimal = MAX_AMOUNT) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 0, f"{field}__lte": upper}),
        name=name,
        violation_error_message="金额不能为负数，也不能超过10亿元。",
    )


class Rules(models.Model):
    """帮扶规则: the thresholds the province sets (one row). Defaults from SERVICES.md §1.2,
    §1.8: below the 低保 → 深度困难, below twice it → 相对困难, hardship costs above 80% of the
    year's income → 意外致困; 脱困 after six months above the 低保; re-check every year."""

    deep_factor = models.DecimalField(
        "深度困难：低于低保标准的倍数", max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    relative_factor = models.DecimalField(
        "相对困难：低于低保标准的倍数", max_digits=4, decimal_places=2, default=Decimal("2.00")
    )
    accident_ratio = models.DecimalField(
        "意外致困：致困费用超过家庭年收入的比例",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.80"),
    )
    exit_months = models.PositiveSmallIntegerField("脱困：连续高于低保标准的月数", default=6)
    recheck_months = models.PositiveSmallIntegerField("复核周期（月）", default=12)
    updated_by_name = models.CharField("最后修改人", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "帮扶规则"
        verbose_name_plural = "帮扶规则"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    deep_factor__gt=0,
                    relative_factor__gt=models.F("deep_factor"),
                    relative_factor__lte=10,
                    accident_ratio__gt=0,
                    accident_ratio__lte=1,
                    exit_months__gte=1,
                    exit_months__lte=36,
                    recheck_months__gte=1,
                    recheck_months__lte=36,
                ),
                name="assistance_rules_sane",
                violation_error_message="规则不合理：相对困难倍数应大于深度困难倍数，比例应在0到1之间。",
            )
        ]

    def __str__(self) -> str:
        return "帮扶规则"

    @classmethod
    def current(cls) -> Rules:
        return cls.objects.first() or cls()


class ExclusionItem(models.Model):
    """不予建档情形: one question of the exclusion checklist (SERVICES.md §1.2), which the
    province edits. A household answering yes to an active item cannot be filed."""

    code = models.CharField("代码", max_length=32, unique=True)
    text = models.CharField("情形", max_length=200)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "不予建档情形"
        verbose_name_plural = "不予建档情形"

    def __str__(self) -> str:
        return self.text


class HardshipFileQuerySet(ScopedQuerySet):
    pass


class HardshipFile(Case):
    """困难职工档案: one household's file (the national 档案表)."""

    head = models.ForeignKey(
        "members.Person",
        models.PROTECT,
        related_name="hardship_files",
        verbose_name="户主（困难职工）",
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name="户口所在地（县区）"
    )
    source = models.CharField(
        "档案来源", max_length=16, choices=FileSource.choices, default=FileSource.NEW
    )
    filing_level = models.CharField(
        "建档标准", max_length=16, choices=FilingLevel.choices, default=FilingLevel.COUNTY
    )
    legacy_category = models.CharField(
        "原困难类别（历史档案）", max_length=16, choices=LegacyCategory.choices, blank=True
    )
    # Computed from the household's figures and the 低保 standard; never typed.
    category = models.CharField("困难类别", max_length=16, choices=Category.choices, blank=True)
    per_capita_monthly = money_field(
        "家庭月人均收入（元）", default=Decimal("0.00"), editable=False
    )
    dibao_monthly = money_field("适用低保标准（元/月）", null=True, blank=True, editable=False)
    assessed_year = models.PositiveSmallIntegerField(
        "测算年度", null=True, blank=True, editable=False
    )
    household_size = models.PositiveSmallIntegerField("家庭人口", default=1, editable=False)
    annual_income = money_field("家庭年度总收入（元）", default=Decimal("0.00"), editable=False)
    # The head of household's situation.
    work_status = models.CharField("工作状态/身份", max_length=2, choices=WorkStatus.choices)
    model_worker_type = models.CharField(
        "劳模类型", max_length=1, choices=ModelWorkerType.choices, default=ModelWorkerType.NONE
    )
    marital_status = models.CharField("婚姻状况", max_length=1, choices=Marital.choices)
    hukou_kind = models.CharField("户口类型", max_length=1, choices=HukouKind.choices)
    housing = models.CharField("住房类型", max_length=2, choices=Housing.choices)
    housing_area = models.CharField(
        "建筑面积", max_length=1, choices=HousingArea.choices, blank=True
    )
    address = models.CharField("家庭住址", max_length=200)
    employer = models.CharField("工作单位", max_length=128, blank=True)
    work_since = models.DateField("参加工作时间", null=True, blank=True)
    single_parent = models.BooleanField("单亲家庭", default=False)
    zero_employment = models.BooleanField("零就业家庭", default=False)
    self_reliant = models.BooleanField("有一定自救能力", default=False)
    # Money of the household (yuan).
    other_annual_income = money_field("家庭其他非薪资年收入（元）", default=Decimal("0.00"))
    annual_rigid_expenses = money_field("年度刚性支出（元）", default=Decimal("0.00"))
    hardship_costs = money_field("本年致困费用（元）", default=Decimal("0.00"))
    main_cause = models.CharField("主要致困原因", max_length=2, choices=Cause.choices)
    secondary_causes = models.JSONField("次要致困原因", default=list, blank=True)
    cause_note = models.CharField("致困情况说明", max_length=500, blank=True)
    exclusions = models.JSONField("不予建档情形核查", default=dict, blank=True)
    bank_name = models.CharField("开户银行", max_length=64, blank=True)
    bank_branch = models.CharField("支行名称", max_length=64, blank=True)
    bank_card = EncryptedTextField("银行卡号", blank=True, default="")
    bank_card_masked = models.CharField("银行卡号", max_length=32, blank=True, editable=False)
    filed_on = models.DateField("建档日期", null=True, blank=True)
    last_recheck_on = models.DateField("最近复核日期", null=True, blank=True)
    visited_on = models.DateField("入户调查日期", null=True, blank=True)
    exit_reason = models.CharField("退出/注销原因", max_length=200, blank=True)
    national_file_no = models.CharField("全国系统档案编号", max_length=32, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)

    objects = HardshipFileQuerySet.as_manager()

    detail_url_name = "assistance:file"
    url_kwarg = "file_id"
    applicant_field = "head"
    #: 材料类型 of the file's attachments.
    attachment_kinds = {
        "application": "困难职工帮扶申请书",
        "authorization": "家庭经济状况核对授权书（签字）",
        "id_card": "身份证、户口簿",
        "income": "收入证明",
        "medical": "病历、医疗费用票据",
        "disability": "残疾证",
        "photo": "入户调查照片",
        "other": "其他材料",
    }
    #: What payments on files are for (the caps page lists them).
    payment_purposes = dict(AidType.choices)

    class Meta(Case.Meta):
        ordering = ["-id"]
        verbose_name = "困难职工档案"
        verbose_name_plural = "困难职工档案"
        indexes = [
            *Case.Meta.indexes,
            models.Index(fields=["category", "state"], name="hardship_category_idx"),
            # The files 在档 due for their yearly re-check (assistance.home ``not_rechecked``):
            # a subtree's from the index alone, joined with its unions by id.
            models.Index(
                fields=["org", "last_recheck_on"],
                condition=models.Q(state="in_file"),
                name="hardship_recheck_org_idx",
            ),
            # The files 在档 kept as a stock (decision 0033): the rest of a month is read from
            # the files whose span begins or ends in it.
            models.Index(fields=["filed_on"], name="hardship_filed_on_idx"),
            models.Index(fields=["closed_on"], name="hardship_closed_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(main_cause__in=[c.value for c in Cause]),
                name="hardship_main_cause_valid",
                violation_error_message="主要致困原因不正确。",
            ),
            models.CheckConstraint(
                condition=models.Q(household_size__gte=1, household_size__lte=30),
                name="hardship_household_size",
                violation_error_message="家庭人口应为1至30人。",
            ),
            _bounded("other_annual_income", "hardship_other_income_bounds"),
            _bounded("annual_rigid_expenses", "hardship_rigid_bounds"),
            _bounded("hardship_costs", "hardship_costs_bounds"),
            _bounded("annual_income", "hardship_income_bounds"),
        ]

    @property
    def is_open(self) -> bool:
        return not self.case_type.state(self.state).final

    def members_in_order(self):
        return sorted(self.members.all(), key=lambda m: (m.relation != "self", m.pk))


class HouseholdMember(models.Model):
    """家庭成员: one person of a household, the head (relation 本人) included.

    ``active`` is on while the file is open: then nobody may be in another open file.
    """

    file = models.ForeignKey(
        HardshipFile, models.CASCADE, related_name="members", verbose_name="档案"
    )
    relation = models.CharField("与户主关系", max_length=16, choices=Relation.choices)
    name = models.CharField("姓名", max_length=64)
    id_number = EncryptedTextField("身份证号码")
    id_hash = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField("身份证号码", max_length=18, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    monthly_income = money_field("月收入（元）", default=Decimal("0.00"))
    health = models.CharField("健康状况", max_length=2, choices=Health.choices, default=Health.GOOD)
    disease = models.CharField("疾病名称", max_length=64, blank=True)
    disability = models.CharField("残疾类别", max_length=1, choices=Disability.choices, blank=True)
    disability_grade = models.CharField(
        "残疾等级", max_length=1, choices=DisabilityGrade.choices, blank=True
    )
    medical_insurance = models.CharField("医保状况", max_length=1, choices=MedicalInsurance.choices)
    identity = models.CharField("人员身份", max_length=16, choices=Identity.choices)
    school_level = models.CharField(
        "当前学历", max_length=16, choices=SchoolLevel.choices, blank=True
    )
    school_or_employer = models.CharField("单位或学校", max_length=128, blank=True)
    active = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=models.Q(active=True),
                name="household_person_one_open_file",
                violation_error_message="该人员已在另一份办理中或在档的困难职工档案中（一户一档）。",
            ),
            models.UniqueConstraint(
                fields=["file", "id_hash"],
                name="household_person_once_per_file",
                violation_error_message="同一人不能在一份档案中出现两次。",
            ),
            models.UniqueConstraint(
                fields=["file"],
                condition=models.Q(relation="self"),
                name="household_one_head",
                violation_error_message="一份档案只有一位户主。",
            ),
            _bounded("monthly_income", "household_income_bounds", Decimal("100000000")),
        ]
        indexes = [models.Index(fields=["file", "relation"], name="household_file_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_head(self) -> bool:
        return self.relation == Relation.SELF


# ---- the four campaigns ------------------------------------------------------------------------


class Campaign(ScopedModel):
    """四送活动: one campaign of one union in one year (春送岗位, 夏送清凉, 金秋助学, 冬送温暖)."""

    kind = models.CharField("活动类型", max_length=16, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="组织工会"
    )
    title = models.CharField("活动名称", max_length=128)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    budget = money_field("预算（元）", default=Decimal("0.00"))
    target_groups = models.JSONField("慰问/服务对象", default=list, blank=True)
    sites = models.ManyToManyField(
        "venues.Venue", blank=True, related_name="+", verbose_name="活动地点（阵地）"
    )
    summary = models.TextField("活动总结", blank=True)
    created_by_name = models.CharField("经办人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    attachment_kinds = {
        "photo": "活动照片",
        "receipt": "签收表、领取回执",
        "summary": "活动总结、报送材料",
        "other": "其他材料",
    }

    class Meta:
        ordering = ["-year", "-starts_on", "-id"]
        verbose_name = "四送活动"
        verbose_name_plural = "四送活动"
        indexes = [models.Index(fields=["org", "year", "kind"], name="campaign_org_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_dates_order",
                violation_error_message="结束日期不能早于开始日期。",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="campaign_year_range",
                violation_error_message="年度应在2000至2100之间。",
            ),
            _bounded("budget", "campaign_budget_bounds"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assistance:campaign", kwargs={"campaign_id": self.pk})


class CampaignFund(models.Model):
    """A fund source of a campaign and the amount planned from it."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="funds")
    fund_source = models.CharField("资金来源", max_length=16)
    amount = money_field("金额（元）")

    class Meta:
        verbose_name = "活动资金来源"
        verbose_name_plural = "活动资金来源"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "fund_source"], name="campaign_fund_once"),
            _bounded("amount", "campaign_fund_bounds"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_source} {self.amount}"


class LineState(models.TextChoices):
    PROPOSED = "proposed", "拟慰问"
    IN_NOTICE = "in_notice", "公示中"
    APPROVED = "approved", "待发放"
    PAID = "paid", "已发放"
    REMOVED = "removed", "已移除"


class CampaignLineQuerySet(ScopedQuerySet):
    def live(self):
        return self.exclude(state=LineState.REMOVED)


class CampaignLine(ScopedModel):
    """慰问/资助明细: one beneficiary of a campaign."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="lines", verbose_name="活动"
    )
    # The campaign's union (kept on the line so that lines are scoped and listed without a join).
    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="组织工会"
    )
    person = models.ForeignKey(
        "members.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="会员",
    )
    hardship_file = models.ForeignKey(
        HardshipFile,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_lines",
        verbose_name="困难职工档案",
    )
    student_aid = models.OneToOneField(
        "StudentAid",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="line",
        verbose_name="金秋助学申请",
    )
    name = models.CharField("姓名", max_length=64)
    id_hash = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField("身份证号码", max_length=18)
    unit = models.CharField("工作单位/所在工会", max_length=128, blank=True)
    group = models.CharField("对象类别", max_length=16, choices=TargetGroup.choices)
    form = models.CharField("形式", max_length=16, choices=AidForm.choices, default=AidForm.CASH)
    amount = money_field("金额（元）", null=True, blank=True)
    goods = models.CharField("物品", max_length=128, blank=True)
    goods_value = money_field("物品价值（元）", null=True, blank=True)
    bank_name = models.CharField("开户银行", max_length=64, blank=True)
    bank_card = EncryptedTextField("银行卡号", blank=True, default="")
    bank_card_masked = models.CharField("银行卡号", max_length=32, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=LineState.choices, default=LineState.PROPOSED
    )
    paid_on = models.DateField("发放日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignLineQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "慰问/资助明细"
        verbose_name_plural = "慰问/资助明细"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "id_hash"],
                condition=~models.Q(state="removed"),
                name="campaign_line_once_per_person",
                violation_error_message="此人已在本次活动的名单中。",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in LineState]),
                name="campaign_line_state_valid",
                violation_error_message="状态不正确。",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(amount__isnull=True) | models.Q(amount__gt=0, amount__lte=MAX_AMOUNT)
                )
                & (
                    models.Q(goods_value__isnull=True)
                    | models.Q(goods_value__gte=0, goods_value__lte=MAX_AMOUNT)
                ),
                name="campaign_line_amount_bounds",
                violation_error_message="金额应大于0且不超过10亿元。",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="campaign_line_state_idx")]

    def __str__(self) -> str:
        return self.name


class StudentAid(Case):
    """金秋助学申请: a parent's application (their hardship file's household) for one student."""

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="student_aids", verbose_name="金秋助学活动"
    )
    household_file = models.ForeignKey(
        HardshipFile, models.PROTECT, related_name="student_aids", verbose_name="困难职工档案"
    )
    year = models.PositiveSmallIntegerField("年度", editable=False)
    student_name = models.CharField("学生姓名", max_length=64)
    student_id_number = EncryptedTextField("学生身份证号码")
    student_id_hash = models.CharField(max_length=64, editable=False)
    student_id_masked = models.CharField("学生身份证号码", max_length=18, editable=False)
    school = models.CharField("学校", max_length=128)
    level = models.CharField("就读层次", max_length=16, choices=SchoolLevel.choices)
    admission_year = models.PositiveSmallIntegerField("入学年份")
    amount = money_field("资助金额（元）")
    exclusions = models.JSONField("不予资助情形核查", default=dict, blank=True)
    other_aid = models.BooleanField("已获得其他助学资助", default=False)
    other_aid_note = models.CharField("其他资助说明", max_length=200, blank=True)
    # On while the application is alive: a student is aided at most once a year (constraint).
    counts = models.BooleanField(default=True, editable=False)

    detail_url_name = "assistance:student_aid"
    url_kwarg = "aid_id"
    applicant_field = "household_file__head"
    attachment_kinds = {
        "admission": "录取通知书",
        "fees": "缴费标准/学费票据",
        "id_card": "学生身份证、户口簿",
        "declaration": "未获其他资助的承诺书",
        "other": "其他材料",
    }

    class Meta(Case.Meta):
        ordering = ["-id"]
        verbose_name = "金秋助学申请"
        verbose_name_plural = "金秋助学申请"
        constraints = [
            models.UniqueConstraint(
                fields=["student_id_hash", "year"],
                condition=models.Q(counts=True),
                name="student_aid_once_a_year",
                violation_error_message="同一学生同一年度只能获得一次金秋助学资助（不重复资助）。",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, amount__lte=Decimal("100000")),
                name="student_aid_amount_bounds",
                violation_error_message="资助金额应大于0且不超过100,000元。",
            ),
            models.CheckConstraint(
                condition=models.Q(admission_year__gte=2000, admission_year__lte=2100),
                name="student_aid_admission_year_range",
                violation_error_message="入学年份应在2000至2100之间。",
            ),
        ]


class StudentAidAmount(models.Model):
    """金秋助学标准: the amount by school level and household category (the province edits)."""

    level = models.CharField("就读层次", max_length=16, choices=SchoolLevel.choices)
    category = models.CharField("困难类别", max_length=16, choices=Category.choices)
    amount = money_field("资助标准（元）")
    updated_by_name = models.CharField("最后修改人", max_length=200, blank=True)

    class Meta:
        ordering = ["level", "category"]
        verbose_name = "金秋助学标准"
        verbose_name_plural = "金秋助学标准"
        constraints = [
            models.UniqueConstraint(fields=["level", "category"], name="student_aid_amount_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, amount__lte=Decimal("100000")),
                name="student_aid_standard_bounds",
                violation_error_message="资助标准应大于0且不超过100,000元。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_category_display()} {self.amount}"
