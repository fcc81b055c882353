"""Forms of the import pages."""

from __future__ import annotations

from django import forms

from smartunion.core.forms import UploadField
from smartunion.imports.exports import ExportSpec
from smartunion.imports.models import CommitMode, ExportKind, Kind
from smartunion.members.models import LIST_STATUS_FILTERS, MEMBER_FILTERS
from smartunion.orgs.models import Organization


class UploadForm(forms.Form):
    """上传导入文件: what it holds, which union it goes into, the file."""

    kind = forms.ChoiceField(label="导入内容", choices=Kind.choices, widget=forms.RadioSelect)
    # Chosen on the page by searching the union's name (orgs/_picker.html); the API and the
    # command line take its number.
    org = forms.ModelChoiceField(
        label="导入到",
        queryset=Organization.objects.all(),
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text="文件中没有写所在工会（上级工会）的行，导入到这个工会；"
        "文件中写的工会都必须是它或它的下级。默认为您所在的工会。",
        error_messages={
            "invalid_choice": "工会不存在或不在您的管理范围内。",
            "required": "请选择要导入到的工会。",
        },
    )
    file = UploadField(
        label="文件",
        help_text="Excel（.xlsx）或CSV（UTF-8或GB18030编码）。请使用本页提供的模板。",
        error_messages={"required": "请选择要上传的文件。", "empty": "文件是空的，没有任何内容。"},
    )


class CommitForm(forms.Form):
    mode = forms.ChoiceField(
        label="提交方式",
        choices=CommitMode.choices,
        initial=CommitMode.VALID_ONLY,
        widget=forms.RadioSelect,
    )


class ExportForm(forms.Form):
    FORMATS = [("xlsx", "Excel（.xlsx）"), ("csv", "CSV")]
    format = forms.ChoiceField(label="格式", choices=FORMATS, initial="xlsx", required=False)
    pii = forms.BooleanField(label="包含完整身份证号码和手机号（将记录审计）", required=False)


class ExportJobForm(forms.Form):
    """A background export, as the "too long for the page" notice posts it (``ExportSpec``)."""

    kind = forms.ChoiceField(label="导出内容", choices=ExportKind.choices)
    org = forms.IntegerField(label="工会", required=False, min_value=1)
    format = forms.ChoiceField(label="格式", choices=ExportForm.FORMATS)
    pii = forms.BooleanField(label="包含完整个人信息", required=False)
    former = forms.BooleanField(label="包括已离会人员", required=False)
    q = forms.CharField(label="查询", required=False, max_length=64)
    status = forms.CharField(label="会籍状态", required=False, max_length=16)
    subtree = forms.TypedChoiceField(
        label="范围",
        choices=[("1", "含下级工会"), ("0", "本级")],
        coerce=lambda v: v == "1",
        empty_value=True,
        required=False,
    )

    #: The status filters each list has (the member list's, a union page's).
    STATUSES = {
        ExportKind.MEMBER_LIST: {"", *(s.value for s in LIST_STATUS_FILTERS)},
        ExportKind.MEMBERS: {"", *MEMBER_FILTERS},
    }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in (ExportKind.MEMBERS, ExportKind.ORGS) and not data.get("org"):
            self.add_error("org", "请指定要导出的工会。")
        if data.get("status") and data.get("status") not in self.STATUSES.get(kind, {""}):
            self.add_error("status", "会籍状态筛选不正确。")
        return data

    def spec(self) -> ExportSpec:
        data = self.cleaned_data
        with_org = data["kind"] in (ExportKind.MEMBERS, ExportKind.ORGS)
        return ExportSpec(
            kind=data["kind"],
            org_id=data.get("org") if with_org else None,
            with_pii=bool(data.get("pii")),
            former=bool(data.get("former")),
            q=(data.get("q") or "").strip(),
            status=data.get("status") or "",
            subtree=data.get("subtree", True) is not False,
        )
