"""Casework pages shared by every case module: a transition's page, attachments, 公示 (staff
and public), reminders, the working-day calendar, deadlines, caps and the ledger.

A domain app mounts the case pages for its model with ``casework.urls.case_patterns``; the
views below take the model (and the URL keyword naming a case) as view arguments, fetch the
case within the user's scope (404 outside it) and hand every write to casework's services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from smartunion.accounts.models import clerk_label
from smartunion.casework import attachments, calendar, money, notices, rates, services
from smartunion.casework.models import (
    MAX_AMOUNT,
    Attachment,
    CalendarDay,
    CalendarYear,
    Cap,
    DayKind,
    Deadline,
    FundSource,
    LedgerLine,
    Notice,
    NoticeItem,
    NoticeState,
    Objection,
    ObjectionState,
    RegionalRate,
    Reminder,
    overdue,
    waiting_on,
)
from smartunion.casework.workflow import case_models
from smartunion.core import audit
from smartunion.core.forms import MoneyField, UnionIdField, apply_service_errors
from smartunion.core.views_mixins import ScopedViewMixin, fetch_page

# ---- one case ---------------------------------------------------------------------------------


class CaseMixin(ScopedViewMixin):
    """Fetches the case named by ``case_kwarg`` of ``model`` within the user's scope."""

    model = None
    case_kwarg = "case_id"
    nav = ""

    def get_case(self, action: str | None = None):
        if not hasattr(self, "_case"):
            case_type = getattr(self.model, "case_type", None)
            self._case = self.get_for_user(
                self.model.objects.select_related("org"),
                self.kwargs[self.case_kwarg],
                action=action,
                what=case_type.label if case_type else self.model._meta.verbose_name,
            )
        return self._case

    def case_url(self, case) -> str:
        return case.get_absolute_url()


class TransitionForm(forms.Form):
    note = forms.CharField(
        label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)


