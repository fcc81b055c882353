"""Casework: what every application/review module shares (ARCHITECTURE.md, "Casework").

- ``Case``: the abstract base of a case model (a hardship file, a student-aid application, a
  legal-aid case …): the union holding it, its state, whose turn it is and by when.
- ``CaseEvent``: the timeline of a case, one row per transition.
- ``Attachment``: files on a case (or on anything else), encrypted at rest.
- ``Notice`` / ``NoticeItem`` / ``Objection``: 公示, a batch of decisions shown in public for a
  number of working days, with the objections received.
- ``LedgerLine`` and ``Cap``: money paid, line by line against a fund source, and the yearly
  caps per person.
- ``CalendarYear`` / ``CalendarDay``: the working-day calendar (official holidays and 调休).
- ``Deadline``: the working days each waiting step may take, per case type (province config).
- ``RegionalRate``: an amount by region and year (低保 standard, local minimum wage …).

Domain apps declare their case types (casework.workflow) and register them; casework never
imports a domain app (STYLE.md, "Dependencies point down"). Generic links (the case an event
or a file belongs to) go through Django's content types.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from smartunion.core.querysets import NOTHING, ScopedModel, ScopedQuerySet

#: The largest amount of money any field accepts: 10⁹ yuan (issue 17: realistic bounds).
MAX_AMOUNT = Decimal("1000000000.00")


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """Yuan with two decimal places (never a float)."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


# ---- working-day calendar -------------------------------------------------------------------


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class CalendarSource(models.TextChoices):
    PACKAGE = "package", "chinese-calendar 软件包预置"
    MANUAL = "manual", "管理员录入"


class CalendarYear(models.Model):
    """One year's holiday arrangement (国务院办公厅关于某年部分节假日安排的通知).

    A year without a row, or with ``complete`` off, is counted Monday to Friday, and every
    deadline computed over it says so.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True)
    complete = models.BooleanField("已录入全年安排", default=False)
    source = models.CharField("来源", max_length=16, choices=CalendarSource.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_by_name = models.CharField("最后修改人", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "节假日安排（年度）"
        verbose_name_plural = "节假日安排（年度）"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="calendar_year_range",
                violation_error_message="年份应在2000至2100之间。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday, or a weekend worked (调休)."""

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=DayKind.choices)
    name = models.CharField("节日", max_length=32, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in DayKind]),
                name="calendar_day_kind_valid",
                violation_error_message="类型不正确。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


# ---- configuration the province edits ------------------------------------------------------


class Deadline(models.Model):
    """办理时限: the working days a waiting step of a case type may take (``step`` "publicity"
    is the length of its 公示). Pre-filled from the case types' declarations."""

    case_kind = models.CharField("业务类型", max_length=64)
    step = models.CharField("环节", max_length=32)
    working_days = models.PositiveSmallIntegerField("工作日")
    updated_by_name = models.CharField("最后修改人", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case_kind", "step"]
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        constraints = [
            models.UniqueConstraint(fields=["case_kind", "step"], name="deadline_unique_step"),
            models.CheckConstraint(
                condition=models.Q(working_days__gte=1, working_days__lte=365),
                name="deadline_days_range",
                violation_error_message="时限应为1至365个工作日。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_kind}:{self.step} {self.working_days}"


class RegionalRate(models.Model):
    """An amount per month that depends on the place and the year: the 低保 standard
    (kind "dibao"), the local minimum wage ("min_wage") … A county without its own row takes its
    city's, then its province's."""

    kind = models.CharField("标准", max_length=32)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name="行政区划"
    )
    year = models.PositiveSmallIntegerField("年度")
    monthly = money_field("月标准（元）")
    note = models.CharField("依据/说明", max_length=200, blank=True)
    updated_by_name = models.CharField("最后修改人", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "region_id", "-year"]
        verbose_name = "地区标准"
        verbose_name_plural = "地区标准"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "year"],
                name="regional_rate_unique",
                violation_error_message="该地区该年度的标准已录入。",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly__gt=0, monthly__lte=Decimal("100000")),
                name="regional_rate_positive",
                violation_error_message="月标准应大于0且不超过100,000元。",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="regional_rate_year_range",
                violation_error_message="年度应在2000至2100之间。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.region_id} {self.year}: {self.monthly}"


# ---- the case -------------------------------------------------------------------------------


