"""行政区划 (GB/T 2260): provinces, prefecture-level and county-level divisions of China."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import models


class Level(models.IntegerChoices):
    PROVINCE = 1, "省级"
    PREFECTURE = 2, "地级"
    COUNTY = 3, "县级"


class RegionQuerySet(models.QuerySet):
    def children_of(self, code: str) -> RegionQuerySet:
        return self.filter(parent_id=expand_code(code))

    def in_province(self, province: str | None = None) -> RegionQuerySet:
        return self.filter(code__startswith=province or settings.SMARTUNION_PROVINCE)


class Region(models.Model):
    """One administrative division under its six-digit GB/T 2260 code.

    A reference table: not scoped (everyone may read it) and the same in every province's
    database when the system is sharded.
    """

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def province_code(self) -> str:
        return self.code[:2]


def expand_code(code: str) -> str:
    """'62' → '620000', '6201' → '620100'; six digits stay as they are."""
    code = (code or "").strip()
    return code.ljust(6, "0") if code.isdigit() and len(code) in (2, 4, 6) else code


@cache
def known_region_codes() -> frozenset[str]:
    """Every code in the table, for the birthplace check of ID numbers (a warning only)."""
    return frozenset(Region.objects.values_list("code", flat=True))
