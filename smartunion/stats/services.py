"""统计分析's writes: a union's override of a figure of its annual report (年报改写)."""

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
    """(code, name) of the annual report's columns a union may override: counts, not rates."""
    from smartunion.stats import indicators

    out = []
    for code in report.COLUMNS:
        indicator = indicators.get(code)
        if indicator is not None and not indicator.is_rate:
            out.append((code, indicator.name))
    return out


@transaction.atomic
def set_override(
    org: Organization, *, year: int, indicator: str, value: int, note: str, actor
) -> Override:
    """Enter (or change) a union's own figure for one indicator of its annual report; the
    note is required. The computed figure stays as it is and is shown beside it."""
    if not Organization.objects.visible_to(actor, "change").filter(pk=org.pk).exists():
        raise NotInScope("工会组织")
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = "改写数字必须填写说明。"
    if indicator not in dict(overridable()):
        errors["indicator"] = "这个指标不能改写。"
    if not 2000 <= year <= timezone.localdate().year:
        errors["year"] = f"年度应在2000年至{timezone.localdate().year}年之间。"
    try:
        FIGURE.clean(value)
    except ValidationError as exc:
        errors["value"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    override, created = Override.objects.select_for_update().get_or_create(
        org=org,
        year=year,
        indicator=indicator,
        defaults={"value": value, "note": note, "created_by_name": actor.clerk_label},
    )
    before = None if created else {"value": override.value, "note": override.note}
    if not created:
        override.value, override.note = value, note
        override.created_by_name = actor.clerk_label
        override.save(update_fields=["value", "note", "created_by_name", "updated_at"])
    audit.record(
        actor,
        "stats.override",
        override,
        changes={"indicator": indicator, "year": year, "value": value, "before": before},
    )
    return override
