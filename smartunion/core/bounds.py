"""Realistic bounds of the numbers people type, defined once for forms, API, imports and database.

One absurd number must never take a page down: ``employee_count = 9223372036854775807`` was
accepted once and made every home page above that union answer 500 (the figures' sum overflowed
SQLite's 64-bit integers). Every count and amount a person enters therefore has a bound here,
and each place that takes the number uses the same bound:

- forms: ``EMPLOYEES.form_field(label=…)`` (an IntegerField with Chinese messages);
- the API: ``employee_count: EMPLOYEES.api_type = 0`` (a bounded type; 422 outside it);
- imports: ``EMPLOYEES.clean(number)`` (a ValidationError with the same message);
- the model: ``validators=EMPLOYEES.validators()`` on the field and
  ``EMPLOYEES.constraint("employee_count", name=…)`` in ``Meta.constraints``, so that bulk writes,
  which skip ``clean()``, are refused by the database too.

With every bound far below 2**63 / (rows of the largest table), no SUM over a column can
overflow on SQLite (64-bit integers) or PostgreSQL (SUM of integer is bigint, of bigint numeric).
A new module declares its own bounds here (one line each) and uses them the same four ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from pydantic import Field, Strict

#: The largest id of any table (BigAutoField) and so of any cursor (``after``) in the API.
ID_MAX = 2**63 - 1


@dataclass(frozen=True)
class IntBound:
    """An integer a person types: its realistic range, its Chinese name and unit."""

    low: int
    high: int
    label: str
    unit: str = ""

    @property
    def message(self) -> str:
        return f"{self.label}应在{self.low:,}至{self.high:,}{self.unit}之间。"

    @property
    def api_type(self):
        """The type of an API schema field or query parameter (422 outside the range)."""
        return Annotated[int, Field(ge=self.low, le=self.high)]

    def validators(self) -> list:
        return [
            MinValueValidator(self.low, message=self.message),
            MaxValueValidator(self.high, message=self.message),
        ]

    def constraint(self, field: str, *, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=models.Q(**{f"{field}__gte": self.low, f"{field}__lte": self.high}),
            name=name,
            violation_error_message=self.message,
        )

    def form_field(self, **kwargs) -> forms.IntegerField:
        messages = {
            "invalid": f"{self.label}应为整数。",
            "min_value": self.message,
            "max_value": self.message,
            **kwargs.pop("error_messages", {}),
        }
        return forms.IntegerField(
            min_value=self.low, max_value=self.high, error_messages=messages, **kwargs
        )

    def clean(self, value: int) -> int:
        if not self.low <= value <= self.high:
            raise ValidationError(self.message)
        return value


@dataclass(frozen=True)
class DecimalBound:
    """An amount a person types (money in yuan): range, decimal places, Chinese name and unit."""

    low: Decimal
    high: Decimal
    label: str
    unit: str = "元"
    places: int = 2

    @property
    def max_digits(self) -> int:
        return len(str(int(self.high))) + self.places

    @property
    def message(self) -> str:
        return f"{self.label}应在{self.low:,}至{self.high:,}{self.unit}之间。"

    @property
    def api_type(self):
        # Not strict even in a StrictSchema: JSON gives amounts as numbers (or text).
        return Annotated[
            Decimal,
            Strict(False),
            Field(
                ge=self.low, le=self.high, max_digits=self.max_digits, decimal_places=self.places
            ),
        ]

    def validators(self) -> list:
        return [
            MinValueValidator(self.low, message=self.message),
            MaxValueValidator(self.high, message=self.message),
        ]

    def model_field(self, verbose_name: str, **kwargs) -> models.DecimalField:
        return models.DecimalField(
            verbose_name,
            max_digits=self.max_digits,
            decimal_places=self.places,
            validators=self.validators(),
            **kwargs,
        )

    def constraint(self, field: str, *, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=models.Q(**{f"{field}__gte": self.low, f"{field}__lte": self.high}),
            name=name,
            violation_error_message=self.message,
        )

    def form_field(self, **kwargs) -> forms.DecimalField:
        messages = {
            "invalid": f"{self.label}应为数字。",
            "min_value": self.message,
            "max_value": self.message,
            "max_decimal_places": f"{self.label}最多{self.places}位小数。",
            "max_digits": self.message,
            "max_whole_digits": self.message,
            **kwargs.pop("error_messages", {}),
        }
        return forms.DecimalField(
            min_value=self.low,
            max_value=self.high,
            max_digits=self.max_digits,
            decimal_places=self.places,
            error_messages=messages,
            **kwargs,
        )

    def clean(self, value: Decimal) -> Decimal:
        if not self.low <= value <= self.high:
            raise ValidationError(self.message)
        if -value.as_tuple().exponent > self.places:  # type: ignore[operator]
            raise ValidationError(f"{self.label}最多{self.places}位小数。")
        return value


# ---- the platform's bounds --------------------------------------------------------------------

#: 职工人数 of one union: the largest employers of a province have a few hundred thousand.
EMPLOYEES = IntBound(0, 1_000_000, "职工人数", "人")
#: Any amount of money in yuan (aid payments, funds, prizes): below 10⁹ yuan.
YUAN = DecimalBound(Decimal("0"), Decimal("1000000000"), "金额")
#: A keyset cursor (``after``): an id, or 0 for the first page.
CURSOR = IntBound(0, ID_MAX, "游标")
#: An offset into a list that is counted (the union list: at most a few million rows).
OFFSET = IntBound(0, 10_000_000, "偏移量")
#: A year in a filter (figures by year): the registry holds nothing before 1925 (中华全国总工会).
YEAR = IntBound(1900, 2100, "年份")
#: The months of a trend (统计分析): up to ten years.
MONTHS = IntBound(1, 120, "月数", "个月")
#: A figure a union enters over a computed one in its annual report (a count of people or units).
FIGURE = IntBound(0, 100_000_000, "填报数")

Cursor = CURSOR.api_type
Offset = OFFSET.api_type
