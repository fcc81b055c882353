"""Configuration from the environment (invariant 8): typed, loud, secrets from NAME_FILE.

Settings are read once per process, so each case starts a fresh Python process with a
clean environment: only what the case sets, no development keys.
"""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from smartunion.core.env import env_bool, env_int, env_list, env_str

ROOT = Path(settings.BASE_DIR)


def start(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "smartunion.settings",
        "SMARTUNION_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def key_files(tmp_path: Path) -> dict[str, str]:
    values = {
        "SECRET_KEY": "s" * 50,
        "SMARTUNION_PII_KEYS": "k7:" + base64.b64encode(os.urandom(32)).decode(),
        "SMARTUNION_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "SMARTUNION_ECARD_KEYS": "e2:" + base64.b64encode(os.urandom(32)).decode(),
    }
    env = {}
    for name, value in values.items():
        path = tmp_path / name.lower()
        path.write_text(value + "\n", encoding="utf-8")  # secrets files end with a newline
        path.chmod(0o600)
        env[f"{name}_FILE"] = str(path)
    return env


def test_with_debug_off_and_no_keys_the_server_refuses_to_start(tmp_path):
    result = start("from smartunion.wsgi import application", tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert (
        "Missing keys: SECRET_KEY, SMARTUNION_PII_KEYS, SMARTUNION_INDEX_KEY, SMARTUNION_ECARD_KEYS"
        in result.stderr
    )
    assert not (tmp_path / "var").exists() or not any((tmp_path / "var").iterdir())


def test_with_debug_off_and_no_keys_management_commands_refuse_too(tmp_path):
    result = start(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check'])",
        tmp_path,
    )
    assert result.returncode != 0
    assert "Missing keys" in result.stderr


def test_keys_and_secrets_are_read_from_name_file(tmp_path):
    env = key_files(tmp_path)
    code = (
        "import json, django; django.setup();"
        "from django.conf import settings; from smartunion.core import crypto;"
        "ring = crypto.keyring();"
        "print(json.dumps({'secret': settings.SECRET_KEY, 'current': ring.current_id,"
        " 'index': settings.SMARTUNION_INDEX_KEY, 'debug': settings.DEBUG,"
        " 'secure': settings.SESSION_COOKIE_SECURE, 'hosts': settings.ALLOWED_HOSTS,"
        " 'round': crypto.decrypt(crypto.encrypt('x'))}))"
    )
    result = start(code, tmp_path, DEBUG="false", ALLOWED_HOSTS="union.example.cn", **env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["secret"] == "s" * 50  # the trailing newline is stripped
    assert seen["current"] == "k7"
    assert seen["index"] == Path(env["SMARTUNION_INDEX_KEY_FILE"]).read_text().strip()
    assert (seen["debug"], seen["secure"], seen["hosts"]) == (False, True, ["union.example.cn"])
    assert seen["round"] == "x"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("SECURE_COOKIES", "yes please", "SECURE_COOKIES='yes please' is not a boolean"),
        ("AXES_FAILURE_LIMIT", "five", "AXES_FAILURE_LIMIT='five' is not an integer"),
        ("SMARTUNION_CRYPTO", "des", "use sm4 or aes"),
        ("SMARTUNION_PROVINCE", "620", "is not a 2-digit code"),
    ],
)
def test_a_bad_value_fails_loudly_naming_the_variable(tmp_path, name, value, message):
    result = start(
        "import django; django.setup()", tmp_path, **key_files(tmp_path), **{name: value}
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_an_unreadable_secret_file_fails_loudly(tmp_path):
    env = key_files(tmp_path)
    env["SECRET_KEY_FILE"] = str(tmp_path / "missing")
    result = start("import django; django.setup()", tmp_path, **env)
    assert result.returncode != 0
    assert "SECRET_KEY_FILE=" in result.stderr and "cannot be read" in result.stderr


def test_bad_keys_fail_loudly_at_start(tmp_path):
    env = key_files(tmp_path)
    Path(env["SMARTUNION_PII_KEYS_FILE"]).write_text("k1:short", encoding="utf-8")
    result = start(
        "import django; django.setup(); from smartunion.core import crypto; crypto.keyring()",
        tmp_path,
        **env,
    )
    assert result.returncode != 0 and "SMARTUNION_PII_KEYS" in result.stderr


# ---- the typed readers, in this process ------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", " yes ", "on"])
def test_true_spellings(monkeypatch, raw):
    monkeypatch.setenv("SU_TEST_FLAG", raw)
    assert env_bool("SU_TEST_FLAG") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_false_spellings(monkeypatch, raw):
    monkeypatch.setenv("SU_TEST_FLAG", raw)
    assert env_bool("SU_TEST_FLAG", default=True) is False


def test_unset_values_take_the_default(monkeypatch):
    monkeypatch.delenv("SU_TEST_FLAG", raising=False)
    assert env_bool("SU_TEST_FLAG", default=True) is True
    assert env_int("SU_TEST_FLAG", 7) == 7
    assert env_list("SU_TEST_FLAG", ["a"]) == ["a"]
    assert env_str("SU_TEST_FLAG") is None


def test_lists_split_on_commas_and_ints_parse(monkeypatch):
    monkeypatch.setenv("SU_TEST_LIST", " a.example, b.example ,,")
    monkeypatch.setenv("SU_TEST_INT", "42")
    assert env_list("SU_TEST_LIST") == ["a.example", "b.example"]
    assert env_int("SU_TEST_INT", 0) == 42


def test_name_file_wins_over_the_plain_variable(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv("SU_TEST_SECRET", "from-env")
    monkeypatch.setenv("SU_TEST_SECRET_FILE", str(secret))
    assert env_str("SU_TEST_SECRET") == "from-file"


def test_a_bad_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("SU_TEST_INT", "4 2")
    with pytest.raises(ImproperlyConfigured, match="SU_TEST_INT='4 2' is not an integer"):
        env_int("SU_TEST_INT", 0)


def test_an_older_development_keys_file_gets_the_keys_it_lacks(tmp_path):
    from smartunion.core.devkeys import KEY_NAMES, ensure_dev_keys

    path = tmp_path / "keys.env"
    path.write_text("# old\nSECRET_KEY=kept\n", encoding="utf-8")
    ensure_dev_keys(path)
    lines = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    assert lines["SECRET_KEY"] == "kept" and set(lines) == set(KEY_NAMES)
    before = path.read_text()
    ensure_dev_keys(path)
    assert path.read_text() == before


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's JIT",
)
def test_postgresql_connections_run_without_jit():
    # Compiling took 100–150 ms of a statistics read of 300–450 ms (docs/performance.md).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize("preload", [True, False])
def test_gunicorn_imports_the_views_in_the_master_before_the_workers_fork(tmp_path, preload):
    code = (
        "import sys, types; from smartunion.wsgi import application;"
        "from django.db import connection; from smartunion import gunicorn_conf;"
        "connection.ensure_connection();"
        f"gunicorn_conf.when_ready(types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app={preload})));"
        "import gc;"
        "print('smartunion.api' in sys.modules, 'smartunion.members.views' in sys.modules,"
        " connection.connection is None, gc.get_freeze_count() > 100_000)"
    )
    result = start(code, tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    # The start's objects frozen out of the garbage collector's reach (core.serving).
    assert result.stdout.split() == [str(preload)] * 4
