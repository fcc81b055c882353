"""Service requests (诉求工单, SERVICES.md §4): what workers ask of their union, taken at the
province or a city (12351), sent down the union tree to the union that must handle it,
reported back up, called back and closed.

- ``RequestCategory``: the province's code list of categories and sub-categories (问题咨询,
  服务帮扶, 投诉, 法律援助, 意见建议, 职业介绍, 技能培训, 心理疏导 …). A ``confidential`` category
  (心理疏导) makes its requests visible only to their counsellor and the current head of the
  service centre they were taken under.
- ``ServiceCentre``: a union's 职工服务中心 and its head.
- ``ServiceRequest``: one 工单, a casework ``Case`` (``workflows.REQUEST``). ``org`` is the union
  holding it now (it moves down as the request is sent down, back up when returned or when the
  result is reported); ``intake_org`` took it, ``handling_org`` handled it. Its staff and the
  staff above each of them see it.
- A request that is really a legal-aid case or a hardship application spawns one
  (``legal_case``, ``hardship_file``: linked both ways, ``casework.spawn``).
- ``Handoff``: one step of its routing (down, back up, result reported), who and when.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from smartunion.casework.models import Case, CaseQuerySet, waiting_index
from smartunion.core.actors import is_self
from smartunion.core.fields import EncryptedTextField
from smartunion.servicerequests.codes import URGENCY_DAYS, Channel, Urgency


class RequestCategory(models.Model):
    """诉求分类: a code list the province edits; a sub-category names its parent."""

    code = models.CharField("代码", max_length=8, unique=True)
    name = models.CharField("名称", max_length=64)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="大类"
    )
    confidential = models.BooleanField("保密（心理疏导）", default=False)
    legal_aid = models.BooleanField("可转法律援助案件", default=False)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "诉求分类"
        verbose_name_plural = "诉求分类"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ServiceCentre(models.Model):
    """职工服务中心 of a union and its head (who sees the counselling requests under it)."""

    org = models.OneToOneField(
        "orgs.Organization", models.CASCADE, related_name="+", verbose_name="工会"
    )
    head = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="中心负责人"
    )

    class Meta:
        verbose_name = "职工服务中心"
        verbose_name_plural = "职工服务中心"

    def __str__(self) -> str:
        return f"{self.org_id} {self.head_id}"


def headed_q(user) -> Q:
    """The counselling requests the user sees as the *current* head of a service centre: those
    taken under a centre they head, except under a nearer centre below it (whose own head sees
    those). Follows the centre's head as it is named or replaced, not who it was at intake."""
    headed = list(ServiceCentre.objects.filter(head_id=user.pk).values_list("org__path", flat=True))
    if not headed:
        return Q(pk__in=[])
    nearer = Q()
    for path in headed:
        nearer |= Q(org__path__startswith=path)
    below = [
        p
        for p in ServiceCentre.objects.filter(nearer).values_list("org__path", flat=True)
        if p not in headed
    ]
    shown = Q(pk__in=[])
    for path in headed:
        part = Q(intake_org__path__startswith=path)
        for inner in below:
            if inner.startswith(path) and not any(
                h != path and h.startswith(path) and inner.startswith(h) for h in headed
            ):
                part &= ~Q(intake_org__path__startswith=inner)
        shown |= part
    return shown


class ServiceRequestQuerySet(CaseQuerySet):
    def visible_to(self, user, action: str = "view"):
        """Scoped like every case; but a counselling request is seen only by its counsellor
        and the current head of the service centre it was taken under (``headed_q``) —
        nobody else, the province admin and superusers included (figures count them through
        ``counted_for``, without names); a worker acting for themself, their own requests."""
        if is_self(user):
            return super().visible_to(user, action)
        if (
            not getattr(user, "is_authenticated", False)
            or not user.is_active
            or not user.can(action)
        ):
            return self.none()
        if getattr(user, "sees_whole_tree", user.is_superuser):
            in_scope = Q()
        elif user.scope_path:
            in_scope = self.model.scope_q(user.scope_path)
        else:
            in_scope = Q(pk__in=[])
        allowed = Q(counsellor_id=user.pk) | headed_q(user)
        return self.filter((Q(confidential=False) & in_scope) | (Q(confidential=True) & allowed))

    def counted_for(self, user, action: str = "view"):
        """Every request in the user's subtree, counselling included: for figures only (counts,
        never names or contents)."""
        return super().visible_to(user, action)


