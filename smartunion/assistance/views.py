"""帮扶 pages: hardship files (list, new, edit, the file, payments, print forms, export),
the 低保 standards, the four campaigns and 金秋助学 applications.

The shared parts of a case page (its timeline, the buttons of its transitions, attachments,
its deadline) come from casework (``casework.views.case_context`` and the partials in
``templates/casework/``); every write is a service call.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from smartunion.assistance import campaigns as campaign_services
from smartunion.assistance import forms, services, student_aid
from smartunion.assistance.codes import (
    AidType,
    CampaignKind,
    Category,
    Cause,
    Relation,
    TargetGroup,
)
from smartunion.assistance.home import not_rechecked
from smartunion.assistance.models import (
    Campaign,
    CampaignLine,
    HardshipFile,
    LineState,
    Rules,
    StudentAid,
)
from smartunion.assistance.rules import DIBAO
from smartunion.casework import money, spawn
from smartunion.casework.models import LedgerLine
from smartunion.casework.views import (
    PrintFormsMixin,
    RegionalRatesView,
    attachments_context,
    case_context,
    filter_cases,
)
from smartunion.core import audit
from smartunion.core.forms import apply_service_errors
from smartunion.core.views_mixins import ChangeViewMixin, ScopedViewMixin, fetch_page
from smartunion.imports import exports
from smartunion.orgs.models import Organization
from smartunion.orgs.views import OrgPickerMixin

PAGE_SIZE = 30


class AssistanceMixin(ChangeViewMixin, ScopedViewMixin):
    nav = "assistance"

    def get_file(self, action: str | None = None) -> HardshipFile:
        if not hasattr(self, "_file"):
            self._file = self.get_for_user(
                HardshipFile.objects.select_related("org", "head", "region", "responsible_org"),
                self.kwargs["file_id"],
                action=action,
                what="困难职工档案",
            )
        return self._file


# ---- the list of files ----------------------------------------------------------------------------

LISTS = {
    "": "全部档案",
    "waiting": "待我办理",
    "overdue": "逾期未办",
    "in_file": "在档",
    "not_rechecked": "一年未复核",
    "never_aided": "从未帮扶",
    "closed": "已退出（脱困、解困、注销）",
}


def filter_files(rows, params: dict[str, str], user):
    """The file list's filters (the page, its export and the API share them): casework's
    (``filter_cases``: waiting, overdue, state, union) and the files' own lists and codes."""
    today = timezone.localdate()
    rows, which = filter_cases(rows, params, user)
    if which == "in_file":
        rows = rows.filter(state="in_file")
    elif which == "not_rechecked":
        rows = not_rechecked(rows, today)
    elif which == "never_aided":
        from django.contrib.contenttypes.models import ContentType

        paid = LedgerLine.objects.filter(
            content_type=ContentType.objects.get_for_model(HardshipFile), object_id=OuterRef("pk")
        )
        rows = rows.filter(state="in_file").exclude(Exists(paid))
    elif which == "closed":
        rows = rows.filter(state__in=services.CLOSED_STATES)
    category = params.get("category", "")
    if category in Category.values:
        rows = rows.filter(category=category)
    cause = params.get("cause", "")
    if cause in Cause.values:
        rows = rows.filter(main_cause=cause)
    q = (params.get("q") or "").strip()[:32]
    if q:
        rows = rows.filter(Q(head__name__startswith=q) | Q(number=q))
    return rows


class FileListView(AssistanceMixin, TemplateView):
    """困难职工档案: the lists staff work from."""

    template_name = "assistance/files.html"

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in ("xlsx", "csv"):
            return export_files(request, file_format)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.dict()
        rows = filter_files(self.visible(HardshipFile), params, self.request.user)
        rows = rows.select_related("org", "head", "responsible_org").order_by("-id")
        page = fetch_page(rows, self.request, page_size=PAGE_SIZE)
        query = {k: v for k, v in params.items() if k not in ("page", "export")}
        context.update(
            p=page,
            files=page.items,
            params=params,
            lists=LISTS.items(),
            current_list=params.get("list", "")
            or ("waiting" if params.get("waiting") else "overdue" if params.get("overdue") else ""),
            categories=Category.choices,
            causes=Cause.choices,
            states=HardshipFile.case_type.state_choices(),
            today=timezone.localdate(),
            export_urls={f: f"?{urlencode({**query, 'export': f})}" for f in ("xlsx", "csv")},
            pii_export_urls={
                f: f"?{urlencode({**query, 'export': f, 'pii': '1'})}" for f in ("xlsx", "csv")
            }
            if self.can("export_pii")
            else {},
        )
        return context