class CaseTransitionView(CaseMixin, FormView):
    """One transition of a case: a page with its note and fields, confirmed by POST."""

    template_name = "casework/transition.html"
    action = "change"
    transition_name = ""

    def get_transition(self):
        return self.model.case_type.transition(self.transition_name)

    def get_form_class(self):
        t = self.get_transition()
        base = (t.form, TransitionForm) if t.form else (TransitionForm,)
        return type("Form", base, {})

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        t = self.get_transition()
        form.fields["note"].label = t.note_label
        form.fields["note"].required = t.note_required
        if hasattr(form, "bind_case"):
            # A field whose choices depend on the case (e.g. the handlers the deciding union
            # may assign); the service validates the value again.
            form.bind_case(self.get_case(), self.request.user)
        return form

    def get_initial(self):
        return {"expected_state": self.get_case().state}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.get_case()
        t = self.get_transition()
        context.update(
            case=case,
            t=t,
            case_url=self.case_url(case),
            state_ok=case.state in t.source,
            actor_ok=t.by.allows(self.request.user, case),
            due=case.due_on,
        )
        return context

    def form_valid(self, form):
        case = self.get_case()
        t = self.get_transition()
        # A multiple choice (checkboxes) sends its values under one name: keep them all.
        multiple = {
            name
            for name, field in (t.form.base_fields.items() if t.form else ())
            if isinstance(field, forms.MultipleChoiceField)
        }
        extra = {
            k: (self.request.POST.getlist(k) if k in multiple else v)
            for k, v in self.request.POST.items()
            if k not in ("note", "expected_state", "csrfmiddlewaretoken")
        }
        try:
            services.transition(
                case,
                self.transition_name,
                actor=self.request.user,
                note=form.cleaned_data["note"],
                data=extra,
                expected_state=form.cleaned_data.get("expected_state") or None,
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已办理“{self.get_transition().label}”。")
        return HttpResponseRedirect(self.case_url(case))


# ---- attachments --------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="材料类型")
    file = forms.FileField(label="文件", help_text="JPG、PNG 图片或 PDF 文件")

    def __init__(self, *args, kinds: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择")] + list(kinds.items())
        self.fields[
            "file"
        ].help_text = f"JPG、PNG 图片或 PDF 文件，不超过 {attachments.limit_label()}"


def attachments_context(subject) -> dict:
    """What ``casework/_attachments.html`` needs for a subject that is not a case (a campaign,
    an honour …): its ``attachment_kinds``, files and upload form."""
    kinds = type(subject).attachment_kinds
    return {
        "case": subject,
        "attachment_list": attachments.attachments_of(subject),
        "attachment_form": AttachmentForm(kinds=kinds),
        "attachment_kinds": kinds,
    }


class AttachmentUploadView(CaseMixin, View):
    """POST a file onto a case, or anything else with ``attachment_kinds`` and a page."""

    action = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        case = self.get_case()
        kinds = self.model.attachment_kinds
        form = AttachmentForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            try:
                attachments.add_attachment(
                    case,
                    form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    kinds=kinds,
                    actor=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, f"上传失败：{message}")
            else:
                messages.success(request, "材料已上传（加密保存）。")
        else:
            for errors in form.errors.values():
                messages.error(request, f"上传失败：{errors[0]}")
        return HttpResponseRedirect(self.case_url(case) + "#attachments")


class AttachmentMixin(ScopedViewMixin):
    """One attachment, reachable only through a subject (a case …) the user may see."""

    def get_attachment(self, action: str | None = None) -> tuple[Attachment, Any]:
        attachment = (
            Attachment.objects.select_related("content_type")
            .filter(pk=self.kwargs["attachment_id"])
            .first()
        )
        model = attachment.content_type.model_class() if attachment else None
        if model is None or not hasattr(model.objects, "visible_to"):
            raise Http404("附件不存在。")
        subject = self.get_for_user(
            model.objects.all(), attachment.object_id, action=action, what="附件"
        )
        return attachment, subject

    def back_url(self, subject) -> str:
        url = (
            subject.get_absolute_url()
            if hasattr(subject, "get_absolute_url")
            else reverse("core:home")
        )
        return url + "#attachments"


class AttachmentDownloadView(AttachmentMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        attachment, subject = self.get_attachment()
        audit.record(
            request.user, "attachment.view", subject, changes={"attachment": attachment.pk}
        )
        response = FileResponse(
            attachments.open_attachment(attachment),
            content_type=attachment.mime,
            as_attachment=request.GET.get("download") == "1",
            filename=attachment.name,
        )
        response["Cache-Control"] = "private, no-store"
        return response


class AttachmentDeleteView(AttachmentMixin, View):
    action = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        attachment, subject = self.get_attachment("change")
        attachments.remove_attachment(attachment, subject, actor=request.user)
        messages.success(request, f"已删除材料“{attachment.name}”。")
        return HttpResponseRedirect(self.back_url(subject))


#: How the timeline names the details that are not a transition form's fields.
DETAIL_LABELS = {
    "amount": "金额（元）",
    "purpose": "用途",
    "kind": "材料",
    "name": "文件",
    "category_change": "困难类别",
}


def _form_of(case_type, action):
    try:
        return case_type.transition(action).form
    except ValidationError:
        return None


def unions_named(case_type, events) -> dict[int, str]:
    """The unions the timeline's entries name (a ``UnionIdField`` of a transition's form),
    each as its place in the tree, read in one query for the whole timeline."""
    from smartunion.orgs.models import Organization, attach_path_names

    ids = set()
    for e in events:
        form = _form_of(case_type, e.action)
        if form is None:
            continue
        for name, field in form.base_fields.items():
            value = (e.details or {}).get(name)
            if isinstance(field, UnionIdField) and str(value).isdigit():
                ids.add(int(value))
    if not ids:
        return {}
    return {
        o.pk: o.path_display for o in attach_path_names(Organization.objects.filter(pk__in=ids))
    }


def details_display(case_type, event, unions: dict[int, str] | None = None) -> list[str]:
    """The details of a timeline entry as "label：value" lines (the transition form's labels;
    a union by its name and place, from ``unions_named``)."""
    labels = dict(DETAIL_LABELS)
    form = _form_of(case_type, event.action)
    if form is not None:
        labels.update({name: str(field.label) for name, field in form.base_fields.items()})
        choices = {
            name: dict(getattr(field, "choices", [])) for name, field in form.base_fields.items()
        }
    else:
        choices = {}
    out = []
    for key, value in (event.details or {}).items():
        if key not in labels or value in ("", None):
            continue
        if form is not None and key in form.base_fields and form.base_fields[key].widget.is_hidden:
            continue  # an id the page never shows (the note names the record)
        if isinstance(value, bool):
            value = "是" if value else "否"
        if isinstance(value, list):  # a multiple choice: its labels in a row
            value = "、".join(str(choices.get(key, {}).get(v, v)) for v in value)
        else:
            value = choices.get(key, {}).get(value, value)
        if form is not None and isinstance(form.base_fields.get(key), UnionIdField):
            value = (unions or {}).get(int(value), value) if str(value).isdigit() else value
        out.append(f"{labels[key]}：{value}")
    return out


def filter_cases(rows, params, user) -> tuple[Any, str]:
    """The filters every case list shares (its page and its API): ``list`` "waiting" (the
    user's union's turn) and "overdue" (of those, past the deadline, clock running) — also as the home
    page's ``?waiting=1`` and ``?overdue=1`` —, ``state`` and ``org`` (with its subtree).
    Returns the rows and the list asked for, for the app's own lists."""
    from smartunion.orgs.models import Organization

    which = params.get("list", "")
    if params.get("waiting") == "1":
        which = "waiting"
    if params.get("overdue") == "1":
        which = "overdue"
    if which == "waiting":
        rows = waiting_on(rows, user)
    elif which == "overdue":
        # Of the cases waiting on the user's union: the home page's card that opens this list
        # counts those (casework.home), and the list holds what it counts.
        rows = waiting_on(rows, user).filter(overdue(timezone.localdate()))
    state = params.get("state", "")
    if state in dict(rows.model.case_type.state_choices()):
        rows = rows.filter(state=state)
    org = str(params.get("org", "") or "")
    if org.isdigit():
        union = Organization.objects.visible_to(user).filter(pk=int(org)).first()
        rows = rows.filter(org__path__startswith=union.path) if union else rows.none()
    return rows, which


class RateForm(forms.Form):
    region = forms.ChoiceField(label="行政区划")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    monthly = MoneyField(label="月标准（元）")
    note = forms.CharField(label="依据", max_length=200, required=False)

    def __init__(self, *args, monthly_label: str = "", **kwargs):
        from django.conf import settings

        from smartunion.regions.models import Region

        super().__init__(*args, **kwargs)
        province = settings.SMARTUNION_PROVINCE
        regions = Region.objects.filter(code__startswith=province).order_by("code")
        self.fields["region"].choices = [(r.code, ("　" * (r.level - 1)) + r.name) for r in regions]
        self.fields["year"].initial = timezone.localdate().year
        if monthly_label:
            self.fields["monthly"].label = monthly_label


class RegionalRatesView(ScopedViewMixin, FormView):
    """地区标准 of one kind (低保标准, 最低工资标准 …) by region and year: everyone sees them,
    the province admins enter them (``casework.rates.set_rate``)."""

    template_name = "casework/rates.html"
    form_class = RateForm
    kind = ""
    label = ""
    monthly_label = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "monthly_label": self.monthly_label}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            year = int(self.request.GET.get("year", timezone.localdate().year))
        except ValueError:
            year = timezone.localdate().year
        rows = (
            RegionalRate.objects.filter(kind=self.kind)
            .select_related("region")
            .order_by("-year", "region_id")
        )
        context.update(
            rows=rows.filter(year=year),
            year=year,
            years=sorted(set(rows.values_list("year", flat=True)), reverse=True),
            can_edit=is_province_admin(self.request.user),
            label=self.label,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not is_province_admin(request.user):
            raise PermissionDenied(f"{self.label}只能由省总工会管理员维护。")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            rates.set_rate(
                kind=self.kind,
                region=data["region"],
                year=data["year"],
                monthly=data["monthly"],
                actor=self.request.user,
                note=data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.label}已保存。")
        return HttpResponseRedirect(f"{self.request.path}?year={data['year']}")


class PrintFormsMixin:
    """Printable A4 forms of a case, one view per form: ``forms`` maps ``form_name`` to its
    (template, title); the title goes into the context."""

    forms: dict[str, tuple[str, str]] = {}
    form_name = ""

    def get_template_names(self):
        return [self.forms[self.form_name][0]]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.forms[self.form_name][1]
        return context


def case_context(case, user) -> dict[str, Any]:
    """What the shared partials of a case page need (timeline, actions, attachments, due)."""
    from django.contrib.contenttypes.models import ContentType

    from smartunion.casework.models import CaseEvent

    case_type = case.case_type
    kinds = getattr(type(case), "attachment_kinds", {})
    due = None
    if case.due_on and not case.due_complete:
        due = calendar.add_working_days(case.wait_started_on or case.due_on, case.wait_days or 0)
    events = list(
        CaseEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(case)), object_id=case.pk
        ).order_by("at", "id")
    )
    unions = unions_named(case_type, events)
    for e in events:
        e.to_label = case_type.state(e.to_state).label if e.to_state else ""
        e.details_display = details_display(case_type, e, unions)
    return {
        "case": case,
        "events": events,
        "transitions": [
            (t, t.starts_at(case) if t.starts_at else f"{case.get_absolute_url()}do/{t.name}/")
            for t in case_type.available(case, user)
        ],
        "attachment_list": attachments.attachments_of(case) if kinds else [],
        "attachment_form": AttachmentForm(kinds=kinds) if kinds else None,
        "attachment_kinds": kinds,
        "due_note": due.note if due else "",
        "overdue": case.is_overdue(timezone.localdate()),
        "notice_items": notices.items_of(case) if case_type.publicity else [],
        "today": timezone.localdate(),
    }


# ---- 公示 ----------------------------------------------------------------------------------------


class NoticeListView(ScopedViewMixin, TemplateView):
    template_name = "casework/notices.html"
    nav = "assistance"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = (
            self.visible(Notice)
            .select_related("org")
            .annotate(
                n=Count("items", filter=Q(items__withdrawn=False)),
                open_objections=Count(
                    "items__objections", filter=Q(items__objections__state=ObjectionState.OPEN)
                ),
            )
        )
        state = self.request.GET.get("state", "")
        if state in NoticeState.values:
            rows = rows.filter(state=state)
        page = fetch_page(rows.order_by("-id"), self.request)
        ready = []
        if self.can("change"):
            for kind in notices.subject_kinds():
                count = kind.ready(self.request.user).count()
                if count:
                    ready.append((kind, count))
        context.update(
            p=page,
            notices=page.items,
            state=state,
            states=NoticeState.choices,
            ready=ready,
            today=timezone.localdate(),
        )
        return context


class NoticeCreateForm(forms.Form):
    title = forms.CharField(label="公示标题", max_length=128)
    working_days = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=60)
    contact = forms.CharField(
        label="异议受理方式",
        max_length=200,
        required=False,
        help_text="例如：异议请于公示期内向城关区总工会帮扶中心反映，电话 0931-0000000",
    )
    subjects = forms.MultipleChoiceField(label="公示条目", widget=forms.CheckboxSelectMultiple)


