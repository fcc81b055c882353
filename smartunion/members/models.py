"""会员实名制: persons (one per ID number), their memberships and the events of each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from smartunion.core.codes import (
    Education,
    EmploymentStatus,
    Ethnicity,
    Gender,
    HukouType,
    NewFormType,
    PoliticalStatus,
    SkillLevel,
)
from smartunion.core.fields import EncryptedTextField
from smartunion.core.idnumber import age_on, mask_birth_date
from smartunion.core.pinyin import name_readings
from smartunion.core.querysets import NOTHING, ScopedModel, ScopedQuerySet
from smartunion.members.querysets import PersonQuerySet, TransferQuerySet

#: The columns search reads a name by, in the order of ``core.pinyin.NameReadings``.
READING_COLUMNS = ("name_pinyin", "name_initials", "name_pinyin_alt", "name_initials_alt")


class Person(ScopedModel):
    """实名人员: one real person, identified by their 居民身份证号码.

    The number itself is stored encrypted; ``id_hash`` (a blind index) makes it unique and
    findable; ``id_masked`` is what pages show. Gender and birth date come from the number.
    ``org`` is the union that holds the person's current membership, or the last one that did
    (or the one they applied to): it decides which staff see the person.
    """

    scope_path_lookup = "org__path"

    @classmethod
    def own_q(cls, actor) -> models.Q:
        """A worker's own person, once bound (core.actors.SelfActor)."""
        return models.Q(pk=actor.person_id) if actor.person_id else NOTHING

    name = models.CharField("姓名", max_length=64)
    # Indexed through Meta.indexes only: person_initials_idx and person_pinyin_idx serve every
    # search and order by these columns (members/querysets.py). The name's reading, the
    # family name read as a surname (曾 zeng); when the name's ordinary reading differs (曾
    # ceng), it is the other reading, "" for most people (core.pinyin.name_readings).
    name_pinyin = models.CharField("姓名全拼", max_length=128, editable=False)
    name_initials = models.CharField("姓名首字母", max_length=32, editable=False)
    name_pinyin_alt = models.CharField(
        "姓名全拼（另一读法）", max_length=128, blank=True, default="", editable=False
    )
    name_initials_alt = models.CharField(
        "姓名首字母（另一读法）", max_length=32, blank=True, default="", editable=False
    )
    id_type = models.CharField(
        "证件类型", max_length=2, default="01", editable=False
    )  # 01 居民身份证
    id_number = EncryptedTextField("身份证号码")
    # Unique through Meta.constraints, not unique=True: on PostgreSQL a unique or indexed
    # CharField also gets a second, LIKE-capable index (varchar_pattern_ops), useless for a
    # hash and paid for on every insert (the bulk import measured 24.5 k → 34.5 k rows/s COPY
    # after removing such redundant indexes).
    id_hash = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField("身份证号码", max_length=18, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    phone = EncryptedTextField("手机号码", blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)  # indexed in Meta
    phone_masked = models.CharField("手机号码", max_length=20, blank=True, editable=False)
    ethnicity = models.CharField("民族", max_length=3, choices=Ethnicity.choices, blank=True)
    education = models.CharField("学历", max_length=2, choices=Education.choices, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=2, choices=PoliticalStatus.choices, blank=True
    )
    hukou_type = models.CharField("户籍类型", max_length=1, choices=HukouType.choices, blank=True)
    is_migrant_worker = models.BooleanField("是否农民工", default=False)
    employment_status = models.CharField(
        "就业状况",
        max_length=2,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.EMPLOYED,
    )
    skill_level = models.CharField("技术等级", max_length=1, choices=SkillLevel.choices, blank=True)
    occupation = models.CharField("工种", max_length=64, blank=True)
    professional_title = models.CharField("职称", max_length=64, blank=True)
    new_form_type = models.CharField(
        "新就业形态劳动者类型", max_length=2, choices=NewFormType.choices, blank=True
    )
    is_model_worker = models.BooleanField("是否劳模", default=False)
    org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        related_name="persons",
        verbose_name="所在工会",
        db_index=False,  # person_org_name_idx (org, name) serves lookups by org
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = "会员"
        verbose_name_plural = "会员"
        # On PostgreSQL the name and initials columns of these indexes are built with
        # COLLATE "C" (migrations 0003, 0005): only then can they serve LIKE 'prefix%' and the
        # order the search lists in (members/querysets.py).
        indexes = [
            models.Index(fields=["org", "name"], name="person_org_name_idx"),
            models.Index(fields=["name", "id"], name="person_name_id_idx"),
            models.Index(fields=["name_initials", "name_pinyin", "id"], name="person_initials_idx"),
            models.Index(fields=["name_pinyin", "id"], name="person_pinyin_idx"),
            # Only the few people whose name has another reading (partial indexes).
            models.Index(
                fields=["name_initials_alt", "name_pinyin_alt", "id"],
                name="person_initials_alt_idx",
                condition=~models.Q(name_initials_alt=""),
            ),
            models.Index(
                fields=["name_pinyin_alt", "id"],
                name="person_pinyin_alt_idx",
                condition=~models.Q(name_pinyin_alt=""),
            ),
            models.Index(fields=["phone_hash"], name="person_phone_hash_idx"),
            # The statistics' age bands at a day inside a month: the birthdays of the rest
            # of that month at each band's edge (members/summaries.py), read from the index
            # alone (with the id; not one heap page per person: 144 → 45 ms a band's edge at
            # the province, session 13).
            models.Index(fields=["birth_date", "id"], name="person_birth_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                name="person_id_hash_unique",
                violation_error_message="该身份证号码已登记。",
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=["1", "2"]),
                name="person_gender_valid",
                violation_error_message="性别不正确。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def set_name(self, name: str) -> None:
        """The name, and the readings search finds it by."""
        self.name = name
        for column, value in zip(READING_COLUMNS, name_readings(name), strict=True):
            setattr(self, column, value)

    @property
    def birth_masked(self) -> str:
        """The birth date as pages show it beside the masked ID number (core.idnumber)."""
        return mask_birth_date(self.birth_date)

    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", "申请中"
    ACTIVE = "active", "在籍"
    RETAINED = "retained", "保留会籍"
    ENDED = "ended", "已终止"
    REJECTED = "rejected", "未批准"


CURRENT_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.RETAINED)

#: The person's attributes the statistics count, copied on each of their memberships
#: (``Membership.gender`` …, members/counted.py).
COUNTED_FIELDS = (
    "gender",
    "birth_date",
    "education",
    "hukou_type",
    "is_migrant_worker",
    "new_form_type",
)


def counted_from(person: Person | Mapping[str, Any]) -> dict[str, Any]:
    """The counted attributes of a person, or of a person's column values (a bulk write's:
    those left out take the field's default, as ``bulk.Table`` gives them)."""
    if isinstance(person, Person):
        return {name: getattr(person, name) for name in COUNTED_FIELDS}
    return {name: person.get(name, _COUNTED_DEFAULTS[name]) for name in COUNTED_FIELDS}


_COUNTED_DEFAULTS = {name: Person._meta.get_field(name).get_default() for name in COUNTED_FIELDS}

#: The status filter of the member list (会员查询) and its export.
LIST_STATUS_FILTERS = (MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.RETAINED)

#: The member-status filter of a union's page and its export: value → (label, statuses).
MEMBER_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "current": ("全部有效会员", CURRENT_STATUSES),
    "active": ("在籍", (MembershipStatus.ACTIVE,)),
    "retained": ("保留会籍", (MembershipStatus.RETAINED,)),
    "applied": ("申请中", (MembershipStatus.APPLIED,)),
    "ended": ("已终止", (MembershipStatus.ENDED,)),
}


