"""统计分析's forms: a union's override of one figure of its annual report, and its withdrawal."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from smartunion.core.bounds import FIGURE
from smartunion.orgs.models import Organization


class _RowForm(forms.Form):
    """The row (the report's union or one of its sub-units, within the user's scope) and the
    column of the figure."""

    org = forms.ModelChoiceField(
        label="单位",
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": "只能改写本年报中本单位或下级单位的数字。"},
    )
    indicator = forms.ChoiceField(label="指标", choices=())

    def __init__(self, *args, report_org: Organization, user, **kwargs):
        from smartunion.stats.services import overridable

        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user, "change")
            .filter(Q(pk=report_org.pk) | Q(parent=report_org))
            .only("name", "path")
            .order_by("path")
        )
        self.fields["org"].initial = report_org.pk
        self.fields["indicator"].choices = overridable()


class OverrideForm(_RowForm):
    value = FIGURE.form_field(label="填报数")
    note = forms.CharField(
        label="说明",
        max_length=200,
        error_messages={"required": "改写数字必须填写说明。"},
        help_text="为什么与系统计算的数不同（必填）。",
    )


class WithdrawForm(_RowForm):
    note = forms.CharField(
        label="撤回原因",
        max_length=200,
        error_messages={"required": "撤回改写必须填写原因。"},
    )
