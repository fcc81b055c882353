"""Login form with Chinese labels and messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """用户名 + 密码; the messages never say which of the two was wrong."""

    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
        error_messages={"required": "请输入用户名。"},
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入密码。"},
    )

    error_messages = {
        "invalid_login": "用户名或密码不正确（密码区分大小写）。连续输错多次后账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系上级工会管理员。",
    }


class SecondFactorForm(forms.Form):
    """动态口令: six digits from the authenticator, or one recovery code."""

    code = forms.CharField(
        label="动态口令",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "请输入认证器上的 6 位数字或一个恢复码。"},
    )
