"""荣誉库 pages: the register (list and an honour's page with benefits, hardship files and
service logs), the nominee lists of the selections with their live ratio check, and a
nomination's page (timeline and transitions from casework). Writes go through the services
(and the API); the case pages' transitions through casework's shared views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from smartunion.assistance.models import HardshipFile
from smartunion.casework.services import today
from smartunion.casework.views import AttachmentUploadView, attachments_context, case_context
from smartunion.core.forms import apply_service_errors, call_service
from smartunion.core.views_mixins import ChangeViewMixin, ScopedViewMixin, fetch_page
from smartunion.honours import selections, services
from smartunion.honours.api import filter_honours
from smartunion.honours.codes import Kind, Level, State
from smartunion.honours.forms import (
    HonourForm,
    NominateForm,
    RevokeForm,
    SelectionForm,
    StudioForm,
    StudioMemberForm,
    StudioRecordForm,
)
from smartunion.honours.models import Honour, Nomination, Selection, ServiceLog, Studio
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
        context.update(attachments_context(honour))
        context.update(can_revoke=self.can("change") and honour.state == State.HELD)
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


# ---- the staff forms (issue 16): the same services as the API ----------------------------------


def _picked_person(user, pk):
    """The person a bound form names (shown again, checked, when the form comes back)."""
    from smartunion.members.models import Person

    pk = _int(pk)
    return Person.objects.visible_to(user, "change").select_related("org").filter(pk=pk).first()


class PickView(ChangeViewMixin, HonoursMixin, TemplateView):
    """选择人员/单位: the picker's results (POST, so an ID number typed stays out of URLs).

    ``name``: the form input the results fill (radio buttons of that name), whose search text
    comes as ``<name>_q``; ``what``: person (default) or union; ``org``: only people of that
    union's subtree (nominations)."""

    template_name = "honours/_pick_results.html"
    action = "change"
    http_method_names = ["post"]
    LIMIT = 10

    def post(self, request, *args, **kwargs):
        from smartunion.members.models import Person
        from smartunion.orgs.models import attach_path_names

        p = request.POST
        name = p.get("name") if p.get("name") in ("person", "leader", "unit") else "person"
        q = (p.get(f"{name}_q") or "").strip()[:32]
        what = "union" if p.get("what") == "union" else "person"
        rows = []
        if q:
            if what == "union":
                rows = list(
                    self.visible(Organization)
                    .filter(name__contains=q)
                    .order_by("path")[: self.LIMIT]
                )
                attach_path_names(rows)
            else:
                people = self.visible(Person).search(q).select_related("org")
                within = self.visible(Organization).filter(pk=_int(p.get("org"))).first()
                if within is not None:
                    people = people.filter(org__path__startswith=within.path)
                rows = list(people[: self.LIMIT])
                attach_path_names([r.org for r in rows if r.org_id])
        context = self.get_context_data(q=q, rows=rows, name=name, what=what)
        return self.render_to_response(context)


class HonourCreateView(ChangeViewMixin, HonoursMixin, FormView):
    """登记荣誉 (在册) from the granting body's document."""

    template_name = "honours/honour_form.html"
    form_class = HonourForm
    action = "change"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            picked=_picked_person(self.request.user, form["person"].value()),
            picked_unit=self.visible(Organization, "change")
            .filter(pk=_int(form["unit"].value()))
            .first(),
        )
        return context

    def form_valid(self, form):
        d = form.cleaned_data
        by_unit = d["holder"] == "unit"
        data = services.HonourData(
            kind=d["kind"],
            year=d["year"],
            person_id=None if by_unit else d["person"],
            unit_id=d["unit"] if by_unit else None,
            team_name=d["team_name"] if by_unit else "",
            level=d["level"],
            granting_body=d["granting_body"],
            document_no=d["document_no"],
            deeds=d["deeds"],
        )
        honour = call_service(form, lambda: services.create_honour(data, actor=self.request.user))
        if honour is None:
            if by_unit and "person" in form.errors:
                # The service names the holder "person" whichever kind is missing.
                form.errors["unit"] = form.errors.pop("person")
            return self.form_invalid(form)
        messages.success(self.request, f"已登记 {honour}。")
        return redirect("honours:detail", honour_id=honour.pk)


class HonourAttachView(AttachmentUploadView):
    """荣誉证书、命名文件的扫描件 (casework's attachments, encrypted at rest)."""

    model = Honour
    case_kwarg = "honour_id"
    nav = "honours"


