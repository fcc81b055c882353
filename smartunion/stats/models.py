"""统计分析's own records: the figures a union enters over computed ones in its annual report."""

from __future__ import annotations

from django.db import models

from smartunion.core.bounds import FIGURE
from smartunion.core.querysets import ScopedModel


class Override(ScopedModel):
    """年报改写: a union's own figure for one indicator of its annual report, with the note that
    says why; shown beside the computed figure, never replacing it."""

    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="工会"
    )
    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=32)
    value = models.PositiveIntegerField("填报数", validators=FIGURE.validators())
    note = models.CharField("说明", max_length=200)
    created_by_name = models.CharField("填报人", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年报改写"
        verbose_name_plural = "年报改写"
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "indicator"],
                name="override_one_per_figure",
                violation_error_message="该指标本年度已有改写。",
            ),
            models.CheckConstraint(
                condition=~models.Q(note=""),
                name="override_has_note",
                violation_error_message="改写数字必须填写说明。",
            ),
            FIGURE.constraint("value", name="override_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year} {self.indicator}"

    @property
    def audit_org_path(self) -> str:
        return self.org.path
