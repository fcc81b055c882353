"""Money (资金): Decimal yuan with two places, and the ledger every payment is a line of.

``parse_amount`` is the one way an amount enters the system (forms, API strings, imports):
never a float, at most two decimals, within bounds. ``pay`` writes a ledger line against a
fund source after checking the caps of its purpose for the person (per payment and per year),
holding a lock on that person so that two payments at once cannot both pass a cap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum

from smartunion.accounts.models import clerk_label
from smartunion.casework.models import MAX_AMOUNT, Cap, FundSource, LedgerLine
from smartunion.core import audit

CENT = Decimal("0.01")


def parse_amount(
    raw, *, field: str = "amount", label: str = "金额", allow_zero: bool = False
) -> Decimal:
    """An amount of yuan as Decimal with two places, or a Chinese ValidationError on ``field``.

    Accepts Decimal, int and strings ("1234.5", "1,234.50"); refuses floats (binary fractions
    are not money), negatives, more than two decimals, and more than 10⁹ yuan.
    """
    if isinstance(raw, float):
        raise ValidationError({field: f'{label}应以字符串或整数给出（例如 "1500.00"）。'})
    if isinstance(raw, bool) or raw is None or raw == "":
        raise ValidationError({field: f"请填写{label}。"})
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError({field: f"{label}应为数字（元），例如 1500.00。"}) from None
    if not value.is_finite():
        raise ValidationError({field: f"{label}应为数字（元），例如 1500.00。"})
    if value < 0 or (value == 0 and not allow_zero):
        raise ValidationError(
            {field: f"{label}应大于0。" if not allow_zero else f"{label}不能为负数。"}
        )
    if value != value.quantize(CENT):
        raise ValidationError({field: f"{label}最多保留两位小数（分）。"})
    if value > MAX_AMOUNT:
        raise ValidationError({field: f"{label}不能超过10亿元。"})
    return value.quantize(CENT)


def yuan(value: Decimal | None) -> str:
    """ "1,234.50" for pages; "" for no amount."""
    if value is None:
        return ""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


@dataclass(frozen=True)
class Beneficiary:
    """The person a payment goes to, as the ledger keeps them (never the number itself)."""

    name: str
    id_hash: str
    id_masked: str
    bank_card_masked: str = ""


def _lock_person(id_hash: str) -> None:
    """Serialize payments to one person (PostgreSQL; SQLite's writes are serialized anyway)."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(
        hashlib.sha256(b"ledger:" + id_hash.encode()).digest()[:8], "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def year_total(id_hash: str, year: int, purpose: str | None = None) -> Decimal:
    rows = LedgerLine.objects.for_beneficiary(id_hash, year)
    if purpose:
        rows = rows.filter(purpose=purpose)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def check_cap(
    beneficiary: Beneficiary, purpose: str, amount: Decimal, year: int, label: str
) -> None:
    cap = Cap.objects.filter(purpose=purpose).first()
    if cap is None:
        return
    if cap.per_payment is not None and amount > cap.per_payment:
        raise ValidationError(
            {"amount": f"{label}每次最多{yuan(cap.per_payment)}元，本次{yuan(amount)}元超过标准。"}
        )
    if cap.per_year is not None:
        before = year_total(beneficiary.id_hash, year, purpose)
        if before + amount > cap.per_year:
            raise ValidationError(
                {
                    "amount": f"{label}每人每年最多{yuan(cap.per_year)}元；"
                    f"{beneficiary.name}{year}年已领取{yuan(before)}元，"
                    f"本次最多还能发放{yuan(max(cap.per_year - before, Decimal('0')))}元。"
                }
            )


@transaction.atomic
def pay(
    subject,
    *,
    org,
    beneficiary: Beneficiary,
    amount,
    purpose: str,
    purpose_label: str,
    fund_source: str,
    paid_on: dt.date,
    actor,
    method: str = "bank",
    note: str = "",
) -> LedgerLine:
    """One payment to one person, as a ledger line on ``subject`` (a case or a line)."""
    amount = parse_amount(amount)
    if fund_source not in FundSource.values:
        raise ValidationError({"fund_source": "请选择资金来源。"})
    if paid_on is None:
        raise ValidationError({"paid_on": "请填写发放日期。"})
    _lock_person(beneficiary.id_hash)
    check_cap(beneficiary, purpose, amount, paid_on.year, purpose_label)
    line = LedgerLine.objects.create(
        subject=subject,
        org=org,
        fund_source=fund_source,
        purpose=purpose,
        amount=amount,
        paid_on=paid_on,
        year=paid_on.year,
        beneficiary_hash=beneficiary.id_hash,
        beneficiary_name=beneficiary.name,
        beneficiary_id_masked=beneficiary.id_masked,
        bank_card_masked=beneficiary.bank_card_masked,
        method=method,
        note=note[:200],
        created_by_name=clerk_label(actor),
    )
    audit.record(
        actor,
        "ledger.pay",
        line,
        changes={
            "amount": str(amount),
            "purpose": purpose,
            "fund_source": fund_source,
            "subject": f"{subject._meta.label_lower}:{subject.pk}",
        },
    )
    if hasattr(subject, "case_type"):
        from smartunion.casework.services import record_event

        record_event(
            subject,
            "pay",
            "发放",
            actor=actor,
            details={"amount": str(amount), "purpose": purpose_label, "line": line.pk},
        )
    return line


@transaction.atomic
def reverse(line: LedgerLine, *, actor, reason: str) -> LedgerLine:
    """冲正: a negative line cancelling ``line`` (the ledger is never edited)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写冲正原因。"})
    locked = LedgerLine.objects.select_for_update().get(pk=line.pk)
    if locked.reverses_id is not None:
        raise ValidationError("冲正记录不能再冲正。")
    if LedgerLine.objects.filter(reverses=locked).exists():
        raise ValidationError("这笔发放已经冲正过了。")
    back = LedgerLine.objects.create(
        content_type=locked.content_type,
        object_id=locked.object_id,
        org=locked.org,
        fund_source=locked.fund_source,
        purpose=locked.purpose,
        amount=-locked.amount,
        paid_on=locked.paid_on,
        year=locked.year,
        beneficiary_hash=locked.beneficiary_hash,
        beneficiary_name=locked.beneficiary_name,
        beneficiary_id_masked=locked.beneficiary_id_masked,
        bank_card_masked=locked.bank_card_masked,
        method=locked.method,
        reverses=locked,
        note=f"冲正：{reason}"[:200],
        created_by_name=clerk_label(actor),
    )
    audit.record(
        actor, "ledger.reverse", back, changes={"reverses": locked.pk, "amount": str(back.amount)}
    )
    return back


def lines_of(subject):
    return LedgerLine.objects.filter(
        content_type=ContentType.objects.get_for_model(type(subject)), object_id=subject.pk
    )
