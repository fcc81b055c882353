"""Test-wide set-up: development keys, a fast password hasher."""

import os

os.environ.setdefault("DEBUG", "1")


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
