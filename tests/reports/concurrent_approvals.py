"""Several reviewers pressing 审定通过 on the same report at the same moment, through the real views.

`approve_at_once(count)` builds the people and a report in 财政审核, then posts the review page's
approval from `count` threads, each with its own client, session and database connection, released
together at a barrier. Returns (HTTP status of each post, number of approvals stored, report status).
test_concurrency.py runs it on PostgreSQL in-process and on SQLite in a subprocess with a file
database (the in-memory test database shares one cache across connections and cannot show the
real locking).
"""
import threading

from django.db import connection
from django.test import Client
from django.urls import reverse

from departments.enums import Role
from reports.enums import Status
from reports.models import Report, ScoreEntry, StatusChange
from tests.factories import MembershipFactory, UserFactory
from tests.reports.review_support import advance, make_people, submittable_report

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def approval_post(report, opinion):
    data = {"revision": str(report.revision), "action": "approve", "opinion": opinion, "comment": ""}
    for entry in ScoreEntry.objects.filter(report=report).select_related("indicator"):
        data[f"review_score__{entry.indicator.code}"] = ""
        data[f"review_note__{entry.indicator.code}"] = ""
    return data


def approve_at_once(count=4):
    people = make_people()
    reviewers = [people.reviewer]
    for index in range(1, count):
        user = UserFactory(username=f"reviewer-{index}", full_name=f"复核人{index}")
        MembershipFactory(user=user, role=Role.REVIEWER, office=people.department.office)
        reviewers.append(user)
    report = advance(submittable_report(people.department), people, Status.FINANCE_REVIEW)
    url = reverse("report_review", args=[report.pk])
    clients = []
    for user in reviewers:
        client = Client(raise_request_exception=False)
        client.force_login(user, backend=MODEL_BACKEND)
        clients.append((client, approval_post(report, f"{user.full_name}同意审定。")))
    barrier = threading.Barrier(count)
    codes = [None] * count

    def post(index, client, data):
        try:
            barrier.wait(timeout=30)
            codes[index] = client.post(url, data).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, c, d)) for i, (c, d) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    approvals = StatusChange.objects.filter(report=report, to_status=Status.APPROVED).count()
    return codes, approvals, Report.objects.get(pk=report.pk).status
