"""Concurrent approvals on SQLite (the out-of-the-box database): one approval, no 5xx.

Runs tests/reports/concurrent_approvals.py in a fresh process against a file database, configured
exactly as evalsite.settings configures SQLite (write transactions begin IMMEDIATE and wait their
turn instead of failing with "database is locked").
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.reports.concurrent_approvals import approve_at_once
codes, approvals, status = approve_at_once(4)
print(json.dumps({"codes": codes, "approvals": approvals, "status": status}))
"""


@pytest.fixture(autouse=True)
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run; test_concurrency.py has PostgreSQL's")


def test_four_reviewers_approving_at_once_on_sqlite_give_one_approval_and_no_server_error(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evalsite.test_settings",
           "DJANGO_SQLITE_PATH": str(tmp_path / "db.sqlite3"), "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    env.pop("DATABASE_URL", None)

    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)

    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert (result["approvals"], result["status"]) == (1, "approved")
    assert result["codes"].count(302) == 1 and all(code in (302, 403, 409) for code in result["codes"]), result