#: The columns of the national 困难职工档案表 (SERVICES.md §1.4), in its order.
FILE_COLUMNS = [
    "档案编号",
    "困难类别",
    "建档标准",
    "姓名",
    "民族",
    "性别",
    "政治面貌",
    "身份证号",
    "出生日期",
    "健康状况",
    "疾病类别",
    "残疾类别",
    "工作状态/身份",
    "劳模类型",
    "住房类型",
    "建筑面积",
    "手机号码",
    "参加工作时间",
    "婚姻状况",
    "户口类型",
    "家庭住址",
    "工作单位",
    "是否单亲",
    "本人月平均收入",
    "家庭其他非薪资年收入",
    "家庭年度总收入",
    "家庭人口",
    "家庭月人均收入",
    "年度刚性支出",
    "户口所在地行政区划",
    "医保状况",
    "是否有一定自救能力",
    "是否为零就业家庭",
    "主要致困原因",
    "次要致困原因",
    "其他（文字描述）",
    "开户银行",
    "支行名称",
    "银行卡号",
    "备注",
    "建档工会",
    "建档日期",
    "档案状态",
]
FAMILY_GROUPS = 5
FAMILY_COLUMNS = [
    "姓名",
    "关系",
    "身份证号",
    "月收入",
    "健康状况",
    "人员身份",
    "当前学历",
    "单位或学校",
]


def export_files(request, file_format: str) -> HttpResponse:
    """导出: the filtered list in the 档案表's column order (masked unless permitted), audited."""
    user = request.user
    with_pii = request.GET.get("pii") == "1"
    if with_pii and not user.can("export_pii"):
        raise PermissionDenied("您的账号没有导出个人信息的权限。")
    rows = filter_files(HardshipFile.objects.visible_to(user), request.GET.dict(), user)
    rows = rows.select_related("org", "head", "region").prefetch_related("members").order_by("id")
    headers = list(FILE_COLUMNS)
    for i in range(1, FAMILY_GROUPS + 1):
        headers += [f"家庭成员{i}{c}" for c in FAMILY_COLUMNS]

    def lines():
        for f in rows.iterator(chunk_size=500):
            head = next((m for m in f.members.all() if m.relation == Relation.SELF), None)
            person = f.head
            row = [
                f.number,
                f.get_category_display() or f.get_legacy_category_display(),
                f.get_filing_level_display(),
                person.name,
                person.get_ethnicity_display(),
                person.get_gender_display(),
                person.get_political_status_display(),
                (head.id_number if with_pii else head.id_masked) if head else "",
                (str(person.birth_date) if with_pii else person.birth_masked),
                head.get_health_display() if head else "",
                head.disease if head else "",
                head.get_disability_display() if head else "",
                f.get_work_status_display(),
                f.get_model_worker_type_display(),
                f.get_housing_display(),
                f.get_housing_area_display(),
                (person.phone if with_pii else person.phone_masked),
                str(f.work_since or ""),
                f.get_marital_status_display(),
                f.get_hukou_kind_display(),
                f.address,
                f.employer,
                "是" if f.single_parent else "否",
                str(head.monthly_income if head else ""),
                str(f.other_annual_income),
                str(f.annual_income),
                f.household_size,
                str(f.per_capita_monthly),
                str(f.annual_rigid_expenses),
                f.region_id,
                head.get_medical_insurance_display() if head else "",
                "是" if f.self_reliant else "否",
                "是" if f.zero_employment else "否",
                f.get_main_cause_display(),
                "、".join(Cause(c).label for c in f.secondary_causes),
                f.cause_note,
                f.bank_name,
                f.bank_branch,
                f.bank_card if with_pii else f.bank_card_masked,
                f.note,
                f.org.name,
                str(f.filed_on or ""),
                f.state_label,
            ]
            family = [m for m in f.members.all() if m.relation != Relation.SELF][:FAMILY_GROUPS]
            for m in family:
                row += [
                    m.name,
                    m.get_relation_display(),
                    m.id_number if with_pii else m.id_masked,
                    str(m.monthly_income),
                    m.get_health_display(),
                    m.get_identity_display(),
                    m.get_school_level_display(),
                    m.school_or_employer,
                ]
            row += [""] * (len(headers) - len(row))
            yield row

    org = (
        user.scope_org
        if user.scope_org_id
        else Organization.objects.filter(parent__isnull=True).first()
    )
    spec = exports.ExportSpec(
        kind="hardship_files", org_id=org.pk if org else None, with_pii=with_pii
    )
    export = exports.Export(
        title="困难职工档案（全国档案表格式）",
        headers=headers,
        rows=lines(),
        stem=f"困难职工档案_{timezone.localdate():%Y%m%d}",
        user=user,
        with_pii=with_pii,
        spec=spec,
        sheet_name="困难职工档案",
        org=org,
        sources=[rows],
    )
    try:
        exports.check_web_download(export, file_format)
    except exports.ExportTooLarge as exc:
        messages.error(request, f"{exc} 请缩小筛选范围或导出 CSV。")
        return redirect("assistance:files")
    exports.audit_export(export, file_format, searched=bool(request.GET.get("q")))
    return exports.download(export, file_format)


