"""Schemathesis against a live server: 0 failures of any kind (issue 17, item 4).

gunicorn serves a fresh, seeded database (core.testing_server; PostgreSQL under
``make test-api``); schemathesis (from the test extra) runs every check — server errors, status
codes and content types as declared, response schemas, invalid data refused, valid data
accepted, authentication not ignored, methods not allowed — over every operation of
/api/v1/openapi.json, as the province administrator, with a fixed seed and a fixed number of
examples per operation. schemathesis.toml (repository root) says which answers of which
operations the schema cannot state.

Runs only when selected (``-m fuzz``: ``make test-api``, which ``make test`` calls), not in the
ordinary suite: it takes minutes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings

from smartunion.core.testing_server import DEMO_PASSWORD, live_gunicorn

EXAMPLES_PER_OPERATION = 10
SEED = 17
TIME_LIMIT_SECONDS = 900


@pytest.mark.fuzz
def test_schemathesis_finds_no_failure_against_a_live_server(tmp_path):
    # No rate limit here: the fuzzer would mostly meet 429 on the public operation.
    with live_gunicorn(extra_env={"SMARTUNION_NEAREST_RATE": ""}) as server:
        token = requests.post(
            f"{server.url}/api/v1/auth/token",
            json={"username": "province_admin", "password": DEMO_PASSWORD},
            timeout=30,
        ).json()["token"]
        command = [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file",
            str(Path(settings.BASE_DIR) / "schemathesis.toml"),
            "--no-color",
            "run",
            f"{server.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            str(SEED),
            "--workers",
            "2",
            "--generation-database",
            "none",
            "--request-timeout",
            "60",
        ]
        result = subprocess.run(
            command,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT_SECONDS,
        )
    summary = result.stdout[-6000:]
    # On failure: the failures first (each operation with its curl line), then the totals.
    failures = result.stdout[max(result.stdout.find("FAILURES"), 0) :][:12000]
    assert result.returncode == 0, failures + "\n…\n" + summary[-1500:] + result.stderr[-2000:]
    assert " passed" in summary and "failures" not in summary.rsplit("SUMMARY", 1)[-1], summary
