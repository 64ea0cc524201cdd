"""Two reviewers approving the same report at the same moment: exactly one approval.

Real threads, each with its own database connection, started together at a barrier, on PostgreSQL
(SELECT … FOR UPDATE row locks). SQLite serialises whole-database writes instead of locking rows,
so these tests skip there; `make test` runs them through scripts/with-postgres.
"""
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from departments.enums import Role
from reports.editing import StaleRevision
from reports.enums import Status
from reports.models import Report, StatusChange
from reports.review import report_decide
from reports.workflow import move
from tests.factories import MembershipFactory, UserFactory
from tests.reports.concurrent_approvals import approve_at_once
from tests.reports.review_support import advance, make_people, submittable_report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) need PostgreSQL: run with scripts/with-postgres")


@pytest.fixture
def report_and_reviewers():
    people = make_people()
    second = UserFactory(username="reviewer2", full_name="钱复核")
    MembershipFactory(user=second, role=Role.REVIEWER, office=people.department.office)
    report = advance(submittable_report(people.department), people, Status.FINANCE_REVIEW)
    return report, [people.reviewer, second]


def run_together(actions):
    """Run each callable in its own thread, released at the same moment; returns what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as error:  # noqa: BLE001 (the outcome is what the test compares)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def outcome(result):
    return type(result).__name__ if isinstance(result, Exception) else "approved"


def test_two_reviewers_moving_at_once_give_exactly_one_approval(report_and_reviewers):
    report, reviewers = report_and_reviewers

    results = run_together([
        lambda by=by: move(Report.objects.get(pk=report.pk), Status.APPROVED, by=by, comment=f"{by.full_name}同意。")
        for by in reviewers
    ])

    assert sorted(outcome(r) for r in results) == ["PermissionDenied", "approved"]
    approvals = StatusChange.objects.filter(report=report, to_status=Status.APPROVED)
    assert approvals.count() == 1
    winner = [r for r in results if not isinstance(r, Exception)][0]
    stored = Report.objects.get(pk=report.pk)
    assert (stored.status, stored.finance_head_name, stored.approved_digest) == (
        Status.APPROVED, approvals.get().by.full_name, winner.approved_digest)


def test_two_reviewers_approving_from_the_same_page_give_exactly_one_approval(report_and_reviewers):
    report, reviewers = report_and_reviewers

    results = run_together([
        lambda by=by: report_decide(report=Report.objects.get(pk=report.pk), to=Status.APPROVED,
                                    revision=report.revision, by=by, opinion=f"{by.full_name}同意审定。")
        for by in reviewers
    ])

    assert sorted(outcome(r) for r in results) in (["PermissionDenied", "approved"], ["StaleRevision", "approved"])
    assert all(isinstance(r, PermissionDenied | StaleRevision) for r in results if isinstance(r, Exception))
    assert StatusChange.objects.filter(report=report, to_status=Status.APPROVED).count() == 1
    stored = Report.objects.get(pk=report.pk)
    assert stored.finance_opinion == f"{stored.finance_head_name}同意审定。"


def test_four_reviewers_approving_through_the_page_at_once_give_one_approval_and_no_server_error():
    codes, approvals, status = approve_at_once(4)

    assert (approvals, status) == (1, Status.APPROVED)
    assert sorted(codes).count(302) == 1 and all(code in (302, 403, 409) for code in codes), codes
