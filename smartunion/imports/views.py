"""导入导出 pages: the job list, upload, the report with its progress bar, commit, downloads."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView
from django.views.generic import TemplateView as BaseTemplateView

from smartunion.core.errors import NotInScope
from smartunion.core.forms import apply_service_errors
from smartunion.core.views_mixins import ScopedViewMixin, fetch_page, keyset_page
from smartunion.imports import export_jobs, exports, services
from smartunion.imports.forms import CommitForm, ExportForm, ExportJobForm, UploadForm
from smartunion.imports.models import CommitMode, ExportJob, ExportKind, ImportJob, JobStatus
from smartunion.imports.templates import build_template, template_filename
from smartunion.imports.validators import DUPLICATE, ERROR, TRANSFER, WARNING
from smartunion.members.models import MEMBER_FILTERS
from smartunion.orgs.models import Organization
from smartunion.orgs.views import OrgPickerMixin

XLSX_TYPE = exports.XLSX_TYPE
ISSUES_PAGE_SIZE = 100
EXPORT_JOBS_SHOWN = 20
SHEETS = {"members": "会员信息", "orgs": "工会组织信息"}

#: The filters of the issue list: value → (label, filter).
ISSUE_FILTERS = {
    "": ("全部问题", {}),
    "error": ("错误", {"level": ERROR}),
    "warning": ("提示", {"level": WARNING}),
    "duplicate": ("文件内重复", {"code": DUPLICATE}),
    "transfer": ("已是其他工会会员", {"code": TRANSFER}),
}


def home_org(user) -> Organization | None:
    """The union a user's imports and templates start from: their scope, or the root."""
    if user.scope_org_id:
        return user.scope_org
    return Organization.objects.filter(parent__isnull=True).order_by("pk").first()


class ImportsMixin(ScopedViewMixin):
    nav = "imports"

    def get_job(self, *, action: str | None = None) -> ImportJob:
        return self.get_for_user(
            ImportJob.objects.select_related("org"),
            self.kwargs["job_id"],
            action=action,
            what="导入任务",
        )


class JobListView(ImportsMixin, BaseTemplateView):
    template_name = "imports/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jobs = self.visible(ImportJob).select_related("org")
        context["page"] = keyset_page(jobs, self.request, page_size=30)
        context["home_org"] = home_org(self.request.user)
        context["can_export_pii"] = self.can("export_pii")
        context["xlsx_web_rows"] = f"{exports.xlsx_web_rows():,}"
        context["export_jobs"] = list(
            export_jobs.owned(self.request.user).select_related("org")[:EXPORT_JOBS_SHOWN]
        )
        return context


class UploadView(OrgPickerMixin, ImportsMixin, FormView):
    action = "change"
    template_name = "imports/upload.html"
    form_class = UploadForm
    picker_field = "org"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.picker_context(context["form"], None))
        return context

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can("change"):
            raise PermissionDenied("您的账号只有查看权限，不能导入。")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {"kind": self.request.GET.get("kind") or "members"}
        org = home_org(self.request.user)
        wanted = self.request.GET.get("org", "")
        if wanted.isdigit():
            org = self.get_org(int(wanted))
        if org is not None:
            initial["org"] = org.pk
        return initial

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            job = services.create_job(
                kind=form.cleaned_data["kind"],
                org=form.cleaned_data["org"],
                actor=self.request.user,
                upload=upload,
                file_name=upload.name,
            )
            services.enqueue_validation(job)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "文件已上传，系统正在检查，请稍候。")
        return HttpResponseRedirect(reverse("imports:detail", kwargs={"job_id": job.pk}))


class PolledJobMixin:
    """A job's page whose status part polls itself (HTMX, ``?poll=1``) while the job runs;
    once it has stopped, the poll answers 204 with ``HX-Refresh`` and the whole page reloads
    with the outcome (the report and commit form, the download)."""

    def polled_job(self) -> ImportJob | ExportJob:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.job = self.polled_job()  # once per request: the context reads it too
        if self.is_partial and request.GET.get("poll") and not self.job.is_running:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return super().get(request, *args, **kwargs)


