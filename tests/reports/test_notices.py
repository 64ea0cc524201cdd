import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.enums import Role
from followup.enums import NoticeKind as FollowupKind
from followup.models import Notice as FollowupNotice
from reports.enums import Status
from reports.models import Notice, StatusChange
from reports.notices import (
    notice_text,
    notice_unread_count,
    notice_url,
    notices_create,
    notices_for,
    notices_mark_read,
)
from reports.workflow import move
from tests.factories import MembershipFactory, UserFactory
from tests.reports.review_support import advance, fresh

pytestmark = pytest.mark.django_db


def received():
    return sorted(Notice.objects.values_list("recipient__username", "kind"))


def moved(report, to, *, by, comment="", capture):
    with capture(execute=True):
        return move(report, to, by=by, comment=comment)


def test_a_submitted_report_reaches_the_head(people, report, django_capture_on_commit_callbacks):
    moved(report, Status.DEPT_REVIEW, by=people.clerk, capture=django_capture_on_commit_callbacks)

    assert received() == [("head", "to_review")]


def test_a_forwarded_report_reaches_the_reviewers_of_the_office_only(people, report, django_capture_on_commit_callbacks):
    report = advance(report, people, Status.DEPT_REVIEW)
    second = UserFactory(username="reviewer2")
    MembershipFactory(user=second, role=Role.REVIEWER, office=people.department.office)

    moved(report, Status.FINANCE_REVIEW, by=people.head, comment="同意。", capture=django_capture_on_commit_callbacks)

    assert received() == [("reviewer", "to_review"), ("reviewer2", "to_review")]


def test_a_reviewer_who_is_a_member_of_the_department_is_not_notified(people, report, django_capture_on_commit_callbacks):
    report = advance(report, people, Status.DEPT_REVIEW)
    MembershipFactory(user=people.reviewer, role=Role.CLERK, department=people.department)

    moved(report, Status.FINANCE_REVIEW, by=people.head, comment="同意。", capture=django_capture_on_commit_callbacks)

    assert received() == []


def test_a_report_returned_by_the_head_comes_back_to_the_clerks(people, report, django_capture_on_commit_callbacks):
    report = advance(report, people, Status.DEPT_REVIEW)

    moved(report, Status.DRAFT, by=people.head, comment="请补充。", capture=django_capture_on_commit_callbacks)

    assert received() == [("clerk", "returned")]


def test_a_report_returned_by_the_reviewer_comes_back_to_clerks_and_head(people, report,
                                                                         django_capture_on_commit_callbacks):
    report = advance(report, people, Status.FINANCE_REVIEW)

    moved(report, Status.DRAFT, by=people.reviewer, comment="请核实。", capture=django_capture_on_commit_callbacks)

    assert received() == [("clerk", "returned"), ("head", "returned")]


def test_an_approval_reaches_the_department(people, report, django_capture_on_commit_callbacks):
    report = advance(report, people, Status.FINANCE_REVIEW)

    moved(report, Status.APPROVED, by=people.reviewer, comment="同意。", capture=django_capture_on_commit_callbacks)

    assert received() == [("clerk", "approved"), ("head", "approved")]


def test_a_reopening_reaches_the_department_and_the_reviewers(people, report, django_capture_on_commit_callbacks):
    report = advance(report, people, Status.APPROVED)

    moved(report, Status.DRAFT, by=people.admin, comment="重新填报。", capture=django_capture_on_commit_callbacks)

    assert received() == [("clerk", "reopened"), ("head", "reopened"), ("reviewer", "reopened")]


def test_the_person_who_moved_the_report_gets_no_notice(people, report, django_capture_on_commit_callbacks):
    MembershipFactory(user=people.clerk, role=Role.HEAD, department=people.department)

    moved(report, Status.DEPT_REVIEW, by=fresh(people.clerk), capture=django_capture_on_commit_callbacks)

    assert received() == [("head", "to_review")]


def test_a_move_that_rolls_back_notifies_nobody(people, report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            move(report, Status.DEPT_REVIEW, by=people.clerk)
            transaction.set_rollback(True)

    assert (callbacks, Notice.objects.count()) == ([], 0)


def test_writing_the_notices_twice_writes_them_once(people, report):
    change = StatusChange.objects.get(pk=advance(report, people, Status.DEPT_REVIEW).status_changes.get().pk)

    assert notices_create(change_id=change.pk) == 1
    notices_create(change_id=change.pk)

    assert Notice.objects.count() == 1


def test_notice_texts_name_who_did_what_and_why(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    move(report, Status.DRAFT, by=people.reviewer, comment="请核实在职人数。")
    for change in StatusChange.objects.order_by("pk"):
        notices_create(change_id=change.pk)

    texts = [(n.recipient.username, notice_text(n)) for n in notices_for(people.head)] + [
        (n.recipient.username, notice_text(n)) for n in notices_for(people.reviewer)]

    assert texts == [
        ("head", "2021年度岳阳市岳阳楼区融媒体中心的自评报告被刘建国退回，退回理由：请核实在职人数。"),
        ("head", "孟庆红提交了2021年度岳阳市岳阳楼区融媒体中心的自评报告，请您审核。"),
        ("reviewer", "2021年度岳阳市岳阳楼区融媒体中心的自评报告已由吴鹏翔审核通过并报送财政，请您复核。"),
    ]


def test_a_notice_links_to_where_its_recipient_acts_now(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    move(report, Status.DRAFT, by=people.reviewer, comment="请核实。")
    for change in StatusChange.objects.order_by("pk"):
        notices_create(change_id=change.pk)
    head_to_review, = [n for n in notices_for(people.head) if n.kind == "to_review"]
    clerk_returned, = notices_for(people.clerk)

    assert notice_url(head_to_review, people.head) == reverse("report_detail", args=[report.pk])
    assert notice_url(clerk_returned, people.clerk) == reverse("report_history", args=[report.pk])


def test_unread_notices_are_counted_until_marked_read(people, report):
    advance(report, people, Status.DEPT_REVIEW)
    notices_create(change_id=StatusChange.objects.get().pk)

    before = notice_unread_count(people.head)
    marked = notices_mark_read(user=people.head)

    assert (before, marked, notice_unread_count(people.head), notice_unread_count(people.clerk)) == (1, 1, 0, 0)


def test_the_navbar_counts_both_kinds_of_unread_notices_in_one_query(client, people, report):
    advance(report, people, Status.DEPT_REVIEW)
    notices_create(change_id=StatusChange.objects.get().pk)
    FollowupNotice.objects.bulk_create([
        FollowupNotice(recipient=people.head, kind=FollowupKind.REMINDER, text=f"提醒{n}", key=f"k{n}") for n in range(2)
    ] + [FollowupNotice(recipient=people.clerk, kind=FollowupKind.REMINDER, text="别人的", key="c")])
    client.force_login(people.head)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()

    counting = [q["sql"] for q in queries.captured_queries if re.search(r'"(reports|followup)_notice"', q["sql"])]
    assert len(counting) == 1
    assert re.search(r'id="nav-notice-count">(\d+)<', page).group(1) == "1"
    assert re.search(r'id="nav-followup-count">(\d+)<', page).group(1) == "2"
