"""The category of a household, computed from its figures and the local 低保 standard.

家庭月人均收入 = (家庭年度总收入 − 年度刚性支出) ÷ 12 ÷ 家庭人口 (SERVICES.md §1.2–1.3):
below the 低保 → 深度困难; below twice it → 相对困难; otherwise hardship costs (致困费用) of the
year above 80% of the year's income → 意外致困; otherwise not eligible. The factors are the
province's (``Rules``). Comparisons are exact: ``x ÷ 12 ÷ n < s`` is decided as
``x < s × 12 × n`` in Decimal, so a household exactly at the standard is never put on the
wrong side by rounding.

The 低保 standard of a county and year is a ``RegionalRate`` of kind "dibao"; a county
without its own row takes its city's, then its province's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from smartunion.assistance.codes import Category
from smartunion.assistance.models import Rules
from smartunion.casework import rates
from smartunion.casework.rates import Standard, candidates  # noqa: F401 (re-exported)

DIBAO = "dibao"
CENT = Decimal("0.01")


def standard_for(region_code: str, year: int, kind: str = DIBAO) -> Standard | None:
    return rates.standard_for(region_code, year, kind)


@dataclass(frozen=True)
class Assessment:
    category: str | None
    per_capita_monthly: Decimal
    dibao_monthly: Decimal

    @property
    def label(self) -> str:
        return Category(self.category).label if self.category else "不符合建档条件"


def assess(
    *,
    household_size: int,
    annual_income: Decimal,
    annual_rigid_expenses: Decimal,
    hardship_costs: Decimal,
    dibao_monthly: Decimal,
    rules: Rules | None = None,
) -> Assessment:
    """The category of a household (None: not eligible) and its per-capita monthly income."""
    if household_size < 1:
        raise ValueError("household_size must be at least 1")
    rules = rules or Rules.current()
    net = annual_income - annual_rigid_expenses
    months = 12 * household_size
    per_capita = (net / months).quantize(CENT, rounding=ROUND_HALF_UP)
    if net < dibao_monthly * rules.deep_factor * months:
        category = Category.DEEP
    elif net < dibao_monthly * rules.relative_factor * months:
        category = Category.RELATIVE
    elif annual_income > 0 and hardship_costs > annual_income * rules.accident_ratio:
        category = Category.ACCIDENT
    elif annual_income == 0 and hardship_costs > 0:
        category = Category.ACCIDENT
    else:
        category = None
    return Assessment(category, per_capita, dibao_monthly)