# ---- a file: new, edit, view ------------------------------------------------------------------------


class FileFormMixin(AssistanceMixin):
    """The file form and its household table (the head, then up to 29 family members)."""

    template_name = "assistance/file_form.html"
    action = "change"

    def forms(
        self,
        data=None,
        initial=None,
        head_initial=None,
        family_initial=None,
        editing=False,
        masked="",
    ):
        form = forms.FileForm(data, initial=initial, editing=editing, bank_card_masked=masked)
        head = forms.MemberForm(data, prefix="head", initial=head_initial, head=True)
        extra = 3 if data is None else 0
        family = forms.FamilyFormSet(
            data,
            prefix="family",
            initial=(family_initial or []) + ([{}] * extra if data is None else []),
        )
        return form, head, family

    def file_data(self, form, head, family) -> services.FileData:
        def member(f, relation=None) -> services.MemberData:
            d = f.cleaned_data
            return services.MemberData(
                name=d.get("name", ""),
                id_number=d.get("id_number", ""),
                relation=relation or d.get("relation", ""),
                monthly_income=d.get("monthly_income") or "0",
                health=d.get("health") or "01",
                disease=d.get("disease", ""),
                disability=d.get("disability", ""),
                disability_grade=d.get("disability_grade", ""),
                medical_insurance=d.get("medical_insurance") or "2",
                identity=d.get("identity") or "other",
                school_level=d.get("school_level", ""),
                school_or_employer=d.get("school_or_employer", ""),
            )

        self.family_rows = [
            f
            for f in family.forms
            if f.cleaned_data and (f.cleaned_data.get("name") or f.cleaned_data.get("id_number"))
        ]
        card = form.cleaned_data.get("bank_card", "")
        return services.FileData(
            values=form.service_values(),
            head=member(head, Relation.SELF),
            family=[member(f) for f in self.family_rows],
            region=form.cleaned_data.get("region", ""),
            bank_card=card if card or not getattr(self, "editing", False) else None,
        )

    def apply_errors(self, exc: ValidationError, form, head, family) -> None:
        """Service errors onto the form, the head or the family row they name."""
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            if key.startswith("members."):
                _, index, *field = key.split(".")
                index = int(index)
                field = field[0] if field else None
                target = (
                    head
                    if index == 0
                    else (
                        self.family_rows[index - 1] if index - 1 < len(self.family_rows) else None
                    )
                )
                if target is not None and field in target.fields:
                    target.add_error(field, errors)
                    continue
                form.add_error(None, errors)
            elif key in form.fields:
                form.add_error(key, errors)
            else:
                form.add_error(None, errors)

    def render_forms(self, form, head, family, **extra):
        return self.render_to_response(
            self.get_context_data(form=form, head=head, family=family, **extra)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("rules", Rules.current())
        return context


class FileCreateView(OrgPickerMixin, FileFormMixin, TemplateView):
    """新建困难职工档案. Opened from another case (``?from=request-12``: a service request
    转为困难帮扶, ``casework.spawn``), it starts with what that case knows of the worker —
    name, ID number and phone (masked), union, employer, what they asked — and links the new
    file to it when saved, in the same transaction."""

    picker_field = "org"

    def spawn(self):
        if not hasattr(self, "_spawn"):
            named = self.request.POST.get("from") or self.request.GET.get("from")
            self._spawn = spawn.spawn_from(named, self.request.user)
        return self._spawn

    def default_org(self, facts=None):
        wanted = self.request.GET.get("org", "")
        if wanted.isdigit():
            return self.get_org(int(wanted), action="change")
        if facts and facts.get("org_id"):
            org = self.visible(Organization, "change").filter(pk=facts["org_id"]).first()
            if org is not None:
                return org
        return self.request.user.scope_org

    def get(self, request, *args, **kwargs):
        source, facts = self.spawn(), None
        if source is not None:
            try:
                facts = source.prefill(HardshipFile.case_type.key, request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
                return redirect(source.case.get_absolute_url())
        org = self.default_org(facts)
        initial, head_initial = {"org": org.pk if org else None}, None
        if facts:
            initial.update(employer=facts["employer"][:128], cause_note=facts["reason"][:500])
            head_initial = {
                "name": facts["name"],
                "id_number": facts["id_number"],
                "phone": facts["phone"],
                "school_or_employer": facts["employer"][:128],
            }
        form, head, family = self.forms(initial=initial, head_initial=head_initial)
        return self.render_forms(form, head, family)

    def post(self, request, *args, **kwargs):
        source = self.spawn()
        form, head, family = self.forms(request.POST)
        valid = all([form.is_valid(), head.is_valid(), family.is_valid()])
        org = None
        raw = request.POST.get("org", "")
        if raw.isdigit():
            org = self.visible(Organization, "change").filter(pk=int(raw)).first()
        if org is None:
            form.add_error(None, "请选择建档工会（困难职工会籍所在的工会）。")
            valid = False
        if valid:
            data = self.file_data(form, head, family)
            phone = head.cleaned_data.get("phone", "")
            if source is not None:
                data.head.id_number = source.unmask("id_number", data.head.id_number)
                phone = source.unmask("phone", phone)
            try:
                with transaction.atomic():
                    file = services.create_file(data, org, actor=request.user, head_phone=phone)
                    if source is not None:
                        spawn.link(source, file, actor=request.user)
            except ValidationError as exc:
                self.apply_errors(exc, form, head, family)
            else:
                messages.success(
                    request, f"已建立档案 {file.number}（草稿）；上传申请书等材料后提交初审。"
                )
                return redirect("assistance:file", file_id=file.pk)
        return self.render_forms(form, head, family)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is not None:
            context.update(self.picker_context(form, None))
        source = self.spawn()
        context["spawn"] = source
        context["title"] = "新建困难职工档案" + (
            f"（由{source.source.what} {source.case.number} 转来）" if source else ""
        )
        return context


def _member_initial(m) -> dict:
    return {
        "name": m.name,
        "id_number": m.id_masked,
        "relation": m.relation,
        "monthly_income": m.monthly_income,
        "health": m.health,
        "disease": m.disease,
        "disability": m.disability,
        "disability_grade": m.disability_grade,
        "medical_insurance": m.medical_insurance,
        "identity": m.identity,
        "school_level": m.school_level,
        "school_or_employer": m.school_or_employer,
    }


class FileEditView(FileFormMixin, TemplateView):
    """修改档案 (草稿, 退回补正, 在档). ID numbers show masked; a masked number kept as it is
    keeps the stored one."""

    editing = True

    def initial(self, file):
        members = file.members_in_order()
        values = {
            k: getattr(file, k)
            for k in services.FILE_FIELDS
            if k not in ("exclusions", "secondary_causes")
        }
        values.update(region=file.region_id, secondary_causes=file.secondary_causes, bank_card="")
        for code, answer in file.exclusions.items():
            values[f"exclusion_{code}"] = "1" if answer else "0"
        return values, _member_initial(members[0]), [_member_initial(m) for m in members[1:]]

    def get(self, request, *args, **kwargs):
        file = self.get_file("change")
        values, head_initial, family_initial = self.initial(file)
        form, head, family = self.forms(
            initial=values,
            head_initial=head_initial,
            family_initial=family_initial,
            editing=True,
            masked=file.bank_card_masked,
        )
        return self.render_forms(form, head, family)

    def _unmask(self, file, data: services.FileData) -> services.FileData:
        """A member's number left masked means the stored one (matched by position and name)."""
        stored = file.members_in_order()
        by_masked = {(m.id_masked, m.name): m.id_number for m in stored}
        for member in [data.head, *data.family]:
            key = (member.id_number, member.name.strip())
            if "*" in member.id_number and key in by_masked:
                member.id_number = by_masked[key]
        return data

    def post(self, request, *args, **kwargs):
        file = self.get_file("change")
        form, head, family = self.forms(request.POST, editing=True, masked=file.bank_card_masked)
        if all([form.is_valid(), head.is_valid(), family.is_valid()]):
            try:
                services.update_file(
                    file, self._unmask(file, self.file_data(form, head, family)), actor=request.user
                )
            except ValidationError as exc:
                self.apply_errors(exc, form, head, family)
            else:
                messages.success(request, "档案已修改，困难类别已按新的信息重新测算。")
                return redirect("assistance:file", file_id=file.pk)
        return self.render_forms(form, head, family)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(file=self.get_file(), title=f"修改档案 {self.get_file().number}")
        return context


class FileDetailView(AssistanceMixin, TemplateView):
    template_name = "assistance/file.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        file = self.get_file()
        context.update(case_context(file, self.request.user))
        payments = list(money.lines_of(file).order_by("-paid_on", "-id")[:100])
        for line in payments:
            line.purpose_label = (
                AidType(line.purpose).label if line.purpose in AidType.values else line.purpose
            )
        year = timezone.localdate().year
        context.update(
            file=file,
            members=file.members_in_order(),
            payments=payments,
            paid_this_year=sum((p.amount for p in payments if p.year == year), Decimal("0")),
            can_pay=file.state == "in_file" and self.can("change"),
            can_edit=file.state in services.EDITABLE_STATES and self.can("change"),
            exclusions=_exclusion_answers(file),
            secondary=[Cause(c).label for c in file.secondary_causes],
            student_aids=file.student_aids.select_related("campaign").order_by("-id"),
            can_reveal=self.can("reveal_pii"),
            rules=Rules.current(),
        )
        return context


def _exclusion_answers(file) -> list[tuple[str, bool | None]]:
    from smartunion.assistance.models import ExclusionItem

    return [
        (i.text, file.exclusions.get(i.code))
        for i in ExclusionItem.objects.filter(Q(active=True) | Q(code__in=list(file.exclusions)))
    ]


class PaymentCreateView(AssistanceMixin, FormView):
    """帮扶发放: record one aid payment to an in-file household."""

    template_name = "assistance/payment_form.html"
    form_class = forms.PaymentForm
    action = "change"

    def get_initial(self):
        return {"paid_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        file = self.get_file()
        year = timezone.localdate().year
        beneficiary = services.beneficiary_of(file)
        context.update(
            file=file,
            year=year,
            totals=[
                (AidType(p).label, money.year_total(beneficiary.id_hash, year, p))
                for p in AidType.values
                if money.year_total(beneficiary.id_hash, year, p)
            ],
        )
        return context

    def form_valid(self, form):
        file = self.get_file()
        data = form.cleaned_data
        try:
            services.record_payment(
                file,
                actor=self.request.user,
                amount=data["amount"],
                aid_type=data["aid_type"],
                fund_source=data["fund_source"],
                paid_on=data["paid_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, f"已记录发放 {money.yuan(money.parse_amount(data['amount']))} 元。"
        )
        return redirect("assistance:file", file_id=file.pk)


class FilePrintView(PrintFormsMixin, AssistanceMixin, TemplateView):
    """Printable A4 forms: the national 档案表, the application and the authorization letter.

    With the reveal_pii right the numbers are printed in full (for the signed paper archive)
    and the print is audited; otherwise masked."""

    forms = {
        "dangan": ("assistance/print_dangan.html", "困难职工档案表"),
        "application": ("assistance/print_application.html", "困难职工帮扶申请书"),
        "authorization": ("assistance/print_authorization.html", "家庭经济状况核对授权书"),
    }
    form_name = "dangan"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        file = self.get_file()
        full = self.request.GET.get("full") == "1" and self.can("reveal_pii")
        if full:
            audit.record(
                self.request.user, "assistance.print_full", file, changes={"form": self.form_name}
            )
        from smartunion.casework.notices import items_of

        item = items_of(file).order_by("-id").first()
        notice_line = ""
        if item is not None and item.notice.published_on:
            outcome = (
                "异议成立，撤回"
                if item.withdrawn
                else ("无异议" if item.notice.state == "closed" else "公示中")
            )
            notice_line = f"{item.notice.published_on:%Y-%m-%d} 至 {item.notice.ends_on:%Y-%m-%d} 公示，{outcome}"
        context.update(
            case=file,
            file=file,
            members=file.members_in_order(),
            full=full,
            can_reveal=self.can("reveal_pii"),
            notice_line=notice_line,
            secondary=[Cause(c).label for c in file.secondary_causes],
            exclusions=_exclusion_answers(file),
            today=timezone.localdate(),
        )
        return context


# ---- standards and rules ---------------------------------------------------------------------------


class StandardsView(AssistanceMixin, RegionalRatesView):
    """低保标准: by region and year; the province admin enters them."""

    template_name = "assistance/standards.html"
    kind = DIBAO
    label = "低保标准"
    monthly_label = "城市低保标准（元/人·月）"


# ---- campaigns ---------------------------------------------------------------------------------------


class CampaignMixin(AssistanceMixin):
    def get_campaign(self, action: str | None = None) -> Campaign:
        if not hasattr(self, "_campaign"):
            self._campaign = self.get_for_user(
                Campaign.objects.select_related("org"),
                self.kwargs["campaign_id"],
                action=action,
                what="活动",
            )
        return self._campaign


class CampaignListView(CampaignMixin, TemplateView):
    template_name = "assistance/campaigns.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = (
            self.visible(Campaign)
            .select_related("org")
            .annotate(
                people=Count("lines", filter=~Q(lines__state=LineState.REMOVED)),
                paid=Sum("lines__amount", filter=Q(lines__state=LineState.PAID)),
            )
        )
        kind = self.request.GET.get("kind", "")
        if kind in CampaignKind.values:
            rows = rows.filter(kind=kind)
        year = self.request.GET.get("year", "")
        if year.isdigit():
            rows = rows.filter(year=int(year))
        page = fetch_page(
            rows.order_by("-year", "-starts_on", "-id"), self.request, page_size=PAGE_SIZE
        )
        context.update(
            p=page, campaigns=page.items, kinds=CampaignKind.choices, kind=kind, year=year
        )
        return context


class CampaignFormView(CampaignMixin, FormView):
    template_name = "assistance/campaign_form.html"
    form_class = forms.CampaignForm
    action = "change"

    def get_initial(self):
        today = timezone.localdate()
        if "campaign_id" in self.kwargs:
            c = self.get_campaign("change")
            initial = {
                k: getattr(c, k)
                for k in (
                    "kind",
                    "title",
                    "year",
                    "starts_on",
                    "ends_on",
                    "budget",
                    "target_groups",
                    "summary",
                )
            }
            initial.update({f"fund_{f.fund_source}": f.amount for f in c.funds.all()})
            return initial
        return {
            "year": today.year,
            "starts_on": today,
            "ends_on": today + dt.timedelta(days=30),
            "kind": self.request.GET.get("kind", ""),
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "campaign_id" in self.kwargs:
            form.fields["kind"].disabled = True
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaign"] = self.get_campaign() if "campaign_id" in self.kwargs else None
        return context

    def form_valid(self, form):
        try:
            if "campaign_id" in self.kwargs:
                campaign = campaign_services.update_campaign(
                    self.get_campaign("change"),
                    form.values(),
                    actor=self.request.user,
                    funds=form.funds(),
                )
            else:
                org = self.request.user.scope_org
                if org is None:
                    raise ValidationError("请使用有管理范围的工作人员账号建立活动。")
                campaign = campaign_services.create_campaign(
                    form.values(), org, actor=self.request.user, funds=form.funds()
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "活动已保存。")
        return redirect("assistance:campaign", campaign_id=campaign.pk)


class CampaignDetailView(CampaignMixin, TemplateView):
    template_name = "assistance/campaign.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.get_campaign()
        lines = CampaignLine.objects.filter(campaign=campaign).select_related("hardship_file")
        state = self.request.GET.get("state", "")
        if state in LineState.values:
            lines = lines.filter(state=state)
        else:
            lines = lines.live()
        page = fetch_page(lines.order_by("id"), self.request, page_size=50)
        figures = campaign_services.figures(campaign)
        context.update(
            campaign=campaign,
            p=page,
            lines=page.items,
            state=state,
            line_states=LineState.choices,
            figures=figures,
            by_group=[(TargetGroup(code).label, n) for code, n in sorted(figures.by_group.items())],
            funds=campaign.funds.all(),
            line_form=kwargs.get("line_form") or forms.LineForm(),
            roster_form=kwargs.get("roster_form")
            or forms.RosterForm(sources=campaign_services.ROSTER_SOURCES),
            pay_form=kwargs.get("pay_form")
            or forms.PayLinesForm(initial={"paid_on": timezone.localdate()}),
            approved=CampaignLine.objects.filter(
                campaign=campaign, state=LineState.APPROVED, form="cash"
            ).count(),
            proposed=CampaignLine.objects.filter(
                campaign=campaign, state=LineState.PROPOSED, form="cash"
            ).count(),
            student_aids=campaign.student_aids.select_related("household_file__org").order_by(
                "-id"
            )[:100]
            if campaign.kind == CampaignKind.AUTUMN
            else [],
            is_autumn=campaign.kind == CampaignKind.AUTUMN,
            can_export_pii=self.can("export_pii"),
            sites=campaign.sites.all(),
            **attachments_context(campaign),
        )
        return context

    def post(self, request, *args, **kwargs):
        campaign = self.get_campaign("change")
        step = request.POST.get("step", "")
        extra = {}
        try:
            if step == "line":
                form = forms.LineForm(request.POST)
                extra["line_form"] = form
                if form.is_valid():
                    d = form.cleaned_data
                    campaign_services.add_line(
                        campaign,
                        campaign_services.LineData(
                            name=d["name"],
                            id_number=d["id_number"],
                            group=d["group"],
                            form=d["form"],
                            amount=d["amount"] or None,
                            goods=d["goods"],
                            goods_value=d["goods_value"] or None,
                            unit=d["unit"],
                            bank_name=d["bank_name"],
                            bank_card=d["bank_card"],
                        ),
                        actor=request.user,
                    )
                    messages.success(request, f"已加入名单：{d['name']}。")
                    return redirect("assistance:campaign", campaign_id=campaign.pk)
            elif step == "roster":
                form = forms.RosterForm(request.POST, sources=campaign_services.ROSTER_SOURCES)
                extra["roster_form"] = form
                if form.is_valid():
                    d = form.cleaned_data
                    added = campaign_services.build_roster(
                        campaign,
                        d["source"],
                        actor=request.user,
                        amount=d["amount"] or None,
                        form=d["form"],
                        goods=d["goods"],
                    )
                    messages.success(
                        request,
                        f"已按“{campaign_services.ROSTER_SOURCES[d['source']]}”加入 {added} 人（已在名单中的不重复加入）。",
                    )
                    return redirect("assistance:campaign", campaign_id=campaign.pk)
            elif step == "pay":
                form = forms.PayLinesForm(request.POST)
                extra["pay_form"] = form
                if form.is_valid():
                    n = campaign_services.pay_lines(
                        campaign,
                        actor=request.user,
                        fund_source=form.cleaned_data["fund_source"],
                        paid_on=form.cleaned_data["paid_on"],
                    )
                    messages.success(request, f"已记录 {n} 人的发放，并记入资金台账。")
                    return redirect("assistance:campaign", campaign_id=campaign.pk)
            elif step == "remove":
                line = CampaignLine.objects.filter(
                    campaign=campaign,
                    pk=request.POST.get("line", "0")
                    if request.POST.get("line", "").isdigit()
                    else 0,
                ).first()
                if line is None:
                    raise Http404("名单明细不存在。")
                campaign_services.remove_line(
                    line, actor=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, f"已将 {line.name} 移出名单。")
                return redirect("assistance:campaign", campaign_id=campaign.pk)
            else:
                messages.error(request, "请选择要办理的操作。")
                return redirect("assistance:campaign", campaign_id=campaign.pk)
        except ValidationError as exc:
            target = next(iter(extra.values()), None)
            if target is not None:
                apply_service_errors(target, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("assistance:campaign", campaign_id=campaign.pk)
        return self.render_to_response(self.get_context_data(**extra))


class BankFileView(CampaignMixin, View):
    """代发文件: the approved cash lines with full card numbers, for the bank (export_pii)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        campaign = self.get_campaign()
        content, n = campaign_services.bank_file(campaign, actor=request.user)
        if not n:
            messages.error(request, "没有待发放的现金名单。")
            return redirect("assistance:campaign", campaign_id=campaign.pk)
        response = HttpResponse(content, content_type=exports.XLSX_TYPE)
        response["Cache-Control"] = "private, no-store"
        return exports.attachment(response, f"{campaign.title}_代发明细.xlsx")


# ---- 金秋助学 ------------------------------------------------------------------------------------------


class StudentAidMixin(AssistanceMixin):
    def get_aid(self, action: str | None = None) -> StudentAid:
        return self.get_for_user(
            StudentAid.objects.select_related("org", "campaign", "household_file__head"),
            self.kwargs["aid_id"],
            action=action,
            what="金秋助学申请",
        )


class StudentAidListView(StudentAidMixin, TemplateView):
    template_name = "assistance/student_aids.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.visible(StudentAid).select_related("org", "campaign", "household_file__head")
        params = self.request.GET
        # casework's filters (waiting, overdue, state, union), as every case list.
        rows, _ = filter_cases(rows, params, self.request.user)
        state = params.get("state", "")
        page = fetch_page(rows.order_by("-id"), self.request, page_size=PAGE_SIZE)
        context.update(
            p=page, aids=page.items, states=StudentAid.case_type.state_choices(), state=state
        )
        return context


class StudentAidCreateView(StudentAidMixin, FormView):
    """金秋助学申请: from a hardship file, for a student of the household."""

    template_name = "assistance/student_aid_form.html"
    action = "change"

    def get(self, request, *args, **kwargs):
        if not request.GET.get("file", "").isdigit():
            messages.info(
                request, "金秋助学由学生家长的困难职工档案发起：请打开档案，点击“申请金秋助学”。"
            )
            return redirect(f"{reverse('assistance:files')}?list=in_file")
        return super().get(request, *args, **kwargs)

    def household(self) -> HardshipFile:
        raw = self.request.POST.get("household_file") or self.request.GET.get("file", "")
        if not str(raw).isdigit():
            raise Http404("请从困难职工档案页面发起金秋助学申请。")
        return self.get_for_user(
            HardshipFile.objects.select_related("org", "head"),
            int(raw),
            action="change",
            what="困难职工档案",
        )

    def get_form(self, form_class=None):
        file = self.household()
        students = [
            (
                m.id_hash,
                f"{m.name}（{m.get_relation_display()}，{m.get_school_level_display() or '—'}）",
            )
            for m in file.members_in_order()
            if m.relation != Relation.SELF
        ]
        kwargs = self.get_form_kwargs()
        kwargs.update(
            campaigns=student_aid.campaigns_open_to(self.request.user)
            .select_related("org")
            .order_by("-year", "-id")[:50],
            students=students,
        )
        return forms.StudentAidForm(**kwargs)

    def get_initial(self):
        return {"household_file": self.household().pk}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["file"] = self.household()
        return context

    def form_valid(self, form):
        file = self.household()
        data = form.cleaned_data
        member = file.members.filter(id_hash=data["student"]).first()
        if member is None:
            form.add_error("student", "请选择档案中的家庭成员。")
            return self.form_invalid(form)
        from smartunion.core.errors import Conflict

        try:
            aid = student_aid.create_student_aid(
                campaign_id=int(data["campaign"]),
                household_file_id=file.pk,
                student_name=member.name,
                student_id_number=member.id_number,
                school=data["school"],
                level=data["level"],
                admission_year=data["admission_year"],
                amount=data["amount"] or None,
                exclusions=form.exclusions(),
                other_aid=data["other_aid"],
                other_aid_note=data["other_aid_note"],
                actor=self.request.user,
            )
        except Conflict as exc:
            form.add_error("student", exc.message)
            return self.form_invalid(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"金秋助学申请 {aid.number} 已提交，待单位工会审核。")
        return redirect("assistance:student_aid", aid_id=aid.pk)


class StudentAidDetailView(StudentAidMixin, TemplateView):
    template_name = "assistance/student_aid.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        aid = self.get_aid()
        context.update(case_context(aid, self.request.user))
        context.update(aid=aid, line=getattr(aid, "line", None) if hasattr(aid, "line") else None)
        return context