def waiting_on(rows, user):
    """The cases of ``rows`` with a deadline whose turn is the user's union's or a union's
    below it (待我办理: the home page's 待办 cards and every case list's ``waiting``)."""
    rows = rows.filter(due_on__isnull=False)
    if user.sees_whole_tree:
        return rows
    return rows.filter(responsible_org__path__startswith=user.scope_path)


def overdue(today) -> models.Q:
    """The cases past their deadline with the clock running (逾期未办)."""
    return models.Q(due_on__lt=today, clock_stopped_on=None)


class CaseQuerySet(ScopedQuerySet):
    """The base of the case types' querysets (visibility from ``ScopedQuerySet``)."""


def waiting_index(name: str) -> models.Index:
    """The cases waiting on somebody (a deadline set), by the union whose turn it is: a few
    thousand of a table's rows at province scale. The 待办 counts and the "待我办理" lists read
    the waiting cases of a subtree from this index alone (``casework.home``: a county's
    hardship files 2,762 heap pages → 19 index pages); every read of deadlines (overdue,
    reminders) has ``due_on`` set, so the rows without one need no entry."""
    return models.Index(
        fields=["responsible_org", "due_on", "id"],
        condition=models.Q(due_on__isnull=False),
        name=name,
    )


class Case(ScopedModel):
    """An application or case moving through reviews across the union tree (abstract).

    ``org`` is the union holding the case: its staff and everyone above see it. While the case
    waits on somebody, ``responsible_org`` is the union whose turn it is and ``due_on`` the last
    working day it has (computed from the calendar: ``wait_started_on`` + ``wait_days`` working
    days, the start day not counted; a clock stopped on ``clock_stopped_on`` resumes with the
    days not yet used). ``due_complete`` is off when the calendar of a year the period crosses
    was not entered (the date assumes Monday–Friday). The concrete model names its declaration
    in ``case_type`` (casework.workflow.CaseType).
    """

    number = models.CharField("编号", max_length=32, unique=True, editable=False)
    org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        related_name="+",
        verbose_name="所在工会",
    )
    state = models.CharField("状态", max_length=32)
    state_since = models.DateTimeField("进入当前状态")
    opened_on = models.DateField("受理/申请日期")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    responsible_org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="当前办理工会",
    )
    due_on = models.DateField("办理期限", null=True, blank=True)
    due_complete = models.BooleanField("期限按正式节假日安排计算", default=True)
    wait_started_on = models.DateField(null=True, blank=True, editable=False)
    wait_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    clock_stopped_on = models.DateField("计时中止日期", null=True, blank=True)
    # The waiting state whose clock is stopped, and the working days it had used.
    clock_state = models.CharField(max_length=32, blank=True, editable=False)
    clock_used_days = models.PositiveSmallIntegerField(default=0, editable=False)
    urgent = models.BooleanField("紧急", default=False)
    created_by_name = models.CharField("经办人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    #: The declaration of this case type (states, transitions, deadlines, 公示); set by each
    #: concrete model.
    case_type = None
    #: The case's page: the URL name and its keyword (e.g. "assistance:file", "file_id").
    detail_url_name = ""
    url_kwarg = ""
    #: The lookup from the case to the person who applied (a ``members.Person``): how 职工之家
    #: finds a worker's own cases ("" : the case type has no applicant of its own).
    applicant_field = ""

    class Meta:
        abstract = True
        indexes = [
            waiting_index("%(app_label)s_%(class)s_wait"),
            models.Index(fields=["org", "state"], name="%(app_label)s_%(class)s_org_st"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def url_of(cls, pk) -> str:
        from django.urls import reverse

        return reverse(cls.detail_url_name, kwargs={cls.url_kwarg: pk})

    def get_absolute_url(self) -> str:
        return self.url_of(self.pk)

    @classmethod
    def of_applicant(cls, person_id) -> models.QuerySet:
        """The cases this person applied for (none when the type has no applicant field, or
        for no person)."""
        return cls.objects.filter(cls._applicant_q(person_id))

    @classmethod
    def _applicant_q(cls, person_id) -> models.Q:
        if not cls.applicant_field or person_id is None:
            return NOTHING
        return models.Q(**{cls.applicant_field: person_id})

    @classmethod
    def own_q(cls, actor) -> models.Q:
        """A worker's own cases: those they applied for, wherever in the tree they now are."""
        return cls._applicant_q(actor.person_id)

    @property
    def state_label(self) -> str:
        return self.case_type.state(self.state).label

    @property
    def clock_stopped(self) -> bool:
        return self.clock_stopped_on is not None

    def deadline_step(self, state) -> tuple[str, int | None]:
        """The ``Deadline`` step that sets the wait in ``state``, and its default days. A case
        type whose limit depends on the case (a request's urgency) overrides this."""
        return state.name, state.wait

    def is_overdue(self, today) -> bool:
        return self.due_on is not None and self.clock_stopped_on is None and self.due_on < today


class GenericLink(models.Model):
    """A row that belongs to one object of any model (a case, a campaign line …)."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True


class CaseEvent(GenericLink):
    """办理记录: one step of a case's timeline, never edited."""

    action = models.CharField("操作", max_length=32)
    label = models.CharField("操作名称", max_length=64)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32, blank=True)
    note = models.TextField("意见/说明", blank=True)
    details = models.JSONField("办理信息", default=dict, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField("经办人", max_length=200, blank=True)
    actor_org_name = models.CharField("经办工会", max_length=128, blank=True)
    due_on = models.DateField("下一环节期限", null=True, blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        indexes = [models.Index(fields=["content_type", "object_id", "id"], name="case_event_idx")]

    def __str__(self) -> str:
        return f"{self.label} {self.at:%Y-%m-%d %H:%M}"


class Attachment(GenericLink):
    """附件: a file on a case (application form, income proof, photo …), encrypted at rest."""

    kind = models.CharField("材料类型", max_length=32)
    name = models.CharField("文件名", max_length=200)
    mime = models.CharField("文件格式", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    stored_file = models.CharField(max_length=64, editable=False)
    uploaded_by_name = models.CharField("上传人", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="attachment_subject_idx")
        ]

    def __str__(self) -> str:
        return self.name


# ---- 公示 -----------------------------------------------------------------------------------


class NoticeState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "公示中"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已撤销"


class Notice(ScopedModel):
    """公示: a batch of decisions shown on a public page for ``working_days`` working days.

    Items are snapshots taken when it is published (a masked name, the union, the category
    and the amount; never an ID number, health details or a bank account).
    """

    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="公示工会"
    )
    subject_kind = models.CharField("公示内容", max_length=64)
    title = models.CharField("标题", max_length=128)
    contact = models.CharField("异议受理方式", max_length=200, blank=True)
    working_days = models.PositiveSmallIntegerField("公示期（工作日）")
    state = models.CharField(
        "状态", max_length=16, choices=NoticeState.choices, default=NoticeState.DRAFT
    )
    published_on = models.DateField("公示开始", null=True, blank=True)
    ends_on = models.DateField("公示截止", null=True, blank=True)
    ends_complete = models.BooleanField(default=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    created_by_name = models.CharField("经办人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "公示"
        verbose_name_plural = "公示"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_days__gte=1, working_days__lte=60),
                name="notice_days_range",
                violation_error_message="公示期应为1至60个工作日。",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in NoticeState]),
                name="notice_state_valid",
                violation_error_message="状态不正确。",
            ),
        ]
        indexes = [models.Index(fields=["state", "ends_on"], name="notice_state_idx")]

    def __str__(self) -> str:
        return self.title


