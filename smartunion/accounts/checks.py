"""Deployment checks of login security (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def second_factor_enforced(app_configs, **kwargs):
    if settings.SMARTUNION_OTP_REQUIRED:
        return []
    return [
        checks.Warning(
            "SMARTUNION_OTP_REQUIRED is off: administrators log in with a password alone and "
            "anyone may reveal full ID numbers without a second factor.",
            hint="Unset SMARTUNION_OTP_REQUIRED (on by default); it is for demos and tests only.",
            id="smartunion.W001",
        )
    ]
