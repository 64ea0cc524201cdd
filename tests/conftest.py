"""Shared fixtures. Browser tests run in Debian's Chromium (never a downloaded browser)."""
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


# A test whose fixtures include none of these never reaches the database (pytest-django refuses it).
DB_FIXTURES = frozenset({
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "django_db_setup", "live_server",
})


def pytest_collection_modifyitems(config, items):
    # Playwright's sync API runs an event loop in the test thread; Django must allow it there.
    if any(item.get_closest_marker("browser") for item in items):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # A test that never touches the database is db_agnostic by itself: make test-postgres leaves it to the
    # SQLite run (docs/testing.md). Rendering tests that do touch it say so with the marker themselves.
    db_agnostic = pytest.mark.db_agnostic
    for item in items:
        if item.get_closest_marker("django_db") is None and not DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(db_agnostic)


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache (the dashboard caches its charts for two minutes)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def _anchor_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-anchors")


@pytest.fixture(autouse=True)
def _audit_anchor_path(settings, _anchor_dir, request):
    """Each test's audit anchors go to a file of its own (a rolled-back test's anchors would not match the next)."""
    import uuid

    settings.AUDIT_ANCHOR_PATH = str(_anchor_dir / f"{uuid.uuid4().hex}.jsonl")