class EndType(models.TextChoices):
    TRANSFERRED = "transferred", "转出"
    LEFT = "left", "退会"
    EXPELLED = "expelled", "除名"


class ApplicationChannel(models.TextChoices):
    WRITTEN = "written", "书面申请"
    ORAL = "oral", "口头申请"
    ONLINE = "online", "网上申请"
    PAPER_RECORD = "record", "补录（已批准的纸质材料）"


class MembershipQuerySet(ScopedQuerySet):
    def current(self) -> MembershipQuerySet:
        return self.filter(status__in=CURRENT_STATUSES)


class Membership(ScopedModel):
    """会籍: one person's membership of one union, over a period.

    A transfer ends the old membership and opens a new one in the receiving union with the
    same 会员证号, so the history stays with each union. At most one membership per person is
    current (在籍 or 保留会籍) — a conditional unique constraint — and at most one is applied for.
    """

    person = models.ForeignKey(
        Person,
        models.PROTECT,
        related_name="memberships",
        verbose_name="会员",
        db_index=False,  # membership_person_idx (person, …) serves lookups by person
    )
    org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        related_name="memberships",
        verbose_name="工会",
        db_index=False,  # membership_org_status_idx (org, status, id) serves lookups by org
    )
    status = models.CharField("会籍状态", max_length=16, choices=MembershipStatus.choices)
    channel = models.CharField(
        "申请方式",
        max_length=16,
        choices=ApplicationChannel.choices,
        default=ApplicationChannel.WRITTEN,
    )
    applied_on = models.DateField("申请日期", null=True, blank=True)
    joined_on = models.DateField("入会日期", null=True, blank=True)
    card_no = models.CharField("会员证号", max_length=20, blank=True)
    retained_on = models.DateField("保留会籍日期", null=True, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_type = models.CharField("终止方式", max_length=16, choices=EndType.choices, blank=True)
    # The person's attributes the statistics count (``COUNTED_FIELDS``), copied from the
    # person when the membership is written and again whenever they change on the person
    # (members/counted.py, decision 0039): a union's members by any of them from the index by
    # union alone, not a probe of the person for each (a county's grassroots unions by 年龄段).
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    education = models.CharField(
        "学历", max_length=2, choices=Education.choices, blank=True, default="", editable=False
    )
    hukou_type = models.CharField(
        "户籍类型", max_length=1, choices=HukouType.choices, blank=True, default="", editable=False
    )
    is_migrant_worker = models.BooleanField("是否农民工", default=False, editable=False)
    new_form_type = models.CharField(
        "新就业形态劳动者类型",
        max_length=2,
        choices=NewFormType.choices,
        blank=True,
        default="",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "会籍"
        verbose_name_plural = "会籍"
        indexes = [
            models.Index(fields=["org", "status", "id"], name="membership_org_status_idx"),
            # A person's memberships, and the statistics' birthdays at a band's edge: the
            # memberships of the persons born in a few days, whether they count, from the
            # index alone (members/summaries.py's ``_birthdays``).
            models.Index(
                fields=["person", "status", "joined_on", "ended_on", "org", "id"],
                name="membership_person_idx",
            ),
            # The statistics' day-level remainder (members/summaries.py): the memberships
            # that began or ended in the rest of one month.
            models.Index(fields=["joined_on"], name="membership_joined_idx"),
            models.Index(fields=["ended_on"], name="membership_ended_idx"),
            # The applications waiting for approval, the longest waiting first (会员查询's
            # 申请中, the API's applications): a few among millions of memberships.
            models.Index(
                fields=["applied_on", "id"],
                condition=models.Q(status="applied"),
                name="membership_applied_idx",
            ),
            # The applications of a scope (首页's 待审批的入会申请): an index-only read of the
            # few applied rows' unions, joined with the scope's unions (not one heap page per
            # application, nor one probe per union of the scope).
            models.Index(
                fields=["org"],
                condition=models.Q(status="applied"),
                name="membership_applied_org_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["active", "retained"]),
                name="membership_one_current_per_person",
                violation_error_message="此人已是会员（每人只能有一个有效会籍）。",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="applied"),
                name="membership_one_application_per_person",
                violation_error_message="此人已有一份待审批的入会申请。",
            ),
            models.UniqueConstraint(
                fields=["card_no"],
                condition=models.Q(status__in=["active", "retained"]) & ~models.Q(card_no=""),
                name="membership_card_no_unique",
                violation_error_message="会员证号重复。",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in MembershipStatus]),
                name="membership_status_valid",
                violation_error_message="会籍状态不正确。",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="applied") | models.Q(applied_on__isnull=False),
                name="membership_application_has_date",
                violation_error_message="入会申请必须有申请日期。",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["active", "retained"])
                | models.Q(joined_on__isnull=False),
                name="membership_current_has_join_date",
                violation_error_message="有效会籍必须有入会日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.org}"

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            # A new membership counts by its person's attributes as they are now.
            for name, value in counted_from(self.person).items():
                setattr(self, name, value)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES


class ChangeType(models.TextChoices):
    """会籍变动类型: the six national types first, then our workflow steps."""

    JOIN = "join", "入会"
    TRANSFER_IN = "transfer_in", "转入"
    RETAIN = "retain", "保留"
    TRANSFER_OUT = "transfer_out", "转出"
    REMOVE = "remove", "除名"
    LEAVE = "leave", "退会"
    APPLY = "apply", "申请入会"
    REJECT = "reject", "不予批准"
    RESTORE = "restore", "恢复会籍"
    TRANSFER_SENT = "transfer_sent", "发起转会"
    TRANSFER_CANCELLED = "transfer_cancelled", "转会撤回/退回"


class ChangeReason(models.TextChoices):
    """会籍变动原因 (national list), plus the reasons retention and restoration need."""

    LABOR_RELATION = "labor_relation", "劳动关系变化"
    LAID_OFF = "laid_off", "下岗待岗"
    UNEMPLOYED = "unemployed", "失业"
    BANKRUPTCY = "bankruptcy", "企业破产"
    PERSONAL = "personal", "个人要求退会"
    CRIME = "crime", "因犯罪被开除"
    RETIRED = "retired", "退休"
    EARLY_RETIRED = "early_retired", "内退"
    REEMPLOYED = "reemployed", "重新就业"
    APPLICATION = "application", "本人申请"


RETAIN_REASONS = (
    ChangeReason.RETIRED,
    ChangeReason.EARLY_RETIRED,
    ChangeReason.UNEMPLOYED,
    ChangeReason.LAID_OFF,
    ChangeReason.BANKRUPTCY,
)


