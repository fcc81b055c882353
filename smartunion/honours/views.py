"""荣誉库 pages: the register (list and an honour's page with benefits, hardship files and
service logs), the nominee lists of the selections with their live ratio check, and a
nomination's page (timeline and transitions from casework). Writes go through the services
(and the API); the case pages' transitions through casework's shared views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from smartunion.assistance.models import HardshipFile
from smartunion.casework.views import case_context
from smartunion.core.forms import apply_service_errors
from smartunion.core.views_mixins import ChangeViewMixin, ScopedViewMixin, fetch_page
from smartunion.honours import selections, services
from smartunion.honours.api import filter_honours
from smartunion.honours.codes import Kind, Level, State
from smartunion.honours.forms import RevokeForm
from smartunion.honours.models import Honour, Nomination, Selection, ServiceLog
from smartunion.orgs.models import Organization

PAGE_SIZE = 30


class HonoursMixin(ScopedViewMixin):
    nav = "honours"


def _int(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 10 else None


class HonourListView(HonoursMixin, TemplateView):
    template_name = "honours/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        p = self.request.GET
        filters = dict(
            q=(p.get("q") or "").strip()[:32],
            kind=p.get("kind", "") if p.get("kind") in Kind.values else "",
            level=p.get("level", "") if p.get("level") in Level.values else "",
            year=_int(p.get("year")),
            state=p.get("state", "") if p.get("state") in State.values else "",
            held=p.get("held") == "1",
        )
        rows = filter_honours(self.visible(Honour), **filters).order_by("-year", "-id")
        page = fetch_page(rows, self.request, page_size=PAGE_SIZE)
        context.update(
            p=page,
            honours=page.items,
            kinds=Kind.choices,
            levels=Level.choices,
            states=State.choices,
            f=filters,
        )
        return context


class HonourDetailView(HonoursMixin, TemplateView):
    template_name = "honours/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        honour = self.get_for_user(
            Honour.objects.select_related("org", "person", "unit"),
            self.kwargs["honour_id"],
            what="荣誉",
        )
        others = logs = files = []
        benefits = None
        if honour.person_id:
            others = list(
                self.visible(Honour).filter(person_id=honour.person_id).exclude(pk=honour.pk)
            )
            logs = list(self.visible(ServiceLog).filter(person_id=honour.person_id)[:50])
            files = list(self.visible(HardshipFile).filter(head_id=honour.person_id))
            benefits = services.benefits_of(honour.person_id)
        context.update(honour=honour, others=others, logs=logs, files=files, benefits=benefits)
        return context


class NominationListView(HonoursMixin, TemplateView):
    """The nominees of a selection, with the ratio check of a union's list as it stands."""

    template_name = "honours/nominations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        p = self.request.GET
        user = self.request.user
        chosen = self.visible(Selection).filter(pk=_int(p.get("selection"))).first()
        rows = self.visible(Nomination).select_related("org", "selection")
        which = p.get("list", "")
        if which == "waiting":
            rows = rows.filter(responsible_org__path__startswith=user.scope_path or "-")
        if chosen is not None:
            rows = rows.filter(selection=chosen)
        org = None
        if _int(p.get("org")):
            org = self.visible(Organization).filter(pk=_int(p.get("org"))).first()
            if org is not None:
                rows = rows.filter(org__path__startswith=org.path)
        state = p.get("state", "")
        if state:
            rows = rows.filter(state=state)
        page = fetch_page(rows.order_by("-id"), self.request, page_size=PAGE_SIZE)
        ratios = None
        if chosen is not None and org is not None:
            ratios = selections.ratio_report(chosen, selections.org_list(chosen, org.pk))
        context.update(
            p=page,
            nominations=page.items,
            selections_list=list(self.visible(Selection)[:50]),
            chosen=chosen,
            org=org,
            quota_orgs=(
                self.visible(Organization).filter(pk__in=chosen.quotas.values("org_id"))
                if chosen
                else []
            ),
            ratios=ratios,
            ratios_ok=ratios is not None and all(r.ok for r in ratios),
            can_submit=(
                ratios is not None
                and self.request.user.can("change")
                and selections.org_list(chosen, org.pk).filter(state="draft").exists()
            ),
            states=Nomination.case_type.state_choices(),
            state=state,
        )
        return context


class NominationDetailView(HonoursMixin, TemplateView):
    template_name = "honours/nomination.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.get_for_user(
            Nomination.objects.select_related("org", "selection", "responsible_org", "honour"),
            self.kwargs["nomination_id"],
            what="推荐对象",
        )
        context.update(case_context(case, self.request.user))
        context.update(case=case)
        return context


class StudioListView(HonoursMixin, TemplateView):
    """创新工作室 with their figures, each computed from its records, and the totals."""

    template_name = "honours/studios.html"

    def get_context_data(self, **kwargs):
        from django.db.models import Count, Q, Sum

        from smartunion.honours import studios
        from smartunion.honours.codes import PATENT_KINDS, StudioTier
        from smartunion.honours.models import Studio, StudioRecord

        context = super().get_context_data(**kwargs)
        tier = self.request.GET.get("tier", "")
        rows = self.visible(Studio).select_related("org", "leader", "leader_honour")
        if tier in StudioTier.values:
            rows = rows.filter(tier=tier)
        t = StudioRecord.Type
        rows = rows.annotate(
            funding=Sum("records__amount", filter=Q(records__type=t.FUNDING)),
            patents=Count(
                "records",
                filter=Q(records__type=t.OUTCOME, records__outcome_kind__in=list(PATENT_KINDS)),
            ),
            outcomes=Count("records", filter=Q(records__type=t.OUTCOME)),
            benefit=Sum("records__amount", filter=Q(records__type=t.OUTCOME)),
            trained=Sum("records__trained"),
            promoted=Sum("records__promoted"),
        ).order_by("-id")
        page = fetch_page(rows, self.request, page_size=PAGE_SIZE)
        records = StudioRecord.objects.filter(studio__in=self.visible(Studio).values("pk"))
        if tier in StudioTier.values:
            records = records.filter(studio__tier=tier)
        context.update(
            p=page,
            studios=page.items,
            totals=studios.figures(records),
            tiers=StudioTier.choices,
            tier=tier,
        )
        return context


class HonourRevokeView(ChangeViewMixin, HonoursMixin, FormView):
    """撤销荣誉: reason and document required (the service refuses otherwise)."""

    template_name = "honours/revoke.html"
    form_class = RevokeForm
    action = "change"

    def get_honour(self) -> Honour:
        return self.get_for_user(
            Honour.objects.select_related("org"), self.kwargs["honour_id"], what="荣誉"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(honour=self.get_honour())
        return context

    def form_valid(self, form):
        honour = self.get_honour()
        try:
            services.revoke(
                honour.pk,
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已撤销 {honour}。")
        return redirect("honours:detail", honour_id=honour.pk)


class SubmitListView(ChangeViewMixin, HonoursMixin, View):
    """上报推荐名单 (POST from the nominee list): refused with the ratio figures."""

    action = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        selection_id, org_id = _int(request.POST.get("selection")), _int(request.POST.get("org"))
        back = f"{reverse('honours:nominations')}?selection={selection_id or ''}&org={org_id or ''}"
        if selection_id is None or org_id is None:
            messages.error(request, "请选择评选和推荐工会。")
            return redirect(back)
        try:
            done = selections.submit_list(selection_id, actor=request.user, org_id=org_id)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(back)
        messages.success(request, f"已上报推荐名单，共 {len(done)} 人进入部门联审。")
        return redirect(back)
