"""Response headers and the production settings (manage.py check --deploy)."""
import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.django_db
def test_every_response_carries_the_content_security_policy(client):
    anonymous = client.get("/accounts/login/")
    client.force_login(UserFactory())
    signed_in = client.get("/")

    assert [anonymous["Content-Security-Policy"], signed_in["Content-Security-Policy"]] == [CSP, CSP]


@pytest.mark.django_db
def test_pages_for_signed_in_users_are_never_cached(client):
    client.force_login(UserFactory())

    response = client.get("/")

    assert response["Cache-Control"] == NEVER_CACHE


@pytest.mark.django_db
def test_anonymous_public_responses_keep_their_caching(client):
    response = client.get("/no-such-page/")

    assert response.has_header("Cache-Control") is False


@pytest.mark.django_db
def test_the_standard_hardening_headers_are_set(client):
    response = client.get("/accounts/login/")

    assert (response["X-Frame-Options"], response["X-Content-Type-Options"], response["Referrer-Policy"]) == (
        "DENY", "nosniff", "same-origin",
    )


def no_inline_script(html):
    return [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]


@pytest.mark.django_db
def test_the_login_page_has_no_inline_script(client):
    assert no_inline_script(client.get("/accounts/login/").content.decode()) == []


def production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "evalsite.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(32),
        "BACKUP_HMAC_KEYS": f"2026b:{secrets.token_urlsafe(32)},2026a:{secrets.token_urlsafe(32)}",
        "DJANGO_ALLOWED_HOSTS": "example.gov.cn",
    })
    env.update(overrides)
    return env


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_is_clean_with_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert (result.returncode, result.stdout, result.stderr) == (0, "System check identified no issues (0 silenced).\n", "")


def test_check_deploy_fails_on_a_weak_secret_key():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(DJANGO_SECRET_KEY="short"))

    assert result.returncode == 1
    assert "security.W009" in result.stderr


def test_check_deploy_fails_on_a_short_audit_retention():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(AUDIT_RETENTION_DAYS="90"))

    assert result.returncode == 1
    assert "audit.E001" in result.stderr


def test_production_settings_secure_cookies_https_and_static_files():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps(["
        "s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.MIDDLEWARE[1]]))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=production_env(), capture_output=True,
                            text=True, timeout=120)

    assert json.loads(result.stdout) == [
        False, True, True, True, 31536000, True, True, "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


@pytest.mark.parametrize("key", ["short", "same"], ids=["short", "secret-key"])
def test_check_deploy_fails_on_a_weak_or_reused_audit_key(key):
    env = production_env()
    env["AUDIT_HMAC_KEY"] = env["DJANGO_SECRET_KEY"] if key == "same" else key

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 1
    assert "audit.W002" in result.stderr


def test_debug_off_without_an_audit_key_refuses_to_start():
    env = production_env()
    del env["AUDIT_HMAC_KEY"]

    result = manage("check", env=env)

    assert result.returncode == 1
    assert "AUDIT_HMAC_KEY is required when DJANGO_DEBUG=0" in result.stderr


def test_retired_audit_keys_are_read_from_the_environment():
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.AUDIT_HMAC_KEY_ID, s.AUDIT_HMAC_OLD_KEYS]))")
    env = production_env(AUDIT_HMAC_KEY_ID="3", AUDIT_HMAC_OLD_KEYS="1:first-key, 2:second:key")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert json.loads(result.stdout) == ["3", {"1": "first-key", "2": "second:key"}]


@pytest.mark.parametrize("old_keys", ["no-colon", "3:reuses-the-current-id", "bad id:key"])
def test_malformed_retired_audit_keys_refuse_to_start(old_keys):
    result = manage("check", env=production_env(AUDIT_HMAC_KEY_ID="3", AUDIT_HMAC_OLD_KEYS=old_keys))

    assert result.returncode == 1
    assert "AUDIT_HMAC_OLD_KEYS must be 'id:key,id:key'" in result.stderr


@pytest.mark.parametrize("keys", ["2026a:short", "2026b:{audit},2026a:{long}", "dev:dev-only-backup-key-never-use-in-production"],
                         ids=["short", "audit-key", "development-key"])
def test_check_deploy_fails_on_a_weak_or_reused_backup_key(keys):
    env = production_env()
    env["BACKUP_HMAC_KEYS"] = keys.format(audit=env["AUDIT_HMAC_KEY"], long=secrets.token_urlsafe(32))

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 1
    assert "backups.W001" in result.stderr


@pytest.mark.parametrize("value", ["c2hvcnQ=", "same"], ids=["not-32-bytes", "secret-key"])
def test_check_deploy_fails_on_a_bad_backup_encryption_key(value):
    env = production_env()
    env["BACKUP_ENCRYPTION_KEY"] = env["DJANGO_SECRET_KEY"] if value == "same" else value

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 1
    assert "backups.W002" in result.stderr


def test_check_deploy_is_clean_with_a_backup_encryption_key():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    env=production_env(BACKUP_ENCRYPTION_KEY=base64.b64encode(secrets.token_bytes(32)).decode()))

    assert (result.returncode, result.stderr) == (0, "")


def test_debug_off_without_backup_keys_refuses_to_start():
    env = production_env()
    del env["BACKUP_HMAC_KEYS"]

    result = manage("check", env=env)

    assert result.returncode == 1
    assert "BACKUP_HMAC_KEYS is required when DJANGO_DEBUG=0" in result.stderr
