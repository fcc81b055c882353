"""统计分析 pages: the overview of a union's scope (the same layout for the province, a city and a
county), the comparison of its sub-units (a sortable table and a bar chart; a click goes one
level down) and the trend of one indicator by month. The charts read the same JSON as the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from smartunion.core.forms import apply_service_errors
from smartunion.core.views_mixins import ScopedViewMixin
from smartunion.imports import exports
from smartunion.orgs.models import Organization
from smartunion.stats import api, figures, indicators, maps, report, services
from smartunion.stats import year as year_figures
from smartunion.stats.forms import OverrideForm, WithdrawForm
from smartunion.stats.indicators import Figure, Indicator


@dataclass
class Card:
    """One figure of the overview, as the page shows it."""

    figure: Figure
    compare_url: str
    list_url: str = ""

    @property
    def indicator(self) -> Indicator:
        return self.figure.indicator

    @property
    def value(self) -> str:
        return figures.display(self.indicator, self.figure.value)

    @property
    def own(self) -> str:
        return figures.display(self.indicator, self.figure.own)

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """(category, 含下级, 本级) of a breakdown."""
        value, own = self.figure.value or {}, self.figure.own or {}
        return [
            (label, f"{value.get(code, 0):,}", f"{own.get(code, 0):,}")
            for code, label in self.indicator.categories
        ]


def _query(**params) -> str:
    from urllib.parse import urlencode

    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(params)}" if params else ""


class StatsView(ScopedViewMixin, TemplateView):
    nav = "stats"

    def org(self) -> Organization:
        return self.get_org()

    def date_param(self) -> tuple[dt.date, str]:
        """The date asked for (today by default), and the message when it is refused."""
        raw = self.request.GET.get("date", "").strip()
        if not raw:
            return timezone.localdate(), ""
        try:
            return figures.check_date(dt.date.fromisoformat(raw)), ""
        except ValueError:
            return timezone.localdate(), "统计日期格式不正确，应为“年-月-日”，已按今天统计。"
        except ValidationError as exc:
            return timezone.localdate(), f"{exc.message_dict['date'][0]}已按今天统计。"

    def indicator_param(self, *, trend: bool = False) -> tuple[Indicator, str]:
        code = self.request.GET.get("indicator", "members")
        try:
            indicator = figures.check_indicator(code)
        except ValidationError:
            return indicators.get("members"), "指标代码不存在，已显示会员人数。"
        if trend and indicator.is_breakdown:
            return indicators.get("members"), f"“{indicator.name}”是分组指标，不能画趋势。"
        return indicator, ""

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        org = self.org()
        on, date_error = self.date_param()
        ctx.update(
            org=org,
            on=on,
            today=timezone.localdate(),
            is_today=on == timezone.localdate(),
            date_error=date_error,
            ancestors=figures.ancestors_in_scope(org, self.request.user),
            all_indicators=indicators.all_indicators(),
        )
        return ctx

    def urls(self, org: Organization, indicator: Indicator, on: dt.date) -> dict[str, str]:
        date = "" if on == timezone.localdate() else on.isoformat()
        return {
            "overview": reverse("stats:overview", kwargs={"org_id": org.pk}) + _query(date=date),
            "compare": reverse("stats:compare", kwargs={"org_id": org.pk})
            + _query(indicator=indicator.code, date=date),
            "trend": reverse("stats:trend", kwargs={"org_id": org.pk})
            + _query(indicator=indicator.code),
        }


class OverviewView(StatsView):
    """统计概况 of one union's scope at a date: every indicator, 含下级 and 本级."""

    template_name = "stats/overview.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        org, on = ctx["org"], ctx["on"]
        cards = []
        for fig in figures.overview(org, on):
            urls = self.urls(org, fig.indicator, on)
            list_url = ""
            if ctx["is_today"] and fig.indicator.list_url and org == self.request.user.scope_org:
                list_url = fig.indicator.list_url(org)
            cards.append(Card(fig, urls["compare"], list_url))
        groups: dict[str, list[Card]] = {}
        for card in cards:
            if not card.indicator.is_breakdown:
                groups.setdefault(card.indicator.group, []).append(card)
        ctx.update(
            groups=groups,
            breakdowns=[c for c in cards if c.indicator.is_breakdown],
            flows_from=on.replace(month=1, day=1),
        )
        return ctx


