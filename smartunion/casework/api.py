"""Casework in the API: the working-day calendar, and the routes every case type shares (one
POST per transition, generated from its declaration; the case's timeline)."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any, Literal

from django import forms as django_forms
from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from pydantic import create_model

from smartunion.casework import calendar, services
from smartunion.casework.models import CaseEvent
from smartunion.core.api import Day, QuerySchema, StrictSchema, get_or_404, require
from smartunion.core.pagination import PageIn, keyset_page, page_schema

router = Router(tags=["工作日历"])


class DeadlineQuery(QuerySchema):
    start: dt.date = Field(description="起算日（事件发生之日，不计入期限）")
    working_days: int = Field(ge=0, le=calendar.MAX_WORKING_DAYS, description="工作日数")


class DeadlineOut(Schema):
    start: dt.date
    working_days: int
    due: dt.date = Field(description="期限的最后一个工作日")
    calendar_complete: bool = Field(
        description="期间各年的节假日安排都已录入；否则按周一至周五估算"
    )
    note: str = Field(description="按周一至周五估算时的说明")


@router.get("/deadline", response=DeadlineOut)
def deadline(request, query: Query[DeadlineQuery]):
    """办理期限: the N-th working day after ``start`` (the start day not counted)."""
    if not 2000 <= query.start.year <= 2100:
        raise ValidationError({"start": "起算日应在2000年至2100年之间。"})
    due = calendar.add_working_days(query.start, query.working_days)
    return {
        "start": due.start,
        "working_days": due.working_days,
        "due": due.due,
        "calendar_complete": due.complete,
        "note": due.note,
    }


# ---- what every case type shares ----------------------------------------------------------------


class CaseEventOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    note: str
    details: dict
    actor_name: str
    actor_org_name: str
    due_on: dt.date | None
    at: dt.datetime


def timeline(case) -> list[CaseEvent]:
    from django.contrib.contenttypes.models import ContentType

    return list(
        CaseEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(case)), object_id=case.pk
        ).order_by("at", "id")
    )


class CaseFields(Schema):
    """The casework fields of any case in an answer."""

    id: int
    number: str
    state: str
    state_label: str
    org: int = Field(alias="org_id")
    org_name: str
    responsible_org: int | None = Field(alias="responsible_org_id")
    due: dt.date | None = Field(alias="due_on", description="当前环节的办理期限")
    calendar_complete: bool = Field(
        alias="due_complete", description="期限按已录入的节假日安排计算；否则按周一至周五估算"
    )
    clock_stopped_on: dt.date | None
    opened_on: dt.date
    closed_on: dt.date | None

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.state_label


class CaseActivity(Schema):
    """What a case's detail adds: the actions the caller may take now, and the timeline."""

    actions: list[str] = Field(description="调用者现在可以办理的操作")
    timeline: list[CaseEventOut]

    @staticmethod
    def resolve_actions(obj, context) -> list[str]:
        return [t.name for t in obj.case_type.available(obj, context["request"].user)]

    @staticmethod
    def resolve_timeline(obj):
        return timeline(obj)


def _field_type(field: django_forms.Field) -> Any:
    """The pydantic type a form field accepts (validated again by the form itself)."""
    if isinstance(field, django_forms.BooleanField):
        return bool
    if isinstance(field, django_forms.DateField):
        return Day
    if isinstance(field, django_forms.DecimalField):
        return str  # money as text ("1500.00"), never a float; DecimalField is an IntegerField
    if isinstance(field, django_forms.IntegerField):
        return int
    if isinstance(field, django_forms.MultipleChoiceField) and field.choices:
        return list[Literal[tuple(str(v) for v, _ in field.choices)]]
    if isinstance(field, django_forms.ChoiceField) and field.choices:
        return Literal[tuple(str(v) for v, _ in field.choices)]
    return str


def transition_schema(case_type, t) -> type[StrictSchema]:
    """The body of a transition: its note, the state the caller saw, and its form's fields.

    Every field is optional in the schema: the transition's own checks answer what is missing
    with a Chinese message naming the field (422)."""
    fields: dict[str, Any] = {
        "note": (
            str,
            Field(
                "",
                max_length=2000,
                description=t.note_label + ("（必填）" if t.note_required else ""),
            ),
        ),
        "expected_state": (
            str,
            Field("", max_length=32, description="页面显示时的状态；已被他人处理时拒绝"),
        ),
    }
    if t.form is not None:
        for name, field in t.form.base_fields.items():
            fields[name] = (_field_type(field) | None, Field(None, description=str(field.label)))
    name = "".join(
        part.title() for part in f"{case_type.key}_{t.name}_in".replace(".", "_").split("_")
    )
    return create_model(name, __base__=StrictSchema, **fields)


