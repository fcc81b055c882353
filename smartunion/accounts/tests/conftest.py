import pytest


@pytest.fixture
def otp_on(settings):
    """The second factor required, as in production (grassroots admins not required)."""
    settings.SMARTUNION_OTP_REQUIRED = True
    settings.SMARTUNION_OTP_GRASSROOTS = False
    return settings