class ScopeOverviewView(OverviewView):
    """统计分析's entry: the overview of the user's own scope."""

    def org(self) -> Organization:
        org = figures.scope_root(self.request.user)
        if org is None:
            raise Http404("没有管理范围。")
        return org


class CompareView(StatsView):
    """按下级比较: one indicator for each sub-unit, as a sortable table and a bar chart."""

    template_name = "stats/compare.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        org, on = ctx["org"], ctx["on"]
        indicator, indicator_error = self.indicator_param()
        data = api.as_json(api.ComparisonOut, api.comparison(org, indicator, on))
        date = "" if ctx["is_today"] else on.isoformat()
        rows = []
        for row in data["rows"]:
            row_org = row["org"]
            if row_org is None:
                url, name = "", "本级（本工会自己的会员和记录）"
            elif row_org["has_children"]:
                url = reverse("stats:compare", kwargs={"org_id": row_org["id"]}) + _query(
                    indicator=indicator.code, date=date
                )
                name = row_org["name"]
            else:
                url, name = (
                    reverse("orgs:detail", kwargs={"org_id": row_org["id"]}),
                    row_org["name"],
                )
            rows.append(
                {
                    "org": row_org,
                    "url": url,
                    "name": name,
                    "cells": self.cells(indicator, row["value"]),
                }
            )
        total = indicators.figure(indicator, org, on, timezone.localdate())
        shown = [
            {"org": row["org"], "url": row["url"], "value": data_row["value"]}
            for row, data_row in zip(rows, data["rows"], strict=True)
        ]
        ctx.update(
            map=maps.comparison_map(org, indicator, shown),
            indicator=indicator,
            indicator_error=indicator_error,
            data=data,
            rows=rows,
            total=figures.display(indicator, total.value)
            if not indicator.is_breakdown
            else self.cells(indicator, total.value),
            urls=self.urls(org, indicator, on),
        )
        return ctx

    @staticmethod
    def cells(indicator: Indicator, value) -> list[tuple[str, Any]]:
        """(text, sort key) of each column of a row."""
        if indicator.is_breakdown:
            value = {code: figures.number(n) for code, n in (value or {}).items()}
            cells = [
                (f"{value.get(code, 0):,}", value.get(code, 0)) for code, _ in indicator.categories
            ]
            total = sum(value.values())
            return [*cells, (f"{total:,}", total)]
        value = figures.number(value)
        return [(figures.display(indicator, value), -1 if value is None else value)]


class TrendView(StatsView):
    """趋势: one indicator of the scope by month."""

    template_name = "stats/trend.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        org = ctx["org"]
        indicator, indicator_error = self.indicator_param(trend=True)
        months, months_error = figures.DEFAULT_MONTHS, ""
        raw = self.request.GET.get("months", "").strip()
        if raw:
            try:
                months = figures.check_months(int(raw))
            except (ValueError, ValidationError):
                months_error = "月数应在1至120个月之间，已按24个月显示。"
        data = api.as_json(api.TrendOut, api.trend(org, indicator, months))
        points = [(p["month"], figures.display(indicator, p["value"])) for p in data["points"]]
        ctx.update(
            indicator=indicator,
            indicator_error=indicator_error or months_error,
            months=months,
            data=data,
            points=points,
            trend_indicators=[i for i in indicators.all_indicators() if not i.is_breakdown],
            urls=self.urls(org, indicator, ctx["on"]),
        )
        return ctx