class NoticeItem(GenericLink):
    """One line of a 公示, as the public sees it."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="items")
    name_masked = models.CharField("姓名", max_length=64)
    org_name = models.CharField("工会/单位", max_length=128)
    category = models.CharField("类别", max_length=64, blank=True)
    detail = models.CharField("内容", max_length=128, blank=True)
    amount = money_field("金额（元）", null=True, blank=True)
    withdrawn = models.BooleanField("已撤回", default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = "公示条目"
        verbose_name_plural = "公示条目"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(withdrawn=False),
                name="notice_item_once",
                violation_error_message="该条目已在另一批公示中。",
            )
        ]

    def __str__(self) -> str:
        return self.name_masked


class ObjectionState(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立（撤回该条目）"
    DISMISSED = "dismissed", "异议不成立"


class Objection(models.Model):
    """异议: received during a 公示 about one of its items; it must be resolved before the
    notice can close."""

    item = models.ForeignKey(NoticeItem, models.CASCADE, related_name="objections")
    received_on = models.DateField("收到日期")
    channel = models.CharField("方式", max_length=32)
    summary = models.TextField("异议内容")
    state = models.CharField(
        "状态", max_length=16, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    resolution = models.TextField("处理意见", blank=True)
    resolved_on = models.DateField("处理日期", null=True, blank=True)
    recorded_by_name = models.CharField("登记人", max_length=200, blank=True)
    resolved_by_name = models.CharField("处理人", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return f"异议 #{self.pk}"


# ---- money ----------------------------------------------------------------------------------


class FundSource(models.TextChoices):
    """资金来源."""

    FISCAL = "fiscal", "财政拨款"
    HIGHER = "higher", "上级工会补助"
    OWN = "own", "本级工会经费"
    DONATION = "donation", "社会捐助"
    ADMIN = "admin", "行政拨付"
    OTHER = "other", "其他"


class LedgerQuerySet(ScopedQuerySet):
    def for_beneficiary(self, beneficiary_hash: str, year: int):
        return self.filter(beneficiary_hash=beneficiary_hash, year=year)


class LedgerLine(ScopedModel, GenericLink):
    """资金台账: one payment to one person, against one fund source, never edited.

    A mistaken payment is corrected by a reversing line (negative, naming the line it
    reverses). The person is identified by the blind index of their ID number, so caps hold
    for family members and students who are not in the registry too.
    """

    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="发放工会"
    )
    fund_source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    purpose = models.CharField("用途", max_length=32)
    amount = money_field("金额（元）")
    paid_on = models.DateField("发放日期")
    year = models.PositiveSmallIntegerField("年度", editable=False)
    beneficiary_hash = models.CharField(max_length=64, editable=False)
    beneficiary_name = models.CharField("受助人", max_length=64)
    beneficiary_id_masked = models.CharField("身份证号码", max_length=18)
    bank_card_masked = models.CharField("银行卡号", max_length=32, blank=True)
    method = models.CharField("发放方式", max_length=16, default="bank")
    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by_name = models.CharField("经办人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = "资金台账"
        verbose_name_plural = "资金台账"
        indexes = [
            models.Index(fields=["beneficiary_hash", "year"], name="ledger_beneficiary_idx"),
            models.Index(fields=["content_type", "object_id"], name="ledger_subject_idx"),
            models.Index(fields=["org", "year", "fund_source"], name="ledger_org_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(amount__gt=0, amount__lte=MAX_AMOUNT, reverses__isnull=True)
                    | models.Q(amount__lt=0, amount__gte=-MAX_AMOUNT, reverses__isnull=False)
                ),
                name="ledger_amount_sign",
                violation_error_message="金额应大于0且不超过10亿元（冲正为负数）。",
            ),
            models.CheckConstraint(
                condition=models.Q(fund_source__in=[f.value for f in FundSource]),
                name="ledger_fund_source_valid",
                violation_error_message="资金来源不正确。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_name} {self.amount} {self.paid_on}"


class Cap(models.Model):
    """封顶: the most one person may receive for one purpose, per payment and per year."""

    purpose = models.CharField("用途", max_length=32, unique=True)
    per_payment = money_field("每次最高（元）", null=True, blank=True)
    per_year = money_field("每人每年最高（元）", null=True, blank=True)
    note = models.CharField("依据", max_length=200, blank=True)
    updated_by_name = models.CharField("最后修改人", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["purpose"]
        verbose_name = "资助封顶标准"
        verbose_name_plural = "资助封顶标准"
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(per_payment__isnull=True) | models.Q(per_payment__gt=0))
                    & (models.Q(per_year__isnull=True) | models.Q(per_year__gt=0))
                ),
                name="cap_positive",
                violation_error_message="封顶金额应大于0。",
            )
        ]

    def __str__(self) -> str:
        return self.purpose


class Reminder(ScopedModel, GenericLink):
    """催办提醒: written by the reminder task when a waiting step is due or overdue; shown to
    the staff of the responsible union (and those above) until the step is done."""

    org = models.ForeignKey(
        "orgs.Organization", models.CASCADE, related_name="+", verbose_name="办理工会"
    )
    kind = models.CharField("类型", max_length=16)  # "due" (今天到期) or "overdue" (已逾期)
    text = models.CharField("内容", max_length=200)
    due_on = models.DateField("期限")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "催办提醒"
        verbose_name_plural = "催办提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "due_on"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return self.text