class ServiceRequest(Case):
    """诉求工单."""

    intake_org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="受理工会"
    )
    handling_org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="承办工会",
    )
    channel = models.CharField("受理渠道", max_length=16, choices=Channel.choices)
    category = models.ForeignKey(RequestCategory, models.PROTECT, verbose_name="诉求分类")
    urgency = models.CharField(
        "问题难度", max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidential = models.BooleanField("保密", default=False, editable=False)
    person = models.ForeignKey(
        "members.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="来电人（实名库）",
    )
    caller_name = models.CharField("来电/来访人", max_length=64)
    caller_phone = EncryptedTextField("联系电话", blank=True, default="")
    caller_phone_masked = models.CharField("联系电话", max_length=20, blank=True, editable=False)
    employer = models.CharField("工作单位", max_length=128, blank=True)
    summary = models.TextField("诉求内容")
    counsellor = models.ForeignKey(
        "accounts.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="心理咨询师",
    )
    result = models.TextField("办理结果", blank=True)
    handled_by_user_id = models.BigIntegerField(null=True, blank=True, editable=False)
    handled_by_name = models.CharField("承办人", max_length=200, blank=True)
    reported_on = models.DateField("办结反馈日期", null=True, blank=True)
    satisfied = models.BooleanField("回访满意", null=True, blank=True)
    callback_comment = models.CharField("回访意见", max_length=500, blank=True)
    callback_by_name = models.CharField("回访人", max_length=200, blank=True)
    callback_on = models.DateField("回访日期", null=True, blank=True)
    reopened = models.BooleanField("已因不满意重办", default=False)
    quality_flag = models.BooleanField("质检标记", default=False)
    quality_note = models.CharField("质检意见", max_length=500, blank=True)
    on_time = models.BooleanField("按时办结", null=True, blank=True)
    legal_case = models.OneToOneField(
        "legalaid.LegalAidCase",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="service_request",
        verbose_name="转法律援助案件",
    )

    hardship_file = models.OneToOneField(
        "assistance.HardshipFile",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="service_request",
        verbose_name="转困难职工档案",
    )

    objects = ServiceRequestQuerySet.as_manager()

    detail_url_name = "servicerequests:ticket"
    url_kwarg = "ticket_id"
    applicant_field = "person"
    #: 材料类型 of a request's files (photos a worker takes on 职工之家, documents).
    attachment_kinds = {"photo": "照片", "document": "相关材料", "other": "其他"}

    class Meta(Case.Meta):
        ordering = ["-id"]
        verbose_name = "诉求工单"
        verbose_name_plural = "诉求工单"
        indexes = [
            # Case.Meta's two, named here: "servicerequests_servicerequest_…" is too long.
            waiting_index("request_wait"),
            models.Index(fields=["org", "state"], name="request_org_st"),
            models.Index(fields=["intake_org", "state"], name="request_intake_idx"),
            models.Index(fields=["handling_org", "state"], name="request_handling_idx"),
            # The figures (servicerequests.indicators) read a year's requests from this index
            # alone, without the wide rows.
            models.Index(
                fields=[
                    "opened_on",
                    "intake_org",
                    "handling_org",
                    "category",
                    "channel",
                    "state",
                    "on_time",
                    "satisfied",
                ],
                name="request_figures_idx",
            ),
        ]

    @classmethod
    def scope_q(cls, path: str) -> Q:
        # The union that handled it keeps seeing it after the result went back up.
        return Q(org__path__startswith=path) | Q(handling_org__path__startswith=path)

    def deadline_step(self, state) -> tuple[str, int | None]:
        if state.name == "handling":
            return f"handling_{self.urgency}", URGENCY_DAYS[Urgency(self.urgency)]
        return super().deadline_step(state)


class Handoff(models.Model):
    """流转记录: the request sent down, returned up, or its result reported up."""

    DOWN, UP, REPORT = "down", "up", "report"
    KINDS = [(DOWN, "下派"), (UP, "退回上级"), (REPORT, "办结反馈")]

    request = models.ForeignKey(ServiceRequest, models.CASCADE, related_name="handoffs")
    kind = models.CharField("流转", max_length=8, choices=KINDS)
    from_org = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+")
    to_org = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=500, blank=True)
    actor_name = models.CharField("经办人", max_length=200)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.from_org_id}→{self.to_org_id}"
