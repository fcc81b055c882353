"""The public 附近驿站 API is rate-limited per client address (issue 17, item 7).

Counted in the database, so every gunicorn worker shares the count: 429 in Chinese with
``Retry-After`` once an address has used its requests of the current minute.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from smartunion.core.models import RateCounter
from smartunion.core.ratelimit import client_address, hit, parse_rate

NEAREST = "/api/v1/venues/nearest"
WHERE = {"lng": "103.83", "lat": "36.06"}


def ask(address: str = "10.1.2.3", **headers):
    return Client(REMOTE_ADDR=address, **headers).get(NEAREST, WHERE)


def test_an_address_gets_429_with_retry_after_once_its_requests_are_used(db, settings):
    settings.SMARTUNION_NEAREST_RATE = "3/m"
    assert [ask().status_code for _ in range(3)] == [200, 200, 200]
    refused = ask()
    assert refused.status_code == 429
    assert refused.json() == {"detail": "请求过于频繁，请稍后再试。"}
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another address is not held up by the first.
    assert ask("10.9.9.9").status_code == 200


def test_no_rate_means_no_limit(db, settings):
    settings.SMARTUNION_NEAREST_RATE = ""
    assert {ask().status_code for _ in range(5)} == {200}
    assert not RateCounter.objects.exists()


def test_behind_a_proxy_the_address_it_saw_counts_not_a_forged_one(db, settings):
    settings.SMARTUNION_NEAREST_RATE = "2/m"
    settings.SMARTUNION_TRUSTED_PROXIES = 1
    codes = [
        ask("127.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.7").status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]
    assert ask("127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_ipv6_addresses_count_by_their_64_network(rf, settings):
    settings.SMARTUNION_TRUSTED_PROXIES = 0
    a = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    b = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")
    assert client_address(a) == client_address(b) == "2001:db8:1:2::/64"
    assert client_address(rf.get("/", REMOTE_ADDR="::ffff:10.0.0.1")) == "10.0.0.1"


@pytest.mark.parametrize(
    "rate, parsed", [("120/m", (120, 60)), ("5/s", (5, 1)), ("1000/hour", (1000, 3600)), ("", None)]
)
def test_rates_are_read_from_settings(rate, parsed):
    assert parse_rate(rate) == parsed


def test_the_openapi_document_lists_the_429_answer(db):
    schema = Client().get("/api/v1/openapi.json").json()
    answers = schema["paths"][NEAREST]["get"]["responses"]
    assert answers["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


# SQLite's in-memory test database shares one cache between threads, where a second writer fails
# at once ("table is locked") instead of waiting as on the file database (timeout=20).
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_concurrent_requests_are_each_counted_once(transactional_db):
    """Several workers at once: one atomic upsert each, none lost."""
    errors = []

    def worker():
        try:
            for _ in range(10):
                hit("nearest:198.51.100.1", 60, now=1_000_000.0)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert RateCounter.objects.get(key="nearest:198.51.100.1").count == 40


def test_past_slots_are_purged_as_new_ones_start(db, monkeypatch):
    from smartunion.core import ratelimit

    monkeypatch.setattr(ratelimit, "PURGE_ONE_IN", 1)
    hit("nearest:a", 60, now=60.0 * 10)
    hit("nearest:b", 60, now=60.0 * 11)
    hit("nearest:c", 60, now=60.0 * 13)
    assert sorted(RateCounter.objects.values_list("key", flat=True)) == ["nearest:c"]


def test_used_reads_a_count_without_adding_to_it(db):
    from smartunion.core.ratelimit import used

    assert used("lookup:1", 3600, now=7200.0) == (0, 3600)
    hit("lookup:1", 3600, now=7200.0)
    hit("lookup:1", 3600, now=7300.0)
    assert used("lookup:1", 3600, now=7400.0) == (2, 3400)
    assert used("lookup:1", 3600, now=7400.0)[0] == 2  # reading did not count
    assert used("lookup:1", 3600, now=10800.0)[0] == 0  # the next slot starts afresh
