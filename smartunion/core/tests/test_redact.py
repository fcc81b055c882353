"""Personal numbers are found in any spelling and replaced in every log record."""

import logging

import pytest

from smartunion.core.redact import REPLACEMENT, has_personal_number, redact

ID = "620102199005170039"
ID_X = "62010219900517016X"
PHONE = "13912345678"


@pytest.mark.parametrize(
    "text",
    [
        f"GET /members/?q={ID} HTTP/1.1",
        f"/api/v1/members?q={ID_X}&limit=5",
        f"/members/?q={ID_X.lower()}",
        "/members/?q=620102+19900517+0039",
        "/members/?q=620102%2019900517%200039",
        "/members/?q=" + "".join(chr(0xFF10 + int(d)) for d in ID),
        "/members/?q=" + "".join(f"%EF%BC%9{d}" for d in ID),
        "/accounts/login/?next=/members/%3Fq%3D" + "".join(f"%25EF%25BC%259{d}" for d in ID),
        f"tel {PHONE}",
        "139-1234-5678",
        "card 6222021234567890123",
    ],
)
def test_it_finds_and_replaces_a_personal_number_in_any_spelling(text):
    assert has_personal_number(text)
    redacted = redact(text)
    assert REPLACEMENT in redacted
    assert not has_personal_number(redacted)
    for digits in ("19900517", "12345678", "1234567890"):
        assert digits not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "GET /api/v1/members/2300000 HTTP/1.1",
        "/members/?after=987654321&limit=50",
        '127.0.0.1 - - [06/Dec/2026:10:20:30 +0800] "GET / HTTP/1.1" 200 5123',
        "2026-12-06 10:20:30,123 INFO took 1234 ms",
        "/regions?parent=620102",
    ],
)
def test_it_leaves_ids_dates_and_sizes_alone(text):
    assert not has_personal_number(text)
    assert redact(text) == text


def test_every_log_record_is_redacted_whatever_the_logger(caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("django.request").warning("Not Found: %s", f"/members/{ID}/")
        logging.getLogger("gunicorn.access").info(
            "%(r)s %(s)s", {"r": f"GET /?q={PHONE}", "s": "200"}
        )
        try:
            raise ValueError(f"bad number {ID}")
        except ValueError:
            logging.getLogger("smartunion.api").exception("failed for %s", PHONE)
    text = caplog.text
    assert ID not in text and PHONE not in text
    assert text.count(REPLACEMENT) >= 4
    assert "Not Found: /members/[REDACTED]/" in text
