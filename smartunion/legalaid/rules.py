"""The rules of legal aid that are computations: the financial test and the limitation date.

经济困难审查 (SERVICES.md §3.2; 锦州市总 after the national 办法): an applicant qualifies under
any one of — the amount in dispute is at least 1,000 元 and the family's monthly income per
head is below the local minimum wage; a migrant worker (农民工) claiming wages or work-injury
compensation; unable to pay because of major illness, natural disaster or other force majeure.
The local minimum wage is a ``RegionalRate`` of kind "min_wage" by county and year (a county
without its own row takes its city's, then its province's). Consultations are not tested.

仲裁时效: one year from the day the worker knew (or should have known) of the infringement
(《劳动争议调解仲裁法》第二十七条) — a calendar year, not working days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from smartunion.casework.rates import standard_for
from smartunion.legalaid.codes import ApplicantKind, Exemption, Subtype

MIN_WAGE = "min_wage"
THRESHOLD = Decimal("1000")
#: A limitation date this close (calendar days) makes the case urgent and warns on its page.
LIMITATION_WARNING_DAYS = 30


@dataclass(frozen=True)
class FinancialTest:
    ok: bool
    note: str
    min_wage: Decimal | None = None


def financial_test(
    *,
    applicant_kind: str,
    subtype: str,
    exemption: str,
    amount_in_dispute: Decimal | None,
    income_per_head: Decimal | None,
    region_code: str,
    year: int,
) -> FinancialTest:
    """Whether an applicant passes the financial test, and the reason in words."""
    if exemption == Exemption.HARDSHIP:
        return FinancialTest(True, "因重大疾病、自然灾害等无力支付，免予经济困难审查。")
    if exemption in (Exemption.MIGRANT_WAGES, Exemption.MIGRANT_INJURY):
        wanted = Subtype.WAGES if exemption == Exemption.MIGRANT_WAGES else Subtype.INJURY
        if applicant_kind != ApplicantKind.MIGRANT:
            return FinancialTest(False, "只有农民工追索劳动报酬或请求工伤赔偿可免予经济困难审查。")
        if subtype != wanted:
            return FinancialTest(False, f"免审情形“{Exemption(exemption).label}”与争议类别不一致。")
        return FinancialTest(True, f"{Exemption(exemption).label}，免予经济困难审查。")
    if applicant_kind in (ApplicantKind.UNION_ORG, ApplicantKind.UNION_WORKER):
        return FinancialTest(True, "工会组织、工会工作者维护履职权益，不作经济困难审查。")
    if amount_in_dispute is None or income_per_head is None:
        return FinancialTest(False, "请填写争议金额和家庭月人均收入。")
    standard = standard_for(region_code, year, MIN_WAGE)
    if standard is None:
        return FinancialTest(False, f"尚未录入该地区{year}年的最低工资标准，无法审查。")
    wage = standard.monthly
    if amount_in_dispute < THRESHOLD:
        return FinancialTest(False, f"争议金额不足{THRESHOLD:.0f}元。", wage)
    if income_per_head >= wage:
        return FinancialTest(
            False,
            f"家庭月人均收入{income_per_head:.2f}元不低于当地最低工资标准{wage:.2f}元。",
            wage,
        )
    return FinancialTest(
        True,
        f"争议金额{amount_in_dispute:.2f}元，家庭月人均收入{income_per_head:.2f}元低于当地"
        f"最低工资标准{wage:.2f}元。",
        wage,
    )


def limitation_date(knew_on: dt.date | None) -> dt.date | None:
    """The last day to apply for labour arbitration: one year after ``knew_on``."""
    if knew_on is None:
        return None
    try:
        return knew_on.replace(year=knew_on.year + 1)
    except ValueError:  # 29 February
        return knew_on.replace(year=knew_on.year + 1, day=28)


def limitation_near(limitation_on: dt.date | None, today: dt.date) -> bool:
    return limitation_on is not None and limitation_on - today <= dt.timedelta(
        LIMITATION_WARNING_DAYS
    )