class JobDetailView(PolledJobMixin, ImportsMixin, BaseTemplateView):
    """The report; while the job runs, its status part polls itself every second."""

    template_name = "imports/detail.html"
    partial_template_name = "imports/_status.html"

    def polled_job(self):
        return self.get_job()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        context["job"] = job
        context["commit_form"] = CommitForm()
        context["can_change_job"] = (
            ImportJob.objects.visible_to(self.request.user, "change").filter(pk=job.pk).exists()
        )
        context["issues"] = list(job.issues.order_by("row_no", "id")[:ISSUES_PAGE_SIZE])
        context["more_issues"] = len(context["issues"]) == ISSUES_PAGE_SIZE
        context["open_transfers"] = job.issues.filter(code=TRANSFER, resolved=False).exists()
        context["can_download_errors"] = _can_download_errors(self.request.user, job)
        context["CommitMode"] = CommitMode
        return context


class IssuesView(ImportsMixin, BaseTemplateView):
    template_name = "imports/issues.html"
    partial_template_name = "imports/_issues.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.get_job()
        which = self.request.GET.get("show", "")
        if which not in ISSUE_FILTERS:
            which = ""
        issues = job.issues.filter(**ISSUE_FILTERS[which][1]).order_by("row_no", "id")
        context.update(
            job=job,
            page=fetch_page(issues, self.request, page_size=ISSUES_PAGE_SIZE),
            show=which,
            filters=[(k, v[0]) for k, v in ISSUE_FILTERS.items()],
        )
        return context


def _can_download_errors(user, job: ImportJob) -> bool:
    """The error workbook holds the uploaded rows in full: the uploader, or export_pii."""
    if not (job.stored_file or job.source_path) or job.rows_error == 0:
        return False
    if job.created_by_id == user.pk:
        return True
    return ImportJob.objects.visible_to(user, "export_pii").filter(pk=job.pk).exists()


