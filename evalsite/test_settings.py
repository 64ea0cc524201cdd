"""Test settings: the real settings with a fast password hasher."""
from evalsite.settings import *  # noqa: F403 (test settings extend the real ones)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Django's test runner empties every table between transactional tests; the audit table's triggers let it.
AUDIT_TEST_FLUSH = True
# Tasks run at once, in the enqueuing thread (an on_commit task needs django_capture_on_commit_callbacks(execute=True)).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Fixed backup keys (the manifest's HMAC; encryption is switched on per test).
BACKUP_HMAC_KEYS = {"test-2026": "test-only-backup-hmac-key-0123456789abcdef"}
BACKUP_ENCRYPTION_KEY = ""
