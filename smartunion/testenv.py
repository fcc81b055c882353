"""A pytest plugin loaded first (``-p smartunion.testenv``): test-time environment.

It runs before pytest-django reads the settings, so tests get generated development keys
(DEBUG=1, see settings.py) without anyone exporting variables by hand.
"""

import os
import time

os.environ.setdefault("DEBUG", "1")
# The second factor is off in tests as in `make run`; its own tests turn it on (settings).
os.environ.setdefault("SMARTUNION_OTP_REQUIRED", "0")
# Tests compute "today" with datetime.date.today() and the services with Django's local date
# (Asia/Shanghai); run the process in that zone so the two agree at every hour of the day.
os.environ["TZ"] = os.environ.get("SMARTUNION_TEST_TZ", "Asia/Shanghai")
time.tzset()


def pytest_configure(config):
    from django.conf import settings

    # A fast hasher: argon2 would spend most of the suite's time hashing fixture passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