class CertificateView(HonoursMixin, TemplateView):
    """荣誉证明: a person's honours on one A4 sheet (the held ones; revoked ones are listed as
    such, so the sheet never claims more than the register holds)."""

    template_name = "honours/print_certificate.html"

    def get_context_data(self, **kwargs):
        from smartunion.members.models import Person

        context = super().get_context_data(**kwargs)
        person = self.get_for_user(
            Person.objects.select_related("org"), self.kwargs["person_id"], what="人员"
        )
        honours = list(
            self.visible(Honour)
            .filter(person=person)
            .exclude(state=State.CANDIDATE)
            .order_by("-year", "id")
        )
        context.update(
            person=person,
            honours=honours,
            title="荣誉证明",
            back_url=honours[0].get_absolute_url() if honours else reverse("honours:list"),
            issuer=self.request.user.scope_org,
            today=today(),
        )
        return context


# ---- selections ---------------------------------------------------------------------------------


class SelectionListView(HonoursMixin, TemplateView):
    template_name = "honours/selections.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.visible(Selection).select_related("org").order_by("-year", "-id")
        page = fetch_page(rows, self.request, page_size=PAGE_SIZE)
        context.update(p=page, selections_page=page.items)
        return context


class SelectionMixin(HonoursMixin):
    def get_selection(self, action: str | None = None) -> Selection:
        if not hasattr(self, "_selection"):
            self._selection = self.get_for_user(
                Selection.objects.select_related("org"),
                self.kwargs["selection_id"],
                action=action,
                what="评选",
            )
        return self._selection


class SelectionDetailView(SelectionMixin, TemplateView):
    template_name = "honours/selection.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selection = self.get_selection()
        quotas = list(selection.quotas.select_related("org"))
        counts = dict(
            selection.nominations.exclude(state__in=selections.WITHDRAWN)
            .order_by()
            .values("org_id")
            .annotate(n=Count("id"))
            .values_list("org_id", "n")
        )
        for q in quotas:
            q.used = counts.get(q.org_id, 0)
        user = self.request.user
        mine = [q.org for q in quotas if q.org.path.startswith(user.scope_path or "-")]
        context.update(
            selection=selection,
            quotas=quotas,
            ratios=list(selection.ratios.all()),
            nominee_count=sum(counts.values()),
            may_edit=self.can("change") and selection.org.path.startswith(user.scope_path or "-"),
            nominate_form=NominateForm(unions=mine) if mine and self.can("change") else None,
        )
        return context


