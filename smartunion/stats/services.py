"""统计分析's writes: a union's override of a figure of its annual report (年报改写), and its
withdrawal. Scope: a staff account overrides only the figures of the unions of its own subtree
— the rows of its own reports (its total, its sub-units) — with the right to change records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from smartunion.core import audit
from smartunion.core.bounds import FIGURE
from smartunion.core.errors import NotInScope
from smartunion.orgs.models import Organization
from smartunion.stats import report
from smartunion.stats.models import Override


def overridable() -> list[tuple[str, str]]:
    """(column key, full name) of the annual report's columns a union may override: counts,
    not rates."""
    return [(key, column.title) for key, column in report.overridable().items()]


def _in_scope(org: Organization, actor) -> None:
    if not Organization.objects.visible_to(actor, "change").filter(pk=org.pk).exists():
        raise NotInScope("工会组织")


def _year_error(year: int) -> str:
    this_year = timezone.localdate().year
    return "" if 2000 <= year <= this_year else f"年度应在2000年至{this_year}年之间。"


@transaction.atomic
def set_override(
    org: Organization, *, year: int, indicator: str, value: int, note: str, actor
) -> Override:
    """Enter (or change) a union's own figure for one column of its annual report; the note
    is required. The computed figure stays as it is and is shown beside it."""
    _in_scope(org, actor)
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = "改写数字必须填写说明。"
    if indicator not in report.overridable():
        errors["indicator"] = "这个指标不能改写（只能改写年报中的人数和个数）。"
    if message := _year_error(year):
        errors["year"] = message
    try:
        FIGURE.clean(value)
    except ValidationError as exc:
        errors["value"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    override, created = (
        Override.objects.active()
        .select_for_update()
        .get_or_create(
            org=org,
            year=year,
            indicator=indicator,
            defaults={
                "value": value,
                "note": note,
                "created_by": actor,
                "created_by_name": actor.clerk_label,
            },
        )
    )
    before = None if created else {"value": override.value, "note": override.note}
    if not created:
        override.value, override.note = value, note
        override.created_by, override.created_by_name = actor, actor.clerk_label
        override.save(
            update_fields=["value", "note", "created_by", "created_by_name", "updated_at"]
        )
    audit.record(
        actor,
        "stats.override",
        override,
        changes={
            "indicator": indicator,
            "year": year,
            "value": value,
            "note": note,
            "before": before,
        },
    )
    return override


@transaction.atomic
def withdraw_override(
    org: Organization, *, year: int, indicator: str, note: str, actor
) -> Override:
    """Withdraw a union's override (撤回): the computed figure alone is reported again; the
    override stays as history with who withdrew it, when and why."""
    _in_scope(org, actor)
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = "撤回改写必须填写原因。"
    if message := _year_error(year):
        errors["year"] = message
    override = (
        Override.objects.active()
        .select_for_update()
        .filter(org=org, year=year, indicator=indicator)
        .first()
    )
    if override is None:
        errors["indicator"] = "这个指标本年度没有改写，无需撤回。"
    if errors:
        raise ValidationError(errors)
    override.withdrawn_at = timezone.now()
    override.withdrawn_by_name = actor.clerk_label
    override.withdraw_note = note
    override.save(
        update_fields=["withdrawn_at", "withdrawn_by_name", "withdraw_note", "updated_at"]
    )
    audit.record(
        actor,
        "stats.override_withdrawn",
        override,
        changes={"indicator": indicator, "year": year, "value": override.value, "note": note},
    )
    return override
