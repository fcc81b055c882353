"""诉求工单 pages: the inbox (list with its lists), intake, the request page (routing history,
timeline and transitions from casework) and the figures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from smartunion.casework.views import case_context, filter_cases
from smartunion.core.forms import apply_service_errors
from smartunion.core.views_mixins import ChangeViewMixin, ScopedViewMixin, fetch_page
from smartunion.orgs.views import OrgPickerMixin
from smartunion.servicerequests import forms, services
from smartunion.servicerequests.figures import figures
from smartunion.servicerequests.models import ServiceRequest

PAGE_SIZE = 30
LISTS = {
    "": "全部工单",
    "waiting": "待我办理",
    "overdue": "超时未办",
    "open": "未办结",
    "closed": "已办结",
    "dissatisfied": "回访不满意",
    "quality": "质检标记",
}


class RequestMixin(ChangeViewMixin, ScopedViewMixin):
    nav = "servicerequests"

    def get_request(self) -> ServiceRequest:
        if not hasattr(self, "_ticket"):
            self._ticket = self.get_for_user(
                ServiceRequest.objects.select_related(
                    "org",
                    "intake_org",
                    "handling_org",
                    "category",
                    "responsible_org",
                    "legal_case",
                    "hardship_file",
                ),
                self.kwargs["ticket_id"],
                what="诉求工单",
            )
        return self._ticket


def filter_requests(rows, params, user):
    """The inbox's filters (the page and the API share them): casework's, and its own."""
    rows, which = filter_cases(rows, params, user)
    if which == "open":
        rows = rows.filter(closed_on=None)
    elif which == "closed":
        rows = rows.exclude(closed_on=None)
    elif which == "dissatisfied":
        rows = rows.filter(satisfied=False)
    elif which == "quality":
        rows = rows.filter(quality_flag=True)
    category = (params.get("category") or "")[:8]
    if category:
        rows = rows.filter(category__code=category)
    channel = params.get("channel", "")
    if channel:
        rows = rows.filter(channel=channel)
    return rows


class RequestListView(RequestMixin, TemplateView):
    template_name = "servicerequests/tickets.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        rows = filter_requests(self.visible(ServiceRequest), params, self.request.user)
        page = fetch_page(
            rows.select_related("org", "category").order_by("-id"),
            self.request,
            page_size=PAGE_SIZE,
        )
        context.update(p=page, tickets=page.items, lists=LISTS, which=params.get("list", ""))
        return context


class RequestCreateView(OrgPickerMixin, RequestMixin, FormView):
    """受理 a request (a call to 12351, a visit at the window or a station, an online request)."""

    template_name = "servicerequests/ticket_form.html"
    form_class = forms.RequestForm
    action = "change"
    picker_field = "org"

    def get_initial(self):
        org = self.request.user.scope_org
        return {"org": org.pk if org else None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.picker_context(context["form"], None))
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        org = data.pop("org")
        try:
            ticket = services.create_request(
                services.RequestData(**data), org, actor=self.request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已受理诉求工单 {ticket.number}。")
        return redirect("servicerequests:ticket", ticket_id=ticket.pk)


class RequestDetailView(RequestMixin, TemplateView):
    template_name = "servicerequests/ticket.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ticket = self.get_request()
        context.update(case_context(ticket, self.request.user))
        context.update(
            ticket=ticket,
            handoffs=list(ticket.handoffs.select_related("from_org", "to_org")),
        )
        return context


class CentresView(RequestMixin, FormView):
    """职工服务中心: the centres of the unions in the user's subtree and their heads; naming or
    replacing a head (``services.set_centre_head``, audited, like the API)."""

    template_name = "servicerequests/centres.html"
    form_class = forms.CentreForm

    def unions(self):
        from smartunion.casework.workflow import COUNTY_OR_ABOVE
        from smartunion.orgs.models import Organization, attach_path_names

        rows = self.visible(Organization, "change").filter(kind__in=COUNTY_OR_ABOVE)
        return attach_path_names(rows.order_by("path")[:500])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["unions"] = self.unions() if self.can("change") else []
        return kwargs

    def get_initial(self):
        wanted = self.request.GET.get("org", "")
        return {"org": int(wanted)} if wanted.isdigit() else {}

    def post(self, request, *args, **kwargs):
        if not self.can("change"):
            raise PermissionDenied(services.READ_ONLY)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from smartunion.orgs.models import Organization, attach_path_names
        from smartunion.servicerequests.models import ServiceCentre

        context = super().get_context_data(**kwargs)
        centres = list(
            ServiceCentre.objects.filter(org__in=self.visible(Organization))
            .select_related("org", "head")
            .order_by("org__path")[:500]
        )
        attach_path_names(c.org for c in centres)
        context["centres"] = centres
        return context

    def form_valid(self, form):
        from smartunion.accounts.models import User

        head = User.objects.filter(username=form.cleaned_data["head_username"].strip()).first()
        try:
            centre = services.set_centre_head(
                org_id=form.cleaned_data["org"],
                head_user_id=head.pk if head else None,
                actor=self.request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                renamed = {"head_user": "head_username"}
                exc = ValidationError({renamed.get(k, k): v for k, v in exc.message_dict.items()})
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, f"{centre.org.name}职工服务中心负责人已设为{centre.head.display_name}。"
        )
        return redirect("servicerequests:centres")


class FiguresView(RequestMixin, TemplateView):
    """统计: by category, channel and union; on-time closure and satisfaction rates (the
    requests' indicators, as 统计分析 shows them)."""

    template_name = "servicerequests/figures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["f"] = figures(self.request.user, self.request.GET.get("year"))
        return context
