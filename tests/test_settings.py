import pytest
from django.core.exceptions import ImproperlyConfigured

from evalsite.settings import database_from_url, env_bool, keyring_from_env


def test_database_url_selects_postgresql():
    assert database_from_url("postgres://app:p%40ss@db.local:5433/evalsite") == {
        "ENGINE": "django.db.backends.postgresql", "NAME": "evalsite", "USER": "app", "PASSWORD": "p@ss",
        "HOST": "db.local", "PORT": "5433", "ATOMIC_REQUESTS": False, "CONN_MAX_AGE": 60,
    }


def test_database_url_refuses_other_schemes():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x@y/z")


@pytest.mark.parametrize(("raw", "expected"), [(None, True), ("1", True), ("0", False), ("false", False), ("yes", True)])
def test_env_bool(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("X_FLAG", raising=False)
    else:
        monkeypatch.setenv("X_FLAG", raw)

    assert env_bool("X_FLAG", True) is expected


def test_backup_keys_keep_their_order_and_allow_colons_in_a_key():
    assert list(keyring_from_env("K", " 2026b:new:key , 2026a:old,").items()) == [("2026b", "new:key"), ("2026a", "old")]


@pytest.mark.parametrize("value", ["nokey", "a:", ":key", "bad id:key", "a:x,a:y", "x" * 33 + ":key"])
def test_backup_keys_refuse_malformed_entries(value):
    with pytest.raises(ImproperlyConfigured):
        keyring_from_env("BACKUP_HMAC_KEYS", value)