class NoticeCreateView(ScopedViewMixin, FormView):
    """Create a draft 公示 from the records of one kind that wait for it."""

    template_name = "casework/notice_new.html"
    form_class = NoticeCreateForm
    action = "change"
    nav = "assistance"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can("change"):
            raise PermissionDenied("您的账号只有查看权限，不能建立公示。")
        if request.user.is_authenticated and request.GET.get("kind", "") not in {
            k.key for k in notices.subject_kinds()
        }:
            messages.info(request, "请从“待公示”中选择要公示的内容。")
            return redirect("casework:notices")
        return super().dispatch(request, *args, **kwargs)

    def kind(self):
        return notices.subject_kind(self.request.GET.get("kind", ""))

    def ready(self):
        return list(self.kind().ready(self.request.user).select_related("org")[:500])

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        kind = self.kind()
        form.fields["subjects"].choices = [
            (
                str(s.pk),
                f"{kind.describe(s)['name_masked']} · {kind.describe(s)['org_name']} · {kind.describe(s)['category']}",
            )
            for s in self.ready()
        ]
        return form

    def get_initial(self):
        kind = self.kind()
        org = self.request.user.scope_org
        return {
            "title": f"{org.name if org else ''}{kind.label}公示（{timezone.localdate():%Y年%m月}）",
            "working_days": notices.default_days(kind),
            "subjects": [str(s.pk) for s in self.ready()],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind()
        context["org"] = self.request.user.scope_org
        return context

    def form_valid(self, form):
        kind = self.kind()
        ids = [int(i) for i in form.cleaned_data["subjects"]]
        subjects = list(kind.model.objects.filter(pk__in=ids))
        # A notice is published by the user's own union (it covers the records of its subtree).
        org = self.request.user.scope_org
        if org is None:
            form.add_error(None, "请使用有管理范围的工作人员账号发布公示。")
            return self.form_invalid(form)
        try:
            notice = notices.create_notice(
                kind.key,
                org=org,
                subjects=subjects,
                title=form.cleaned_data["title"],
                working_days=form.cleaned_data["working_days"],
                contact=form.cleaned_data["contact"],
                actor=self.request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "公示草稿已建立；核对条目后点击“发布公示”。")
        return redirect("casework:notice", notice_id=notice.pk)


class ObjectionForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    received_on = forms.DateField(
        label="收到日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label="方式", choices=[(c, c) for c in notices.OBJECTION_CHANNELS])
    summary = forms.CharField(
        label="异议内容", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ResolveForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.TypedChoiceField(
        label="处理结论",
        choices=[("0", "异议不成立，维持"), ("1", "异议成立，撤回该条目")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label="处理意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class NoticeDetailView(ScopedViewMixin, TemplateView):
    """A 公示 for the staff: its items, objections and the buttons of its life."""

    template_name = "casework/notice.html"
    nav = "assistance"

    def get_notice(self, action="view") -> Notice:
        return self.get_for_user(
            Notice.objects.select_related("org"),
            self.kwargs["notice_id"],
            action=action,
            what="公示",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = kwargs.get("notice") or self.get_notice()
        items = list(notice.items.prefetch_related("objections").order_by("id"))
        today = timezone.localdate()
        context.update(
            notice=notice,
            items=items,
            kind=_kind_or_none(notice.subject_kind),
            open_objections=sum(
                1 for i in items for o in i.objections.all() if o.state == ObjectionState.OPEN
            ),
            objection_form=kwargs.get("objection_form")
            or ObjectionForm(initial={"received_on": today}),
            resolve_form=kwargs.get("resolve_form") or ResolveForm(),
            can_close=notice.state == NoticeState.PUBLISHED
            and notice.ends_on
            and today > notice.ends_on,
            today=today,
            ends_note=(
                calendar.add_working_days(notice.published_on, notice.working_days).note
                if notice.published_on and not notice.ends_complete
                else ""
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        notice = self.get_notice("change")
        step = request.POST.get("step", "")
        objection_form = resolve_form = None
        try:
            if step == "publish":
                notices.publish_notice(notice, actor=request.user)
                messages.success(request, "公示已发布，公众可在公示页面查看。")
            elif step == "close":
                notices.close_notice(notice, actor=request.user)
                messages.success(request, "公示已结束，无异议的条目已进入下一环节。")
            elif step == "cancel":
                notices.cancel_notice(notice, actor=request.user)
                messages.success(request, "公示草稿已撤销。")
            elif step == "objection":
                objection_form = ObjectionForm(request.POST)
                if objection_form.is_valid():
                    item = NoticeItem.objects.filter(
                        notice=notice, pk=objection_form.cleaned_data["item"]
                    ).first()
                    if item is None:
                        raise Http404("公示条目不存在。")
                    data = objection_form.cleaned_data
                    notices.record_objection(
                        item,
                        actor=request.user,
                        received_on=data["received_on"],
                        channel=data["channel"],
                        summary=data["summary"],
                    )
                    messages.success(request, "异议已登记；处理完毕前公示不能结束。")
                    objection_form = None
            elif step == "resolve":
                resolve_form = ResolveForm(request.POST)
                if resolve_form.is_valid():
                    objection = Objection.objects.filter(
                        item__notice=notice, pk=resolve_form.cleaned_data["objection"]
                    ).first()
                    if objection is None:
                        raise Http404("异议不存在。")
                    notices.resolve_objection(
                        objection,
                        actor=request.user,
                        upheld=resolve_form.cleaned_data["upheld"],
                        resolution=resolve_form.cleaned_data["resolution"],
                    )
                    messages.success(request, "异议已处理。")
                    resolve_form = None
            else:
                messages.error(request, "请选择要办理的操作。")
        except ValidationError as exc:
            target = objection_form if step == "objection" else resolve_form
            if target is not None:
                apply_service_errors(target, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
        if objection_form is None and resolve_form is None:
            return redirect("casework:notice", notice_id=notice.pk)
        context = self.get_context_data(
            notice=self.get_notice(), objection_form=objection_form, resolve_form=resolve_form
        )
        return self.render_to_response(context)


def _kind_or_none(key):
    try:
        return notices.subject_kind(key)
    except ValidationError:
        return None


class PublicNoticeListView(TemplateView):
    """公示栏: the notices being shown now and those of the last months (public)."""

    template_name = "casework/public_notices.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.localdate() - dt.timedelta(days=120)
        context["notices"] = (
            Notice.objects.filter(
                Q(state=NoticeState.PUBLISHED)
                | Q(state=NoticeState.CLOSED, published_on__gte=since)
            )
            .select_related("org")
            .order_by("-published_on", "-id")[:200]
        )
        return context


class PublicNoticeView(TemplateView):
    template_name = "casework/public_notice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = (
            Notice.objects.filter(
                state__in=[NoticeState.PUBLISHED, NoticeState.CLOSED], pk=self.kwargs["notice_id"]
            )
            .select_related("org")
            .first()
        )
        if notice is None:
            raise Http404("公示不存在。")
        context.update(
            notice=notice,
            items=notice.items.filter(withdrawn=False).order_by("id"),
            showing=notice.state == NoticeState.PUBLISHED,
        )
        return context


# ---- reminders ------------------------------------------------------------------------------------


class ReminderListView(ScopedViewMixin, TemplateView):
    template_name = "casework/reminders.html"
    nav = "home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.visible(Reminder).select_related("org", "content_type")
        page = fetch_page(rows.order_by("-due_on", "-id"), self.request)
        for r in page.items:
            model = r.content_type.model_class()
            r.url = model.url_of(r.object_id) if model else ""
        context.update(p=page, reminders=page.items)
        return context


# ---- configuration: calendar, deadlines, caps -------------------------------------------------------


def is_province_admin(user) -> bool:
    return user.is_superuser or (
        user.can("change") and bool(user.scope_org_id) and user.scope_org.parent_id is None
    )


class CalendarForm(forms.Form):
    holidays = forms.CharField(
        label="放假日期",
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text="每行一个日期和节日，例如：2027-01-01 元旦",
    )
    workdays = forms.CharField(
        label="调休上班日期（周末上班）",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="每行一个日期，例如：2027-02-07 春节",
    )
    note = forms.CharField(
        label="依据", max_length=200, required=False, help_text="例如：国办发明电〔2026〕×号"
    )

    def _parse(self, name) -> dict[dt.date, str]:
        out = {}
        for number, line in enumerate(self.cleaned_data.get(name, "").splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            day, _, label = line.partition(" ")
            try:
                out[dt.date.fromisoformat(day.strip())] = label.strip()[:32]
            except ValueError:
                raise forms.ValidationError(
                    {name: f"第{number}行的日期不正确（格式：2027-01-01 元旦）。"}
                ) from None
        return out

    def clean(self):
        data = super().clean()
        data["holiday_days"] = self._parse("holidays")
        data["work_days"] = self._parse("workdays")
        return data


class CalendarView(ScopedViewMixin, FormView):
    """工作日历: each year's arrangement; the province admin enters the years to come."""

    template_name = "casework/calendar.html"
    form_class = CalendarForm
    nav = "assistance"

    def year(self) -> int:
        raw = self.request.GET.get("year") or self.request.POST.get("year") or ""
        today = timezone.localdate()
        try:
            year = int(raw)
        except ValueError:
            year = today.year + 1 if today.month >= 11 else today.year
        return min(max(year, 2004), today.year + 2)

    def get_initial(self):
        year = self.year()
        days = CalendarDay.objects.filter(day__year=year).order_by("day")
        return {
            "holidays": "\n".join(f"{d.day} {d.name}" for d in days if d.kind == DayKind.HOLIDAY),
            "workdays": "\n".join(f"{d.day} {d.name}" for d in days if d.kind == DayKind.WORKDAY),
            "note": getattr(CalendarYear.objects.filter(year=year).first(), "note", ""),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.year()
        context.update(
            year=year,
            years=CalendarYear.objects.order_by("-year")[:30],
            row=CalendarYear.objects.filter(year=year).first(),
            can_edit=is_province_admin(self.request.user),
            today=timezone.localdate(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not is_province_admin(request.user):
            raise PermissionDenied("节假日安排只能由省总工会管理员维护。")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        year = self.year()
        try:
            services.save_calendar_year(
                year,
                holidays=form.cleaned_data["holiday_days"],
                workdays=form.cleaned_data["work_days"],
                actor=self.request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, f"{year}年节假日安排已保存；按周一至周五估算的期限已重新计算。"
        )
        return HttpResponseRedirect(f"{reverse('casework:calendar')}?year={year}")


class DeadlinesView(ScopedViewMixin, TemplateView):
    """办理时限: the working days of every waiting step, per case type (province admins edit)."""

    template_name = "casework/deadlines.html"
    nav = "assistance"

    def rows(self):
        saved = {(d.case_kind, d.step): d.working_days for d in Deadline.objects.all()}
        out = []
        for model in case_models():
            ct = model.case_type
            for state in ct.waiting_states():
                steps = ct.deadline_steps.get(state.name) or ((state.name, "", state.wait),)
                for step, variant, default in steps:
                    label = f"{state.label}（{variant}）" if variant else state.label
                    out.append((ct, step, label, saved.get((ct.key, step), default), default))
            if ct.publicity:
                out.append(
                    (
                        ct,
                        "publicity",
                        "公示期",
                        saved.get((ct.key, "publicity"), notices.DEFAULT_DAYS),
                        notices.DEFAULT_DAYS,
                    )
                )
        return out

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rows=self.rows(), can_edit=is_province_admin(self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        if not is_province_admin(request.user):
            raise PermissionDenied("办理时限只能由省总工会管理员维护。")
        changed = []
        errors = []
        for ct, step, label, current, _default in self.rows():
            raw = request.POST.get(f"{ct.key}:{step}", "")
            try:
                days = int(raw)
            except ValueError:
                errors.append(f"{ct.label}·{label}：应为整数。")
                continue
            if not 1 <= days <= 365:
                errors.append(f"{ct.label}·{label}：应为1至365个工作日。")
                continue
            if days != current:
                changed.append((ct, step, label, current, days))
        if errors:
            for e in errors:
                messages.error(request, e)
            return redirect("casework:deadlines")
        name = clerk_label(request.user)
        for ct, step, _label, current, days in changed:
            Deadline.objects.update_or_create(
                case_kind=ct.key,
                step=step,
                defaults={"working_days": days, "updated_by_name": name},
            )
            audit.record(
                request.user,
                "deadline.set",
                object_type="casework.deadline",
                object_id=f"{ct.key}:{step}",
                changes={"working_days": [current, days]},
            )
        messages.success(
            request, f"已保存 {len(changed)} 项办理时限（新的时限从下一个环节开始适用）。"
        )
        return redirect("casework:deadlines")


class CapsView(ScopedViewMixin, TemplateView):
    """资助封顶标准: per purpose, per payment and per person per year (province admins)."""

    template_name = "casework/caps.html"
    nav = "assistance"
    purposes: dict[str, str] = {}

    @classmethod
    def purpose_labels(cls) -> dict[str, str]:
        labels = {}
        for model in case_models():
            labels.update(getattr(model, "payment_purposes", {}))
        return labels

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        caps = {c.purpose: c for c in Cap.objects.all()}
        context.update(
            rows=[(code, label, caps.get(code)) for code, label in self.purpose_labels().items()],
            can_edit=is_province_admin(self.request.user),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not is_province_admin(request.user):
            raise PermissionDenied("资助封顶标准只能由省总工会管理员维护。")
        values = {}
        for code, label in self.purpose_labels().items():
            pair = []
            for part, part_label in (("per_payment", "每次最高"), ("per_year", "每人每年最高")):
                raw = request.POST.get(f"{code}:{part}", "").strip()
                if not raw:
                    pair.append(None)
                    continue
                try:
                    pair.append(money.parse_amount(raw, label=f"{label}{part_label}"))
                except ValidationError as exc:
                    messages.error(request, exc.messages[0])
                    return redirect("casework:caps")
            if pair[0] and pair[1] and pair[0] > pair[1]:
                messages.error(request, f"{label}：每次最高不能超过每人每年最高。")
                return redirect("casework:caps")
            values[code] = pair
        name = clerk_label(request.user)
        for code, (per_payment, per_year) in values.items():
            before = Cap.objects.filter(purpose=code).first()
            if per_payment is None and per_year is None:
                if before:
                    before.delete()
                continue
            Cap.objects.update_or_create(
                purpose=code,
                defaults={
                    "per_payment": per_payment,
                    "per_year": per_year,
                    "updated_by_name": name,
                },
            )
            if not before or (before.per_payment, before.per_year) != (per_payment, per_year):
                audit.record(
                    request.user,
                    "cap.set",
                    object_type="casework.cap",
                    object_id=code,
                    changes={"per_payment": str(per_payment), "per_year": str(per_year)},
                )
        messages.success(request, "封顶标准已保存。")
        return redirect("casework:caps")


class LedgerView(ScopedViewMixin, TemplateView):
    """资金台账: every payment of the user's subtree, with totals by fund source."""

    template_name = "casework/ledger.html"
    nav = "assistance"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
        except ValueError:
            year = today.year
        year = min(max(year, 2000), today.year)
        rows = self.visible(LedgerLine).filter(year=year)
        fund = self.request.GET.get("fund_source", "")
        if fund in FundSource.values:
            rows = rows.filter(fund_source=fund)
        purposes = CapsView.purpose_labels()
        purpose = self.request.GET.get("purpose", "")
        if purpose in purposes:
            rows = rows.filter(purpose=purpose)
        totals = [
            (FundSource(r["fund_source"]).label, r["n"], r["total"] or Decimal("0"))
            for r in rows.values("fund_source")
            .annotate(n=Count("id"), total=Sum("amount"))
            .order_by("fund_source")
        ]
        page = fetch_page(rows.select_related("org").order_by("-paid_on", "-id"), self.request)
        for line in page.items:
            line.purpose_label = purposes.get(line.purpose, line.purpose)
        context.update(
            p=page,
            lines=page.items,
            totals=totals,
            grand_total=sum((t[2] for t in totals), Decimal("0")),
            year=year,
            years=range(today.year, 2019, -1),
            fund=fund,
            funds=FundSource.choices,
            purpose=purpose,
            purposes=purposes.items(),
            max_amount=MAX_AMOUNT,
        )
        return context
