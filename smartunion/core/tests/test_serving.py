"""The production server as the operator guide starts it, with the guide's own settings.

The command and the environment are read from docs/operator-guide.md (the blocks after
``production-command`` and ``production-env``); only the database, the key files, the
directories and the port are replaced. Then: ``check --deploy`` has nothing to say, pages carry
HSTS and ``no-store``, static files come compressed with a long cache, the logs are JSON lines
without an ID or phone number in them, and ``/healthz`` follows the task worker's heartbeat.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from smartunion.core.devkeys import new_key_values
from smartunion.core.idnumber import make_id_number
from smartunion.core.testing import scratch_database_url
from smartunion.core.testing_dbcache import copy_migrated_into

ROOT = Path(settings.BASE_DIR)
GUIDE = ROOT / "docs" / "operator-guide.md"
BIN = Path(sys.executable).parent


def documented_block(marker: str) -> str:
    """The code block that follows ``<!-- marker: … -->`` in the operator guide."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker}:[^>]*-->\s*```\w*\n(.*?)```", text, re.S)
    assert match, f"docs/operator-guide.md has no block marked {marker}"
    return match.group(1)


def documented_env() -> dict[str, str]:
    lines = documented_block("production-env").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def documented_command() -> list[str]:
    [line] = [x for x in documented_block("production-command").splitlines() if x.strip()]
    words = shlex.split(line)
    assert words[0] == ".venv/bin/gunicorn", line
    return [str(BIN / "gunicorn"), *words[1:]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    env: dict[str, str]
    port: int
    log: Path
    host: str

    def request(self, path: str, *, https: bool = True, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": self.host, **({"X-Forwarded-Proto": "https"} if https else {})}
        connection.request("GET", path, headers={**sent, **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            **kwargs,
        )

    def log_lines(self) -> list[str]:
        return [line for line in self.log.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serving")
    keys = tmp / "keys"
    keys.mkdir()
    values = new_key_values()
    files = {"SECRET_KEY": "secret_key", "SMARTUNION_PII_KEYS": "pii_keys"}
    files["SMARTUNION_INDEX_KEY"] = "index_key"
    files["SMARTUNION_ECARD_KEYS"] = "ecard_keys"
    for name, file_name in files.items():
        (keys / file_name).write_text(values[name] + "\n", encoding="utf-8")
    env = documented_env()
    for name in ("DATABASE_URL", "SMARTUNION_BIND", "SMARTUNION_VAR_DIR", "STATIC_ROOT"):
        assert name in env, f"the guide's production settings lost {name}"
    port = free_port()
    database = scratch_database_url(tmp)
    env.update(
        DATABASE_URL=next(database),
        SMARTUNION_BIND=f"127.0.0.1:{port}",
        SMARTUNION_VAR_DIR=str(tmp / "var"),
        STATIC_ROOT=str(tmp / "static"),
        # Two workers are enough to serve the test; the documented count is for the machine.
        WEB_CONCURRENCY="2",
        SMARTUNION_WORKER_HEARTBEAT_SECONDS="1",
        SMARTUNION_WORKER_STALE_SECONDS="4",
        **{f"{name}_FILE": str(keys / file_name) for name, file_name in files.items()},
    )
    # Nothing of the test run's own environment (DEBUG=1, …) reaches the server.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    host = env["ALLOWED_HOSTS"].split(",")[0]
    log = tmp / "server.log"
    server = Server(env, port, log, host)
    # The migrated database an earlier process kept, when the sources are the same
    # (core.testing_dbcache): the guide's migrate below then only checks that nothing is left.
    copy_migrated_into(env["DATABASE_URL"])
    for step in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        done = server.manage(*step)
        assert done.returncode == 0, done.stderr[-2000:]
    with log.open("w") as stderr:
        process = subprocess.Popen(
            documented_command(), cwd=ROOT, env=env, stdout=stderr, stderr=stderr
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                server.request("/healthz", https=False)
                break
            except OSError:
                assert process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the server did not start in 60 s"
                time.sleep(0.3)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        next(database, None)


def test_the_documented_settings_pass_check_deploy_without_a_warning(server):
    done = server.manage("check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_warns_when_the_second_factor_is_turned_off(server):
    env = {**server.env, "SMARTUNION_OTP_REQUIRED": "0"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "smartunion.W001" in done.stdout + done.stderr


def test_pages_carry_hsts_and_are_never_stored(server):
    response, body = server.request("/accounts/login/")
    assert response.status == 200
    hsts = response.getheader("Strict-Transport-Security")
    assert hsts == "max-age=31536000; includeSubDomains"
    assert "no-store" in response.getheader("Cache-Control")
    assert "登录" in body.decode()
    api, _ = server.request("/api/v1/regions")
    assert api.status == 200 and api.getheader("Cache-Control") == "no-store"


def test_plain_http_is_sent_to_https(server):
    response, _ = server.request("/accounts/login/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{server.host}/accounts/login/"


def test_static_files_come_compressed_with_a_long_cache(server):
    manifest = json.loads((Path(server.env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/app.css"]
    response, body = server.request(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert "max-age=315360000" in response.getheader("Cache-Control")
    assert b".topbar" in gzip.decompress(body)


def test_the_logs_are_json_lines_without_an_id_or_phone_number(server):
    number = make_id_number("620102", __import__("datetime").date(1990, 5, 17), 123)
    phone = "13912345678"
    server.request(f"/members/?q={number}")
    server.request(f"/api/v1/members?q={phone}")
    time.sleep(0.5)
    lines = server.log_lines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert {"method", "path", "status", "duration_ms", "client"} <= set(access[-1])
    # The request is logged, its number replaced (core.redact).
    assert any(r["path"] == "/members/?q=[REDACTED]" for r in access)
    text = "\n".join(lines)
    assert number not in text and number[6:14] not in text
    assert phone not in text


def test_healthz_follows_the_task_worker_s_heartbeat(server):
    response, body = server.request("/healthz", https=False)
    assert response.status == 503
    assert json.loads(body)["worker"]["ok"] is False
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            response, body = server.request("/healthz", https=False)
            if response.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        data = json.loads(body)
        assert response.status == 200, data
        assert data == {"status": "ok", "database": "ok", "worker": data["worker"]}
        assert data["worker"]["ok"] and data["worker"]["workers"] == 1
    finally:
        worker.kill()  # as a crash would: no clean stop, the beat just ends
        worker.wait()
    time.sleep(5)
    response, body = server.request("/healthz", https=False)
    assert response.status == 503
    assert json.loads(body)["worker"]["ok"] is False
