"""统计分析's own records: the figures a union enters over computed ones in its annual report."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from smartunion.core.bounds import FIGURE
from smartunion.core.querysets import ScopedModel, ScopedQuerySet


class OverrideQuerySet(ScopedQuerySet):
    def active(self) -> OverrideQuerySet:
        """The overrides in force (not withdrawn)."""
        return self.filter(withdrawn_at__isnull=True)


class Override(ScopedModel):
    """年报改写: a union's own figure for one column of its annual report (an indicator, or
    one category of a breakdown: ``report.Column.key``), with the note that says why; shown
    beside the computed figure, never replacing it. Withdrawn, it stays as history (who, when,
    why); entered again, the figure and note are changed in place (the audit log keeps the
    earlier ones)."""

    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="工会"
    )
    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=64)
    value = models.PositiveIntegerField("填报数", validators=FIGURE.validators())
    note = models.CharField("说明", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报账号",
    )
    created_by_name = models.CharField("填报人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by_name = models.CharField("撤回人", max_length=200, blank=True)
    withdraw_note = models.CharField("撤回原因", max_length=200, blank=True)

    objects = OverrideQuerySet.as_manager()

    class Meta:
        verbose_name = "年报改写"
        verbose_name_plural = "年报改写"
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "indicator"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="override_one_per_figure",
                violation_error_message="该指标本年度已有改写。",
            ),
            models.CheckConstraint(
                condition=~models.Q(note=""),
                name="override_has_note",
                violation_error_message="改写数字必须填写说明。",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdraw_note=""),
                name="override_withdrawn_with_note",
                violation_error_message="撤回改写必须填写原因。",
            ),
            FIGURE.constraint("value", name="override_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year} {self.indicator}"

    @property
    def value_text(self) -> str:
        return f"{self.value:,}"


class Summary(models.Model):
    """会员统计汇总: how one figure of a union's subtree changed in one month — the members
    that began (+) or stopped (−) counting in a category, or the membership events of a type.

    Kept for the unions of the top ``stats.summaries.DEPTH`` levels (province, cities,
    counties),含下级; the figure of such a subtree at the end of month M is the sum of its rows
    up to M (decision 0020). Written by the services that change the records (members'
    ``summaries.py``), rebuilt and checked by ``manage.py rebuild_stats``; no user reads it
    directly, only the indicators of ``stats.indicators``.
    """

    path = models.CharField("工会路径", max_length=255)
    level = models.PositiveSmallIntegerField("层级")  # the path's segments: 1 province …
    dim = models.CharField("维度", max_length=2)
    month = models.IntegerField("月份")  # year × 12 + month − 1
    value = models.CharField("分组", max_length=24, blank=True)
    n = models.BigIntegerField("变化数")  # a sum of money in fen overflows 32 bits

    class Meta:
        verbose_name = "会员统计汇总"
        verbose_name_plural = "会员统计汇总"
        constraints = [
            models.UniqueConstraint(
                # A union's rows and those of its sub-units are two ranges of this index
                # (level L and L + 1, path from X to X~); the rows are written in its order.
                fields=["dim", "level", "path", "month", "value"],
                name="summary_one_row_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.dim} {self.month} {self.value} {self.n:+d}"