class ErrorWorkbookView(ImportsMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.get_job(action="change")
        if job.status in (JobStatus.PENDING, JobStatus.VALIDATING):
            messages.error(request, "检查尚未完成，请稍后再下载错误清单。")
            return HttpResponseRedirect(reverse("imports:detail", kwargs={"job_id": job.pk}))
        if not _can_download_errors(request.user, job):
            raise PermissionDenied(
                "错误清单含有上传文件中的个人信息，只有上传人或有导出权限的人员可以下载。"
            )
        path = exports.write_error_workbook(job, request.user)
        return exports.temporary_file_response(path, f"导入任务{job.pk}错误清单.xlsx")


class JobActionView(ImportsMixin, View):
    """A POST-only action on a job; GET answers 405."""

    action = "change"
    success = ""

    def post(self, request, *args, **kwargs):
        job = self.target()
        try:
            self.perform(job)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if self.success:
                messages.success(request, self.success)
        return HttpResponseRedirect(self.next_url(job))

    def target(self):
        return self.get_job()

    def next_url(self, job) -> str:
        return reverse("imports:detail", kwargs={"job_id": job.pk})

    def perform(self, job) -> None:
        raise NotImplementedError


class CommitView(JobActionView):
    success = "已开始导入，请稍候。"

    def perform(self, job):
        form = CommitForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("请选择提交方式。")
        services.start_commit(job, actor=self.request.user, mode=form.cleaned_data["mode"])


class CancelView(JobActionView):
    success = "已取消该导入，上传的文件已删除。"

    def perform(self, job):
        services.cancel_job(job, actor=self.request.user)


class ResumeView(JobActionView):
    success = "已重新启动该任务。"

    def perform(self, job):
        services.resume_job(job, actor=self.request.user)


class TransfersView(JobActionView):
    def perform(self, job):
        done, left = services.transfer_offered(job, actor=self.request.user)
        text = f"已为{done}人办理转会。"
        if left:
            text += f"另有{left}人的原工会不在您的管理范围内，需由原工会发起转会。"
        messages.success(self.request, text)


class TemplateView(ImportsMixin, View):
    """The import template for the user's scope (or ``?org=`` below it)."""

    kind = "members"

    def get(self, request, *args, **kwargs):
        org = home_org(request.user)
        wanted = request.GET.get("org", "")
        if wanted.isdigit():
            org = self.get_org(int(wanted))
        if org is None:
            raise NotInScope("工会组织")
        data = build_template(self.kind, user=request.user, root=org)
        return exports.attachment(
            HttpResponse(data, content_type=XLSX_TYPE), template_filename(self.kind)
        )


class ExportView(ImportsMixin, View):
    """GET: a masked export; POST with ``pii``: full personal information (audited)."""

    kind = ExportKind.MEMBERS

    def get(self, request, *args, **kwargs):
        return self.export(with_pii=False, params=request.GET)

    def post(self, request, *args, **kwargs):
        if not request.user.can("export_pii"):
            raise PermissionDenied("您没有导出完整个人信息的权限。")
        form = ExportForm(request.POST)
        form.is_valid()
        return self.export(with_pii=bool(form.cleaned_data.get("pii")), params=request.POST)

    def export(self, *, with_pii: bool, params):
        org = self.get_org()
        file_format = params.get("format", "xlsx")
        if file_format not in ("xlsx", "csv"):
            file_format = "xlsx"
        spec = exports.ExportSpec(self.kind, org.pk, with_pii)
        if self.kind == ExportKind.MEMBERS:
            # The union page's member list as it is filtered (orgs.views.OrgDetailView.members).
            spec = replace(
                spec,
                former=params.get("all") == "1",
                status=params.get("status", "") if params.get("status") in MEMBER_FILTERS else "",
                subtree=params.get("sub", "1") == "1",
                q=params.get("q", "").strip()[:64],
            )
        return exports.serve(
            self.request,
            spec,
            file_format,
            back=reverse("orgs:detail", kwargs={"org_id": org.pk}),
        )


# Background exports ---------------------------------------------------------------------------


class ExportJobMixin(ImportsMixin):
    def get_export_job(self) -> ExportJob:
        return export_jobs.get_owned(self.request.user, self.kwargs["export_id"])


class ExportJobCreateView(ImportsMixin, View):
    """后台导出: the "too long for the page" notice's buttons post here (a viewer may too:
    it exports, masked, what it may see)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ExportJobForm(request.POST)
        if not form.is_valid():
            return _bad_request(form.errors)
        spec = form.spec()
        if spec.with_pii and not request.user.can("export_pii"):
            raise PermissionDenied("您没有导出完整个人信息的权限。")
        if spec.org_id is not None:
            self.get_org(spec.org_id)  # 404 outside the user's subtree
        try:
            job = export_jobs.request_export(request.user, spec, form.cleaned_data["format"])
        except ValidationError as exc:
            return _bad_request(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        messages.success(request, "已转入后台生成，完成后可在本页下载。")
        return HttpResponseRedirect(reverse("imports:export_detail", kwargs={"export_id": job.pk}))


def _bad_request(errors) -> HttpResponse:
    if isinstance(errors, dict):
        errors = [m for ms in errors.values() for m in ms]
    return HttpResponse("；".join(str(e) for e in errors), status=400, content_type="text/plain")


class ExportJobDetailView(PolledJobMixin, ExportJobMixin, BaseTemplateView):
    """One background export: its progress (polled while it runs), then its download."""

    template_name = "imports/export_detail.html"
    partial_template_name = "imports/_export_status.html"

    def polled_job(self):
        return self.get_export_job()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = self.job
        context["keep_hours"] = settings.SMARTUNION_EXPORT_KEEP_HOURS
        return context


class ExportJobDownloadView(ExportJobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.get_export_job()
        try:
            f = export_jobs.open_download(job, request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return HttpResponseRedirect(
                reverse("imports:export_detail", kwargs={"export_id": job.pk})
            )
        return exports.file_download(f, job.file_format, job.file_name)


class ExportJobActionView(ExportJobMixin, JobActionView):
    """A POST-only action of an export job's owner."""

    action = "view"  # the owner's own job: a viewer may delete or regenerate it

    def target(self):
        return self.get_export_job()

    def next_url(self, job) -> str:
        return reverse("imports:export_detail", kwargs={"export_id": job.pk})


class ExportJobRetryView(ExportJobActionView):
    success = "已重新开始生成。"

    def perform(self, job):
        export_jobs.retry(job, self.request.user)


class ExportJobDeleteView(ExportJobActionView):
    success = "导出文件已删除。"

    def perform(self, job):
        export_jobs.delete(job, self.request.user)

    def next_url(self, job):
        return reverse("imports:list")