class MembershipEvent(ScopedModel):
    """会籍变动记录: one step in a person's membership history, never edited."""

    person = models.ForeignKey(
        Person,
        models.PROTECT,
        related_name="events",
        verbose_name="会员",
        db_index=False,  # event_person_idx (person, id) serves lookups by person
    )
    membership = models.ForeignKey(
        Membership, models.PROTECT, related_name="events", verbose_name="会籍"
    )
    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="工会"
    )
    change_type = models.CharField("变动类型", max_length=24, choices=ChangeType.choices)
    reason = models.CharField("变动原因", max_length=24, choices=ChangeReason.choices, blank=True)
    occurred_on = models.DateField("变动日期")
    note = models.CharField("说明", max_length=200, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField("经办人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = "会籍变动"
        verbose_name_plural = "会籍变动"
        indexes = [
            models.Index(fields=["person", "id"], name="event_person_idx"),
            # The statistics' day-level remainder: the events of the rest of one month.
            models.Index(fields=["occurred_on"], name="event_occurred_idx"),
            # The statistics join a membership to the 转入 that opened it (members/indicators.py,
            # 入会率's unrated unions): read from this index alone.
            models.Index(
                fields=["membership", "occurred_on"],
                condition=models.Q(change_type="transfer_in"),
                name="event_transfer_in_idx",
            ),
        ]
        constraints = [
            # A transfer opens a new membership with one 转入 (members.services.accept_transfer):
            # joined to it, a membership with two would count twice.
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(change_type="transfer_in"),
                name="event_one_transfer_in_per_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_change_type_display()} {self.occurred_on}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "待接收"
    ACCEPTED = "accepted", "已接收"
    REJECTED = "rejected", "已退回"
    CANCELLED = "cancelled", "已撤回"


class TransferKind(models.TextChoices):
    """Which side started a transfer; the other side decides."""

    SEND = "send", "转出"
    REQUEST = "request", "申请转入"


class Transfer(ScopedModel):
    """转会: sent by the old union and accepted (or refused) by the new one (转出), or asked
    for by the new union and approved (or refused) by the old one (申请转入).

    Either union may be anywhere in the province. Until it is accepted the person stays a
    member of the old union, so nobody is ever without a union or in two. Staff of either
    side see it (the person's name and masked number, the other union's name), but the
    other side's members and pages stay out of their scope.
    """

    scope_path_lookup = "from_org__path"

    membership = models.ForeignKey(
        Membership, models.PROTECT, related_name="transfers", verbose_name="会籍"
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="transfers", verbose_name="会员"
    )
    from_org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="transfers_out", verbose_name="转出工会"
    )
    to_org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="transfers_in", verbose_name="转入工会"
    )
    kind = models.CharField(
        "类型", max_length=8, choices=TransferKind.choices, default=TransferKind.SEND
    )
    status = models.CharField(
        "状态", max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    reason = models.CharField(
        "转会原因", max_length=24, choices=ChangeReason.choices, default=ChangeReason.LABOR_RELATION
    )
    note = models.CharField("说明", max_length=200, blank=True)
    sent_on = models.DateField("发起日期")
    decided_on = models.DateField("处理日期", null=True, blank=True)
    sent_by_name = models.CharField("发起人", max_length=200, blank=True)
    decided_by_name = models.CharField("处理人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "转会"
        verbose_name_plural = "转会"
        # The pending transfers each side decides (首页's 待办, TransferQuerySet.to_decide_counts):
        # transfers sent into a scope by their new union, requests by their old one.
        indexes = [
            models.Index(
                fields=["to_org"],
                condition=models.Q(status="pending", kind="send"),
                name="transfer_pending_send_idx",
            ),
            models.Index(
                fields=["from_org"],
                condition=models.Q(status="pending", kind="request"),
                name="transfer_pending_request_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["send", "request"]),
                name="transfer_kind_valid",
                violation_error_message="转会类型不正确。",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status="pending"),
                name="transfer_one_pending_per_membership",
                violation_error_message="该会员已有一笔待接收的转会。",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_org=models.F("to_org")),
                name="transfer_to_other_org",
                violation_error_message="转入工会不能与转出工会相同。",
            ),
        ]

    @classmethod
    def scope_q(cls, path: str) -> models.Q:
        return models.Q(from_org__path__startswith=path) | models.Q(to_org__path__startswith=path)

    @property
    def is_request(self) -> bool:
        return self.kind == TransferKind.REQUEST

    @property
    def deciding_org_id(self) -> int:
        """The union whose staff accept or refuse: the new one for 转出, the old one for
        申请转入 (the other side started it and may withdraw it)."""
        return self.from_org_id if self.is_request else self.to_org_id

    @property
    def starting_org_id(self) -> int:
        return self.to_org_id if self.is_request else self.from_org_id