class YearParamMixin:
    """The year asked for (``?year=``): 2000 to this year, ``default`` otherwise, with a message."""

    def year_param(self, default: int) -> tuple[int, str]:
        this_year = timezone.localdate().year
        raw = self.request.GET.get("year", "").strip()
        if not raw:
            return default, ""
        try:
            year = int(raw)
        except ValueError:
            year = 0
        if not 2000 <= year <= this_year:
            return default, f"年度应在2000年至{this_year}年之间，已显示{default}年。"
        return year, ""


class YearView(YearParamMixin, StatsView):
    """年度数字: the year's headline figures of the scope in sentences, each number linked."""

    template_name = "stats/year.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        this_year = timezone.localdate().year
        year, year_error = self.year_param(this_year)
        ctx.update(
            year=year,
            this_year=this_year,
            reference=year_figures.reference_date(year),
            sentences=year_figures.sentences(ctx["org"], year),
            indicator_error=year_error,
        )
        return ctx


class ReportView(YearParamMixin, StatsView):
    """统计年报: the tables of the sub-units' figures at 31 December, the checks, the
    overrides beside the computed figures; the xlsx file (``?format=xlsx``) and the print view
    (``?print=1``)."""

    template_name = "stats/report.html"

    def year(self) -> tuple[int, str]:
        return self.year_param(timezone.localdate().year - 1)

    def post(self, request, *args, **kwargs):
        """年报改写 (or, with ``action=withdraw``, its withdrawal): a figure of one row."""
        if not self.can("change"):
            raise PermissionDenied("只读账号不能改写年报数字。")
        org = self.org()
        year, _ = self.year()
        withdraw = request.POST.get("action") == "withdraw"
        form_class = WithdrawForm if withdraw else OverrideForm
        form = form_class(request.POST, report_org=org, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            row = data.pop("org")
            try:
                if withdraw:
                    services.withdraw_override(row, year=year, actor=request.user, **data)
                else:
                    services.set_override(row, year=year, actor=request.user, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    "已撤回改写，年报恢复为计算值。"
                    if withdraw
                    else "已保存改写，计算值仍显示在旁边。",
                )
                return redirect(f"{request.path}?year={year}")
        key = "withdraw_form" if withdraw else "override_form"
        return self.render_to_response(self.get_context_data(**{key: form}))

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            org = self.org()
            year, _ = self.year()
            built = report.build(org, report.reference_date(year))
            response = HttpResponse(
                report.to_xlsx(built, exporter=request.user.clerk_label),
                content_type=exports.XLSX_TYPE,
            )
            return exports.attachment(response, f"{org.name}{year}年统计年报.xlsx")
        if request.GET.get("print"):
            self.template_name = "stats/report_print.html"
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        this_year = timezone.localdate().year
        year, year_error = self.year()
        org, user = ctx["org"], self.request.user
        built = report.build(org, report.reference_date(year))
        can_override = self.can("change")
        columns = report.all_columns()
        overrides = [
            (row, columns[key], o, figures.display(columns[key].indicator, row.values.get(key)))
            for row in [*built.rows, built.total]
            for key, o in row.overrides.items()
            if key in columns
        ]
        ctx.update(
            year=year,
            this_year=this_year,
            report=built,
            tables=[
                {
                    "table": t,
                    "header": t.header_rows(),
                    "rows": [(r, r.cells(t), r.notes(t)) for r in built.rows],
                    "total": (built.total, built.total.cells(t), built.total.notes(t)),
                }
                for t in built.tables
            ],
            checks=report.CHECKS,
            overrides=overrides,
            can_override=can_override,
            indicator_error=year_error,
        )
        if can_override:
            ctx["override_form"] = kwargs.get("override_form") or OverrideForm(
                report_org=org, user=user
            )
            ctx["withdraw_form"] = kwargs.get("withdraw_form")
        return ctx
