"""统计分析's form: a union's override of one figure of its annual report."""

from __future__ import annotations

from django import forms

from smartunion.core.bounds import FIGURE


class OverrideForm(forms.Form):
    indicator = forms.ChoiceField(label="指标", choices=())
    value = FIGURE.form_field(label="填报数")
    note = forms.CharField(
        label="说明",
        max_length=200,
        error_messages={"required": "改写数字必须填写说明。"},
        help_text="为什么与系统计算的数不同（必填）。",
    )

    def __init__(self, *args, **kwargs):
        from smartunion.stats.services import overridable

        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = overridable()
