"""工会组织: the tree of union organizations, from the province federation down."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property

from smartunion.core.bounds import EMPLOYEES
from smartunion.core.codes import Industry, UnitCategory
from smartunion.core.fields import EncryptedTextField
from smartunion.core.idnumber import mask_phone
from smartunion.core.querysets import NOTHING, ScopedModel, ScopedQuerySet
from smartunion.orgs.names import NAME_MAX, normalize_name

# Each ancestor contributes a fixed-width segment (its id in 8 hex digits) to the path, so a
# subtree is one prefix filter on an indexed column and no separator can make prefixes clash.
SEGMENT = 8


def path_segment(pk: int) -> str:
    return f"{pk:0{SEGMENT}x}"


def path_prefixes(path: str) -> list[str]:
    """The paths of a union's ancestors, root first (the prefixes of its own path)."""
    return [path[:i] for i in range(SEGMENT, len(path), SEGMENT)]


#: Between the names of a union's path when shown as one line (``path_display``).
PATH_SEPARATOR = " › "
# Reads of many ancestors at once are split so that no query has more parameters than
# SQLite allows.
_IN_CHUNK = 500


def attach_path_names(orgs: Iterable[Organization]) -> list[Organization]:
    """Give each union its ``path_names`` (province first, the union itself last), reading
    the names of all their ancestors in one query (one per 500 ancestors): a page of unions
    costs one query, not one per union. Returns the unions as a list."""
    orgs = list(orgs)
    known = {o.path: o.name for o in orgs}
    wanted = sorted({p for o in orgs for p in path_prefixes(o.path)} - known.keys())
    for start in range(0, len(wanted), _IN_CHUNK):
        known.update(
            Organization.objects.filter(path__in=wanted[start : start + _IN_CHUNK]).values_list(
                "path", "name"
            )
        )
    for o in orgs:
        o.path_names = [known.get(p, "") for p in path_prefixes(o.path)] + [o.name]
    return orgs


class Kind(models.TextChoices):
    """组织类型."""

    PROVINCE = "province", "省总工会"
    CITY = "city", "市州总工会"
    COUNTY = "county", "县区总工会"
    TOWNSHIP = "township", "乡镇（街道）工会"
    PARK = "park", "开发区（园区）工会"
    INDUSTRY = "industry", "产业（系统）工会"
    SINGLE = "single", "单独基层工会"
    JOINT = "joint", "联合基层工会"


GRASSROOTS_KINDS = (Kind.SINGLE, Kind.JOINT)
# Unions that can hold members directly: grassroots unions, and the local higher-level unions
# that keep the membership of workers whose employer has no union (DOMAIN.md §3).
MEMBER_HOLDING_KINDS = tuple(Kind)


class Status(models.TextChoices):
    NORMAL = "normal", "正常"
    DISSOLVED = "dissolved", "撤销"
    MERGED = "merged", "合并"


def membership_rate(members: int, employees: int) -> float | None:
    """入会率 = members ÷ employees, of unions whose 职工人数 is known (None without any)."""
    return members / employees if employees else None


class OrganizationQuerySet(ScopedQuerySet):
    def subtree(self, org: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=org.path)

    def active(self) -> OrganizationQuerySet:
        return self.filter(status=Status.NORMAL)

    def holds_all(self, path: str) -> bool:
        """Whether the subtree of ``path`` is every union: the path of the only root (a
        province), whose subtree a read of records need not filter by the unions' paths. Only
        a root's path is one segment: any other is answered without a query."""
        if len(path) != SEGMENT:
            return False
        roots = self.filter(parent__isnull=True).values_list("path", flat=True)[:2]
        return list(roots) == [path]