def add_transition_routes(router: Router, model, *, path: str, response, what: str, load) -> None:
    """``POST {path}/{action}`` for every transition people start (internal ones — those the
    公示 makes — are left out). ``load(case)`` gives the case as the answer shows it."""
    case_type = model.case_type
    kwarg = model.url_kwarg
    for t in case_type.transitions:
        if t.internal:
            continue
        schema = transition_schema(case_type, t)

        def handler(request, payload, _t=t, **kwargs):
            require(request.user, "change")
            case = get_or_404(
                model.objects.all(), request.user, kwargs[kwarg], action="change", what=what
            )
            data = {
                k: v
                for k, v in payload.model_dump().items()
                if k not in ("note", "expected_state") and v is not None
            }
            services.transition(
                case,
                _t.name,
                actor=request.user,
                note=payload.note,
                data={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()},
                expected_state=payload.expected_state or None,
            )
            return load(model.objects.get(pk=case.pk))

        # ninja reads the parameters from the signature: the path keyword and the body.
        handler.__signature__ = inspect.Signature(
            [
                inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                inspect.Parameter(kwarg, inspect.Parameter.KEYWORD_ONLY, annotation=int),
                inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=schema),
            ]
        )
        handler.__name__ = f"{case_type.key.replace('.', '_')}_{t.name}"
        handler.__doc__ = f"{t.label}（{t.by.label}办理）。{t.confirm}"
        router.post(
            f"{path}/{{int:{kwarg}}}/{t.name}",
            response=response,
            summary=t.label,
            operation_id=handler.__name__,
        )(handler)


# ---- regional rates (低保 standard, minimum wage …) ---------------------------------------------


class RegionalRateOut(Schema):
    region: str = Field(alias="region_id", description="行政区划代码（县区、市州或省）")
    region_name: str
    year: int
    monthly: str = Field(description="月标准（元）")
    note: str
    updated_by_name: str

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_monthly(obj) -> str:
        return f"{obj.monthly:.2f}"


class RegionalRateIn(StrictSchema):
    region: str = Field(max_length=6, description="行政区划代码（县区、市州或省）")
    year: int = Field(ge=2000, le=2100)
    monthly: str = Field(max_length=20, description='月标准（元），如 "2020.00"')
    note: str = Field("", max_length=200, description="依据/说明")


class RegionalRateFilters(PageIn):
    region: str = Field("", max_length=6, description="行政区划代码（只列该地区本身的标准）")
    year: int | None = Field(None, ge=2000, le=2100)


def add_rate_routes(router: Router, *, kind: str, path: str, label: str) -> None:
    """The list (paged, by region then year) and the entry of one kind of ``RegionalRate``:
    the reference table staff read; only the province admins enter or correct it
    (``rates.set_rate``, audited). A county without its own row takes its city's, then its
    province's (``rates.standard_for``)."""
    from smartunion.casework import rates
    from smartunion.casework.models import RegionalRate

    def list_rates(request, filters: Query[RegionalRateFilters]):
        require(request.user, "view")
        rows = RegionalRate.objects.filter(kind=kind).select_related("region")
        if filters.region:
            rows = rows.filter(region_id=filters.region)
        if filters.year is not None:
            rows = rows.filter(year=filters.year)
        return keyset_page(rows, filters, order=("region", "-year", "id"))

    def set_rate(request, payload: RegionalRateIn):
        row = rates.set_rate(
            kind=kind,
            region=payload.region,
            year=payload.year,
            monthly=payload.monthly,
            note=payload.note,
            actor=request.user,
        )
        return Status(201, RegionalRate.objects.select_related("region").get(pk=row.pk))

    list_rates.__doc__ = f"{label}: by region, the latest year first."
    set_rate.__doc__ = f"Enter or correct a {label} of a region and year (province admins)."
    router.get(
        path,
        response=page_schema(RegionalRateOut),
        operation_id=f"list_{kind}_rates",
        summary=f"{label}列表",
    )(list_rates)
    router.post(
        path,
        response={201: RegionalRateOut},
        operation_id=f"set_{kind}_rate",
        summary=f"录入或更正{label}",
    )(set_rate)