class SelectionFormMixin(ChangeViewMixin, SelectionMixin, FormView):
    template_name = "honours/selection_form.html"
    form_class = SelectionForm
    action = "change"

    def organiser(self) -> Organization:
        raise NotImplementedError

    def held_quotas(self):
        """The unions that already hold a quota of the selection (none for a new one)."""
        return Organization.objects.none()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Every active union directly below, and every union already holding a quota (even
        # one no longer active): a quota missing from the form would be deleted on save.
        below = Organization.objects.filter(parent=self.organiser()).active()
        held = Organization.objects.filter(pk__in=self.held_quotas().values("pk"))
        kwargs["unions"] = list((below | held).distinct().order_by("path"))
        return kwargs

    def data_of(self, form) -> selections.SelectionData:
        d = form.cleaned_data
        return selections.SelectionData(
            title=d["title"],
            kind=d["kind"],
            year=d["year"],
            nominations_due=d["nominations_due"],
            quotas=form.quota_list(),
            ratios=form.ratio_list(),
            departments=d["departments"],
            document_no=d["document_no"],
            vote_starts_on=d["vote_starts_on"],
            vote_ends_on=d["vote_ends_on"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(organiser=self.organiser())
        return context


class SelectionCreateView(SelectionFormMixin):
    """发布评选通知: run by the user's own union, quotas for the unions directly below it."""

    def organiser(self) -> Organization:
        org = self.request.user.scope_org
        if org is None:
            raise Http404("您的账号没有所属工会。")
        return org

    def get_initial(self):
        from smartunion.honours.codes import DEFAULT_RATIOS, DEPARTMENTS

        initial = {f"ratio_{c}": p for c, p in DEFAULT_RATIOS}
        initial.update(departments=list(DEPARTMENTS))
        return initial

    def form_valid(self, form):
        selection = call_service(
            form,
            lambda: selections.create_selection(
                self.data_of(form), self.organiser().pk, actor=self.request.user
            ),
        )
        if selection is None:
            return self.form_invalid(form)
        messages.success(self.request, f"已发布评选通知“{selection.title}”。")
        return redirect("honours:selection", selection_id=selection.pk)


class SelectionEditView(SelectionFormMixin):
    def organiser(self) -> Organization:
        selection = self.get_selection("change")
        selections.check_organiser(selection, self.request.user)
        return selection.org

    def held_quotas(self):
        selection = self.get_selection("change")
        return Organization.objects.filter(pk__in=selection.quotas.values("org_id"))

    def get_initial(self):
        s = self.get_selection("change")
        initial = dict(
            title=s.title,
            kind=s.kind,
            year=s.year,
            document_no=s.document_no,
            nominations_due=s.nominations_due,
            departments=list(s.departments),
            vote_starts_on=s.vote_starts_on,
            vote_ends_on=s.vote_ends_on,
        )
        initial.update({f"quota_{q.org_id}": q.places for q in s.quotas.all()})
        initial.update({f"ratio_{r.category}": r.min_percent for r in s.ratios.all()})
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selection=self.get_selection("change"))
        return context

    def form_valid(self, form):
        selection = self.get_selection("change")
        saved = call_service(
            form,
            lambda: selections.update_selection(
                selection.pk, self.data_of(form), actor=self.request.user
            ),
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, "已保存评选通知。")
        return redirect("honours:selection", selection_id=selection.pk)


class NominateView(ChangeViewMixin, SelectionMixin, FormView):
    """推荐: a union with a quota puts a person of its subtree on its list (草稿)."""

    template_name = "honours/nominate.html"
    form_class = NominateForm
    action = "change"

    def unions(self) -> list[Organization]:
        selection = self.get_selection()
        return list(
            self.visible(Organization, "change").filter(pk__in=selection.quotas.values("org_id"))
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["unions"] = self.unions()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            selection=self.get_selection(),
            picked=_picked_person(self.request.user, form["person"].value()),
            past_due=today() > self.get_selection().nominations_due,
        )
        return context

    def form_valid(self, form):
        selection = self.get_selection()
        d = form.cleaned_data
        org_id = int(d["org"])
        from smartunion.members.models import Person

        # The union the form validated (a quota holder the user may change), fetched scoped:
        # 404, never a 500, for an id outside the user's scope.
        org = self.get_org(org_id, action="change")
        if not (
            Person.objects.visible_to(self.request.user, "change")
            .filter(pk=d["person"], org__path__startswith=org.path)
            .exists()
        ):
            form.add_error("person", "推荐对象须是推荐工会所属的会员。")
            return self.form_invalid(form)
        case = call_service(
            form,
            lambda: selections.nominate(
                selection.pk,
                actor=self.request.user,
                org_id=org_id,
                person_id=d["person"],
                categories=d["categories"],
                employer=d["employer"],
                deeds=d["deeds"],
            ),
        )
        if case is None:
            return self.form_invalid(form)
        messages.success(self.request, f"已推荐 {case.name}（草稿，待上报推荐名单）。")
        return redirect(f"{reverse('honours:nominations')}?selection={selection.pk}&org={org_id}")


class PublicityPrintView(SelectionMixin, TemplateView):
    """拟表彰对象公示名单 (A4): the nominees of the selection in 公示 or about to be."""

    template_name = "honours/print_publicity.html"
    STATES = ("ready", "publicity", "named")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selection = self.get_selection()
        rows = list(
            self.visible(Nomination)
            .filter(selection=selection, state__in=self.STATES)
            .select_related("org")
            .order_by("org__path", "id")
        )
        context.update(
            selection=selection,
            rows=rows,
            title=f"{selection.title}拟表彰对象公示",
            back_url=reverse("honours:selection", kwargs={"selection_id": selection.pk}),
            today=today(),
        )
        return context


# ---- studios ------------------------------------------------------------------------------------


class StudioMixin(HonoursMixin):
    def get_studio(self, action: str | None = None) -> Studio:
        if not hasattr(self, "_studio"):
            self._studio = self.get_for_user(
                Studio.objects.select_related("org", "leader", "leader_honour", "venue"),
                self.kwargs["studio_id"],
                action=action,
                what="创新工作室",
            )
        return self._studio


class StudioDetailView(StudioMixin, TemplateView):
    template_name = "honours/studio.html"

    def get_context_data(self, **kwargs):
        from smartunion.honours import studios

        context = super().get_context_data(**kwargs)
        studio = self.get_studio()
        members = list(studio.members.select_related("person", "person__org"))
        context.update(
            studio=studio,
            members=members,
            records=list(studio.records.all()[:100]),
            figures=studios.figures(studio.records.all()),
            member_form=kwargs.get("member_form") or StudioMemberForm(),
            record_form=kwargs.get("record_form") or StudioRecordForm(),
            picked=kwargs.get("picked"),
        )
        return context


class StudioFormView(ChangeViewMixin, StudioMixin, FormView):
    template_name = "honours/studio_form.html"
    form_class = StudioForm
    action = "change"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            picked=_picked_person(self.request.user, form["leader"].value()),
            studio=self.get_studio("change") if "studio_id" in self.kwargs else None,
        )
        return context

    def data_of(self, form):
        from smartunion.honours import studios

        d = form.cleaned_data
        venue = self.get_studio("change").venue_id if "studio_id" in self.kwargs else None
        return studios.StudioData(
            name=d["name"],
            tier=d["tier"],
            named_year=d["named_year"],
            document_no=d["document_no"],
            leader_id=d["leader"],
            venue_id=venue,
            field=d["field"],
        )


class StudioCreateView(StudioFormView):
    """命名工作室: under the user's own union (the API can name one under any union below)."""

    def form_valid(self, form):
        from smartunion.honours import studios

        org_id = self.request.user.scope_org_id
        if org_id is None:
            form.add_error(None, "您的账号没有所属工会，不能登记工作室。")
            return self.form_invalid(form)
        studio = call_service(
            form, lambda: studios.create_studio(self.data_of(form), org_id, actor=self.request.user)
        )
        if studio is None:
            return self.form_invalid(form)
        messages.success(self.request, f"已登记创新工作室“{studio.name}”。")
        return redirect("honours:studio", studio_id=studio.pk)


class StudioEditView(StudioFormView):
    def get_initial(self):
        s = self.get_studio("change")
        return dict(
            name=s.name,
            tier=s.tier,
            named_year=s.named_year,
            document_no=s.document_no,
            leader=s.leader_id,
            field=s.field,
        )

    def form_valid(self, form):
        from smartunion.honours import studios

        studio = self.get_studio("change")
        saved = call_service(
            form,
            lambda: studios.update_studio(studio.pk, self.data_of(form), actor=self.request.user),
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, "已保存工作室信息。")
        return redirect("honours:studio", studio_id=studio.pk)


class StudioMemberAddView(ChangeViewMixin, StudioMixin, View):
    """添加成员 (POST from the studio's page; refused: the page again with the message)."""

    action = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from smartunion.honours import studios

        studio = self.get_studio("change")
        form = StudioMemberForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                studios.add_member(
                    studio.pk,
                    actor=request.user,
                    person_id=d["person"],
                    role=d["role"],
                    joined_on=d["joined_on"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "已添加工作室成员。")
                return redirect("honours:studio", studio_id=studio.pk)
        picked = _picked_person(request.user, form["person"].value())
        return self._again(member_form=form, picked=picked)

    def _again(self, **forms):
        view = StudioDetailView(request=self.request, kwargs=self.kwargs, args=())
        view._studio = self.get_studio("change")
        context = view.get_context_data(**forms)
        return TemplateResponse(self.request, view.template_name, context)


class StudioRecordAddView(StudioMemberAddView):
    """登记经费到账、成果、培训、复核."""

    def post(self, request, *args, **kwargs):
        from smartunion.honours import studios

        studio = self.get_studio("change")
        form = StudioRecordForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            data = studios.RecordData(
                type=d["type"],
                happened_on=d["happened_on"],
                title=d["title"],
                outcome_kind=d["outcome_kind"],
                patent_no=d["patent_no"],
                amount=d["amount"],
                trained=d["trained"] or 0,
                promoted=d["promoted"] or 0,
                passed=d["passed"],
            )
            try:
                studios.add_record(studio.pk, data, actor=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "已登记工作室记录。")
                return redirect("honours:studio", studio_id=studio.pk)
        return self._again(record_form=form)