class Organization(ScopedModel):
    """一个工会组织 with the fields of 《工会组织基本信息采集表》 (DOMAIN.md §2)."""

    scope_path_lookup = "path"

    @classmethod
    def own_q(cls, actor) -> models.Q:
        """A worker's own union: that of their current membership (core.actors.SelfActor)."""
        return models.Q(pk=actor.scope_org_id) if actor.scope_org_id else NOTHING

    name = models.CharField("工会名称", max_length=NAME_MAX)
    # The name as siblings' names are compared (orgs/names.py), kept by save() and written by
    # the bulk writers: two 正常 unions under one parent never share it (a constraint).
    name_key = models.CharField("名称（比对用）", max_length=NAME_MAX, editable=False)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级工会",
    )
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    kind = models.CharField("组织类型", max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="organizations", verbose_name="行政区划"
    )
    uscc = models.CharField("工会统一社会信用代码", max_length=18, blank=True)
    employer_name = models.CharField("单位名称", max_length=128, blank=True)
    employer_uscc = models.CharField("单位统一社会信用代码", max_length=18, blank=True)
    address = models.CharField("单位地址", max_length=200, blank=True)
    industry = models.CharField(
        "国民经济行业分类", max_length=1, choices=Industry.choices, blank=True
    )
    unit_category = models.CharField(
        "单位类别", max_length=3, choices=UnitCategory.choices, blank=True
    )
    founded_on = models.DateField("建会日期", null=True, blank=True)
    chair_name = models.CharField("工会主席", max_length=64, blank=True)
    chair_phone = EncryptedTextField("主席联系电话", blank=True, default="")
    chair_phone_masked = models.CharField(
        "主席联系电话（脱敏）", max_length=20, blank=True, editable=False
    )
    employee_count = models.PositiveIntegerField(
        "职工人数", default=0, validators=EMPLOYEES.validators()
    )
    women_committee = models.BooleanField("已建立女职工委员会", default=False)
    term_ends_on = models.DateField("本届任期届满日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.NORMAL)
    dissolved_on = models.DateField("撤销/合并日期", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="合并至"
    )
    # Kept in the same transaction as each change that moves them (orgs/counters.py), and
    # recomputed from the records by `manage.py recount_members` (ARCHITECTURE.md invariant 5).
    member_count = models.PositiveIntegerField("本级会员人数", default=0, editable=False)
    subtree_member_count = models.PositiveIntegerField("含下级会员人数", default=0, editable=False)
    subtree_employee_count = models.PositiveIntegerField(
        "含下级职工人数", default=0, editable=False
    )
    subtree_rated_member_count = models.PositiveIntegerField(
        "含下级已填职工人数工会的会员人数", default=0, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = "工会组织"
        verbose_name_plural = "工会组织"
        indexes = [
            models.Index(fields=["parent", "name"], name="org_parent_name_idx"),
            models.Index(fields=["region"], name="org_region_idx"),
            # The same name anywhere in the province (the form's warning, as the name is typed).
            models.Index(fields=["name_key"], name="org_name_key_idx"),
            # The unions that begin or end counting in the rest of a month (the statistics'
            # kept stocks: orgs/indicators.py, decision 0033).
            models.Index(fields=["founded_on"], name="org_founded_on_idx"),
            models.Index(fields=["dissolved_on"], name="org_dissolved_on_idx"),
            models.Index(fields=["created_at"], name="org_created_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~models.Q(uscc=""),
                name="org_uscc_unique",
                violation_error_message="该工会统一社会信用代码已被其他工会组织使用。",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]),
                name="org_status_valid",
                violation_error_message="状态不正确。",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]),
                name="org_kind_valid",
                violation_error_message="组织类型不正确。",
            ),
            EMPLOYEES.constraint("employee_count", name="org_employee_count_range"),
            models.UniqueConstraint(
                fields=["parent", "name_key"],
                condition=models.Q(status=Status.NORMAL),
                name="org_sibling_name_unique",
                violation_error_message="同一上级工会下已有同名的工会。",
            ),
            models.CheckConstraint(
                condition=~models.Q(name_key=""),
                name="org_name_key_set",
                violation_error_message="工会名称不能为空。",
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | ~models.Q(parent=models.F("pk")),
                name="org_not_own_parent",
                violation_error_message="上级工会不能是自己。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = normalize_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == Status.NORMAL

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def membership_rate(self) -> float | None:
        """入会率（本级） = the union's own members ÷ its employees (None when unknown)."""
        return membership_rate(self.member_count, self.employee_count)

    @property
    def subtree_membership_rate(self) -> float | None:
        """入会率（含下级）: over the union and the 正常 unions below it that have their 职工人数
        filled in, their members ÷ their employees (None when none has)."""
        return membership_rate(self.subtree_rated_member_count, self.subtree_employee_count)

    def ancestors(self) -> list[Organization]:
        """From the root down to the parent, in one query."""
        prefixes = path_prefixes(self.path)
        return list(Organization.objects.filter(path__in=prefixes).order_by("depth"))

    @cached_property
    def path_names(self) -> list[str]:
        """The names from the province down to this union (one query; for many unions at
        once, ``attach_path_names``)."""
        attach_path_names([self])
        return self.__dict__["path_names"]

    @property
    def path_display(self) -> str:
        """Where the union sits, on one line: ``兰州市总工会 › 城关区总工会 › 泉坪乡工会 ›
        城关区快递物流行业联合工会``. The province root is left out (every union of the
        deployment lies under it, so it tells no two unions apart) unless it is the union."""
        names = self.path_names
        return PATH_SEPARATOR.join(names[1:] if len(names) > 1 else names)

    def is_descendant_of(self, other: Organization) -> bool:
        return self.path.startswith(other.path)

    def set_chair_phone(self, phone: str) -> None:
        self.chair_phone = phone
        self.chair_phone_masked = mask_phone(phone) if phone else ""

    def clean(self) -> None:
        super().clean()
        # Before the constraints are validated (full_clean), as save() would write it.
        self.name_key = normalize_name(self.name)
        if self.parent_id and self.pk and self.path and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": "不能把工会组织移到它自己的下级组织之下。"})
        if self.kind != Kind.PROVINCE and not self.parent_id:
            raise ValidationError({"parent": "请选择上级工会。"})


#: What ``{% org_ref %}`` (orgs/templatetags/orgs.py) reads of a union and of its parent.
ORG_REF_FIELDS = frozenset({"id", "name", "parent", "path"})
ORG_REF_PARENT_FIELDS = frozenset({"id", "name"})


def org_ref_deferred(*relations: str) -> list[str]:
    """For ``.defer(*…)``: the columns of each union in ``relations`` (a list's rows loaded with
    ``select_related("<relation>__parent")``) and of its parent that ``{% org_ref %}`` does not
    read. A row that only names its unions then reads 6 of their 60 columns.

    Measured on the member page (bench/load.py's mix, lead_bench): Django compiles every selected
    column of a query (its pending transfers with both unions and their parents: 132 columns,
    4.5 ms to compile for no row), so the page spent more on unions it only names than on
    the person.
    """
    fields = Organization._meta.concrete_fields
    deferred = []
    for relation in relations:
        deferred += [f"{relation}__{f.name}" for f in fields if f.name not in ORG_REF_FIELDS]
        deferred += [
            f"{relation}__parent__{f.name}" for f in fields if f.name not in ORG_REF_PARENT_FIELDS
        ]
    return deferred
