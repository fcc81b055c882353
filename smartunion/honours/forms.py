"""Forms of the honours pages (the services check every rule again)."""

from __future__ import annotations

from django import forms


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.CharField(label="撤销文件（文号）", max_length=128, required=False)
