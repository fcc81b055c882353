"""Figures of service requests (SERVICES.md §4.5): by category, channel and union, the on-time
closure rate and the satisfaction rate — the indicators of ``servicerequests.indicators`` read
through the statistics (one definition for this page and 统计分析). Counselling requests are
counted, never named."""

from __future__ import annotations

from smartunion.servicerequests import indicators
from smartunion.stats.modules import YearFigures, year_figures


def figures(user, year: int | str | None) -> YearFigures:
    return year_figures(
        user,
        str(year or ""),
        shown=indicators.ALL,
        by_union=(indicators.COUNT, indicators.HANDLED_COUNT),
    )
