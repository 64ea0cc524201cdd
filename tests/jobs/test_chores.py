"""Periodic chores on the workers' heartbeat (jobs.chores): each due one runs once per period, whichever
worker gets it, and a deployment needs no cron for the audit anchor, idle sessions or kept input."""
import datetime
import json
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from audit.models import AuditEvent
from jobs.chores import chores_run
from jobs.models import Chore
from rescue.models import KeptInput
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 0))


@pytest.fixture
def anchors(settings, tmp_path):
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "anchors.jsonl")
    settings.JOBS_CHORE_SECONDS = {"audit_anchor": 3600, "expire_sessions": 300, "purge_kept_input": 3600}
    return Path(settings.AUDIT_ANCHOR_PATH)


def test_every_chore_runs_when_first_due_then_once_per_period(anchors, client):
    user = UserFactory(username="clerk")
    client.force_login(user)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    KeptInput.objects.create(user=user, path="/r/1/cover/", data={"a": "1"}, kept_at=T0, expires_at=T0)

    first = chores_run(now=T0)
    again = chores_run(now=T0 + datetime.timedelta(seconds=299))
    later = chores_run(now=T0 + datetime.timedelta(seconds=300))
    hour = chores_run(now=T0 + datetime.timedelta(seconds=3600))

    assert (first, again, later, hour) == (
        ["audit_anchor", "expire_sessions", "purge_kept_input"], [], ["expire_sessions"],
        ["audit_anchor", "expire_sessions", "purge_kept_input"],
    )
    assert (Session.objects.count(), KeptInput.objects.count()) == (0, 0)
    lines = [json.loads(line) for line in anchors.read_text().splitlines()]
    # The login's row when first anchored; the session's expiry (recorded right after) by the hour's anchor.
    assert [line["count"] for line in lines] == [1, 2] and AuditEvent.objects.count() == 2
    assert dict(Chore.objects.values_list("name", "due_at")) == {
        "audit_anchor": T0 + datetime.timedelta(seconds=7200),
        "expire_sessions": T0 + datetime.timedelta(seconds=3900),
        "purge_kept_input": T0 + datetime.timedelta(seconds=7200),
    }


def test_a_chore_turned_off_does_not_run(anchors, settings):
    settings.JOBS_CHORE_SECONDS = {"audit_anchor": 0, "expire_sessions": 300}

    assert chores_run(now=T0) == ["expire_sessions"]
    assert not anchors.exists()


def test_a_failing_chore_keeps_its_message_and_the_others_still_run(anchors, settings, tmp_path):
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "missing" / "dir" / "anchors.jsonl")
    (tmp_path / "missing").write_text("a file where the directory should be")

    ran = chores_run(now=T0)

    assert ran == ["audit_anchor", "expire_sessions", "purge_kept_input"]
    errors = dict(Chore.objects.values_list("name", "last_error"))
    assert errors["audit_anchor"] != "" and errors["expire_sessions"] == errors["purge_kept_input"] == ""
