"""Bank card numbers (银行卡号): checked by the Luhn digit, stored encrypted, shown masked."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError


def normalize_bank_card(raw: str) -> str:
    return "".join((raw or "").split()).replace("-", "")


def validate_bank_card(raw: str) -> str:
    """The card number without spaces, or a Chinese ValidationError (never quoting it)."""
    number = normalize_bank_card(raw)
    if not number.isdigit() or not 12 <= len(number) <= 19:
        raise ValidationError("银行卡号应为12至19位数字。")
    try:
        luhn.validate(number)
    except StdnumError:
        raise ValidationError("银行卡号校验位不正确，请核对后重新填写。") from None
    return number


def mask_bank_card(number: str) -> str:
    """6222 **** **** 1234 style: the bank's prefix and the last four digits."""
    if not number:
        return ""
    return f"{number[:4]} **** **** {number[-4:]}"
