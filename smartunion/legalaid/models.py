"""Trade-union legal aid (工会法律援助, SERVICES.md §3).

- ``LegalAidHandler``: 承办人 — a union lawyer, a law firm under agreement or a union legal
  worker, serving under one union (who may be assigned by that union and those above it).
- ``LegalAidCase``: one consultation or application for legal aid, a casework ``Case``
  (declared in ``workflows.LEGAL_AID``): 咨询 or 申请 → 补正 → 审查 → 准予 / 不予 (异议) → 指派 →
  办理阶段 → 结案 → 回访 → 归档; side states 终止援助 and 转办.
- ``LegalAidStage``: one step of the handling (协商, 调解, 仲裁, 一审, 二审, 执行) with its date
  and the next hearing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models

from smartunion.casework.models import MAX_AMOUNT, Case, CaseQuerySet, money_field
from smartunion.core.querysets import ScopedModel
from smartunion.legalaid.codes import (
    AidForm,
    ApplicantKind,
    Exemption,
    HandlerKind,
    Matter,
    Result,
    Stage,
    Subtype,
    TerminationReason,
    TransferTo,
)


class LegalAidHandler(ScopedModel):
    """承办人: who handles assigned cases for a union (and the unions above it)."""

    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="所属工会"
    )
    kind = models.CharField("类型", max_length=16, choices=HandlerKind.choices)
    name = models.CharField("姓名/名称", max_length=64)
    firm = models.CharField("执业机构", max_length=128, blank=True)
    license_no = models.CharField("执业证号", max_length=32, blank=True)
    user = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="平台账号",
    )
    active = models.BooleanField("在册", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org_id", "name"]
        verbose_name = "法律援助承办人"
        verbose_name_plural = "法律援助承办人"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in HandlerKind]),
                name="legalaid_handler_kind_valid",
                violation_error_message="承办人类型不正确。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class LegalAidCaseQuerySet(CaseQuerySet):
    def hearings_within(self, today: dt.date, days: int = 7):
        return self.filter(
            next_hearing_on__gte=today, next_hearing_on__lte=today + dt.timedelta(days)
        )


class LegalAidCase(Case):
    """法律援助案件: a consultation, or an application reviewed, assigned, handled and closed."""

    applicant_kind = models.CharField("申请人类型", max_length=16, choices=ApplicantKind.choices)
    person = models.ForeignKey(
        "members.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请人（实名库）",
    )
    applicant_name = models.CharField("申请人", max_length=128)
    employer = models.CharField("对方当事人（用人单位）", max_length=128, blank=True)
    employer_uscc = models.CharField("对方统一社会信用代码", max_length=18, blank=True)
    matter = models.CharField("援助事由", max_length=16, choices=Matter.choices)
    subtype = models.CharField("争议类别", max_length=16, choices=Subtype.choices, blank=True)
    aid_form = models.CharField("援助形式", max_length=16, choices=AidForm.choices)
    facts = models.TextField("案情摘要", blank=True)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name="所在县区"
    )
    workers_involved = models.PositiveIntegerField("涉及职工人数", default=1)
    amount_in_dispute = money_field("争议金额（元）", null=True, blank=True)
    income_per_head = money_field("家庭月人均收入（元）", null=True, blank=True)
    exemption = models.CharField(
        "免予经济困难审查", max_length=16, choices=Exemption.choices, blank=True
    )
    min_wage_monthly = money_field("适用最低工资标准（元/月）", null=True, blank=True)
    financial_ok = models.BooleanField("符合经济困难条件", null=True, blank=True)
    financial_note = models.CharField("经济困难审查结论", max_length=200, blank=True)
    knew_on = models.DateField("知道权利被侵害之日", null=True, blank=True)
    limitation_on = models.DateField("仲裁时效届满日", null=True, blank=True)
    deciding_org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="决定工会",
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_reason = models.TextField("审查意见/不予援助理由", blank=True)
    objection = models.TextField("异议", blank=True)
    objection_answer = models.TextField("异议答复", blank=True)
    handler = models.ForeignKey(
        LegalAidHandler,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="承办人",
    )
    letter_no = models.CharField("委派函编号", max_length=32, blank=True)
    assigned_on = models.DateField("指派日期", null=True, blank=True)
    next_hearing_on = models.DateField("下次开庭/仲裁日期", null=True, blank=True)
    result = models.CharField("结案结果", max_length=16, choices=Result.choices, blank=True)
    recovered = money_field("挽回经济损失（元）", null=True, blank=True)
    report = models.TextField("结案报告", blank=True)
    callback_score = models.PositiveSmallIntegerField("回访满意度（1–5）", null=True, blank=True)
    callback_comment = models.CharField("回访意见", max_length=500, blank=True)
    callback_on = models.DateField("回访日期", null=True, blank=True)
    callback_by_name = models.CharField("回访人", max_length=200, blank=True)
    archive_no = models.CharField("档案号", max_length=32, blank=True)
    termination_reason = models.CharField(
        "终止原因", max_length=16, choices=TerminationReason.choices, blank=True
    )
    transfer_to = models.CharField(
        "转办去向", max_length=16, choices=TransferTo.choices, blank=True
    )
    transfer_name = models.CharField("接收单位", max_length=128, blank=True)

    objects = LegalAidCaseQuerySet.as_manager()

    detail_url_name = "legalaid:case"
    url_kwarg = "case_id"
    applicant_field = "person"
    attachment_kinds = {
        "application": "法律援助申请表",
        "identity": "身份证明/工作证明",
        "finance": "经济困难证明",
        "evidence": "证据材料",
        "letter": "委派函",
        "judgment": "判决书/裁决书/调解书",
        "report": "结案报告",
        "other": "其他",
    }

    class Meta(Case.Meta):
        ordering = ["-urgent", "-id"]
        verbose_name = "法律援助案件"
        verbose_name_plural = "法律援助案件"
        indexes = [
            *Case.Meta.indexes,
            models.Index(fields=["next_hearing_on"], name="legalaid_hearing_idx"),
            models.Index(fields=["handler", "state"], name="legalaid_handler_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recovered__isnull=True)
                | models.Q(recovered__gte=0, recovered__lte=MAX_AMOUNT),
                name="legalaid_recovered_range",
                violation_error_message="挽回经济损失不能为负数，且不超过10亿元。",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_in_dispute__isnull=True)
                | models.Q(amount_in_dispute__gte=0, amount_in_dispute__lte=MAX_AMOUNT),
                name="legalaid_amount_range",
                violation_error_message="争议金额不能为负数，且不超过10亿元。",
            ),
            models.CheckConstraint(
                condition=models.Q(income_per_head__isnull=True)
                | models.Q(income_per_head__gte=0, income_per_head__lte=Decimal("1000000")),
                name="legalaid_income_range",
                violation_error_message="家庭月人均收入不能为负数。",
            ),
            models.CheckConstraint(
                condition=models.Q(callback_score__isnull=True)
                | models.Q(callback_score__gte=1, callback_score__lte=5),
                name="legalaid_callback_score_range",
                violation_error_message="满意度应为1至5分。",
            ),
        ]

    @property
    def is_migrant_wage_case(self) -> bool:
        return self.applicant_kind == ApplicantKind.MIGRANT and self.subtype == Subtype.WAGES


class LegalAidStage(models.Model):
    """办理阶段: one step of the handling, with its date, the next hearing and what happened."""

    case = models.ForeignKey(LegalAidCase, models.CASCADE, related_name="stages")
    stage = models.CharField("阶段", max_length=16, choices=Stage.choices)
    happened_on = models.DateField("日期")
    hearing_on = models.DateField("下次开庭/仲裁日期", null=True, blank=True)
    summary = models.CharField("进展情况", max_length=500)
    recorded_by_name = models.CharField("记录人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "id"]
        verbose_name = "办理阶段"
        verbose_name_plural = "办理阶段"

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.happened_on}"
