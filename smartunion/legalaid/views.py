"""法律援助 pages: the case list and its lists of work, a new case, the case page (timeline and
transitions from casework), the printable 申请表 / 决定书 / 委派函 / 结案报告, the figures and
the register of handlers. Every write is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from smartunion.casework.views import PrintFormsMixin, RegionalRatesView, case_context
from smartunion.casework.views import filter_cases as casework_filters
from smartunion.core.forms import apply_service_errors
from smartunion.core.views_mixins import ChangeViewMixin, ScopedViewMixin, fetch_page
from smartunion.legalaid import forms, rules, services
from smartunion.legalaid.models import LegalAidCase, LegalAidHandler
from smartunion.orgs.views import OrgPickerMixin

PAGE_SIZE = 30

LISTS = {
    "": "全部案件",
    "waiting": "待我办理",
    "overdue": "审查逾期",
    "hearings": "7日内开庭/仲裁",
    "urgent": "紧急",
    "open": "未结",
    "closed": "已结束",
}


class LegalAidMixin(ChangeViewMixin, ScopedViewMixin):
    nav = "legalaid"

    def get_case(self) -> LegalAidCase:
        if not hasattr(self, "_case"):
            self._case = self.get_for_user(
                LegalAidCase.objects.select_related(
                    "org", "person", "handler__org", "deciding_org", "responsible_org", "region"
                ),
                self.kwargs["case_id"],
                what="法律援助案件",
            )
        return self._case


def filter_cases(rows, params, user):
    """The list's filters (the page and the API share them): casework's, and this list's own."""
    rows, which = casework_filters(rows, params, user)
    if which == "overdue":
        rows = rows.filter(state="review")
    elif which == "hearings":
        rows = rows.hearings_within(timezone.localdate())
    elif which == "urgent":
        rows = rows.filter(urgent=True, closed_on=None)
    elif which == "open":
        rows = rows.filter(closed_on=None)
    elif which == "closed":
        rows = rows.exclude(closed_on=None)
    handler = str(params.get("handler", "") or "")
    if handler.isdigit():
        rows = rows.filter(handler_id=int(handler))
    q = (params.get("q") or "").strip()[:32]
    if q:
        rows = rows.filter(Q(applicant_name__startswith=q) | Q(number=q))
    return rows


class CaseListView(LegalAidMixin, TemplateView):
    template_name = "legalaid/cases.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        rows = filter_cases(self.visible(LegalAidCase), params, self.request.user)
        rows = rows.select_related("org", "handler").order_by("-urgent", "-id")
        page = fetch_page(rows, self.request, page_size=PAGE_SIZE)
        handler = params.get("handler", "")
        context.update(
            p=page,
            cases=page.items,
            lists=LISTS,
            which=params.get("list", ""),
            states=LegalAidCase.case_type.state_choices(),
            state=params.get("state", ""),
            handlers=self.visible(LegalAidHandler).filter(active=True).order_by("name")[:200],
            handler=int(handler) if handler.isdigit() else None,
            q=params.get("q", ""),
            today=timezone.localdate(),
        )
        return context


class CaseCreateView(OrgPickerMixin, LegalAidMixin, FormView):
    """受理: a consultation or an application for legal aid."""

    template_name = "legalaid/case_form.html"
    form_class = forms.CaseForm
    action = "change"
    picker_field = "org"

    def get_initial(self):
        org = self.request.user.scope_org
        return {"org": org.pk if org else None, "consultation": "0", "workers_involved": 1}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.picker_context(context["form"], None))
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        values = {k: v for k, v in data.items() if k != "org"}
        try:
            case = services.create_case(
                services.CaseData(**values), data["org"], actor=self.request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        what = "咨询" if case.state == "consult" else "法律援助申请"
        messages.success(self.request, f"已受理{what} {case.number}。")
        return redirect("legalaid:case", case_id=case.pk)


class CaseDetailView(LegalAidMixin, TemplateView):
    template_name = "legalaid/case.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.get_case()
        today = timezone.localdate()
        context.update(case_context(case, self.request.user))
        context.update(
            case=case,
            stages=list(case.stages.all()),
            limitation_near=case.closed_on is None
            and rules.limitation_near(case.limitation_on, today),
            limitation_passed=case.limitation_on is not None and case.limitation_on < today,
        )
        return context


class CasePrintView(PrintFormsMixin, LegalAidMixin, TemplateView):
    """Printable A4 forms: 申请表, 决定书, 委派函, 结案报告 (names only, no ID numbers)."""

    forms = {
        "application": ("legalaid/print_application.html", "职工法律援助申请表"),
        "decision": ("legalaid/print_decision.html", "法律援助决定书"),
        "letter": ("legalaid/print_letter.html", "工会法律援助案件委派函"),
        "report": ("legalaid/print_report.html", "法律援助案件结案报告"),
    }
    form_name = "application"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.get_case()
        context.update(
            case=case,
            stages=list(case.stages.all()),
            today=timezone.localdate(),
        )
        return context


class FiguresView(LegalAidMixin, TemplateView):
    """统计: cases by type, form and result, money recovered, migrant wage cases, per union —
    the legal-aid indicators (``legalaid.indicators``), as 统计分析 shows them."""

    template_name = "legalaid/figures.html"

    def get_context_data(self, **kwargs):
        from smartunion.legalaid import indicators
        from smartunion.stats.modules import year_figures

        context = super().get_context_data(**kwargs)
        context["f"] = year_figures(
            self.request.user,
            self.request.GET.get("year"),
            shown=indicators.ALL,
            by_union=(indicators.CASES, indicators.RECOVERED),
        )
        return context


class HandlersView(OrgPickerMixin, LegalAidMixin, FormView):
    """承办人名册: lawyers, firms under agreement and union legal workers of each union."""

    template_name = "legalaid/handlers.html"
    form_class = forms.HandlerForm
    picker_field = "org"

    def get_initial(self):
        org = self.request.user.scope_org
        return {"org": org.pk if org else None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.visible(LegalAidHandler).select_related("org").order_by("org__path", "name")
        page = fetch_page(rows, self.request, page_size=PAGE_SIZE)
        context.update(p=page, handlers=page.items, can_change=self.can("change"))
        context.update(self.picker_context(context["form"], None))
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.can("change"):
            raise PermissionDenied("您的账号只有查看权限，不能修改。")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            handler = services.add_handler(
                org_id=data["org"],
                kind=data["kind"],
                name=data["name"],
                firm=data["firm"],
                license_no=data["license_no"],
                actor=self.request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已登记承办人 {handler.name}。")
        return redirect("legalaid:handlers")


class MinWagesView(LegalAidMixin, RegionalRatesView):
    """最低工资标准 by county and year, read by the financial test."""

    template_name = "legalaid/min_wages.html"
    kind = rules.MIN_WAGE
    label = "最低工资标准"
    monthly_label = "月最低工资标准（元）"
