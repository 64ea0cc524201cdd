import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from departments.enums import Role
from reports.enums import Status
from reports.models import Report, StatusChange
from reports.workflow import allowed_moves, move
from scoring.services import rubric_get_or_create_default, year_create
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    department = DepartmentFactory()
    clerk = UserFactory(username="clerk", full_name="孟庆红")
    head = UserFactory(username="head", full_name="吴鹏翔")
    reviewer = UserFactory(username="reviewer", full_name="张审核")
    admin = UserFactory(username="admin", full_name="管理员")
    MembershipFactory(user=clerk, role=Role.CLERK, department=department)
    MembershipFactory(user=head, role=Role.HEAD, department=department)
    MembershipFactory(user=reviewer, role=Role.REVIEWER, office=department.office)
    MembershipFactory(user=admin, role=Role.ADMIN)
    year = year_create(year=2021, rubric=rubric_get_or_create_default())
    report = Report.objects.create(evaluation_year=year, department=department)
    return {"report": report, "clerk": clerk, "head": head, "reviewer": reviewer, "admin": admin}


def test_full_path_to_approval_records_every_move_and_fills_sign_off(people):
    report = people["report"]

    report = move(report, Status.DEPT_REVIEW, by=people["clerk"])
    report = move(report, Status.FINANCE_REVIEW, by=people["head"], comment="同意报送。")
    report = move(report, Status.APPROVED, by=people["reviewer"], comment="审定通过。")

    today = timezone.localdate()
    assert report.status == Status.APPROVED
    assert (report.dept_head_name, report.dept_signed_on, report.dept_opinion) == ("吴鹏翔", today, "同意报送。")
    assert (report.finance_head_name, report.finance_signed_on, report.finance_opinion) == ("张审核", today, "审定通过。")
    assert report.submitted_at is not None and report.approved_at is not None
    assert list(StatusChange.objects.values_list("from_status", "to_status", "by__username", "comment")) == [
        ("draft", "dept_review", "clerk", ""),
        ("dept_review", "finance_review", "head", "同意报送。"),
        ("finance_review", "approved", "reviewer", "审定通过。"),
    ]
    assert Report.objects.get(pk=report.pk).revision == 4


@pytest.mark.parametrize("reviewer_key", ["head", "reviewer"])
def test_return_requires_a_comment(people, reviewer_key):
    report = move(people["report"], Status.DEPT_REVIEW, by=people["clerk"])
    if reviewer_key == "reviewer":
        report = move(report, Status.FINANCE_REVIEW, by=people["head"])

    with pytest.raises(ValidationError) as excinfo:
        move(report, Status.DRAFT, by=people[reviewer_key], comment="  ")

    assert excinfo.value.message_dict == {"comment": ["请填写退回或重新打开的理由。"]}
    assert Report.objects.get(pk=report.pk).status != Status.DRAFT


def test_return_with_comment_goes_back_to_draft(people):
    report = move(people["report"], Status.DEPT_REVIEW, by=people["clerk"])

    report = move(report, Status.DRAFT, by=people["head"], comment="请补充基础数据。")

    assert report.status == Status.DRAFT
    assert StatusChange.objects.last().comment == "请补充基础数据。"


@pytest.mark.parametrize("actor", ["head", "reviewer", "admin"])
def test_only_the_clerk_submits(people, actor):
    with pytest.raises(PermissionDenied):
        move(people["report"], Status.DEPT_REVIEW, by=people[actor])

    assert Report.objects.get(pk=people["report"].pk).status == Status.DRAFT


def test_a_move_not_in_the_table_is_refused(people):
    with pytest.raises(PermissionDenied):
        move(people["report"], Status.APPROVED, by=people["admin"])


def test_nobody_reviews_their_own_department(people):
    people_reviewer = people["reviewer"]
    MembershipFactory(user=people_reviewer, role=Role.CLERK, department=people["report"].department)
    report = move(people["report"], Status.DEPT_REVIEW, by=people["clerk"])
    report = move(report, Status.FINANCE_REVIEW, by=people["head"])
    fresh_reviewer = type(people_reviewer).objects.get(pk=people_reviewer.pk)

    with pytest.raises(PermissionDenied):
        move(report, Status.APPROVED, by=fresh_reviewer)


def test_reopen_needs_admin_and_a_reason(people):
    report = move(people["report"], Status.DEPT_REVIEW, by=people["clerk"])
    report = move(report, Status.FINANCE_REVIEW, by=people["head"])
    report = move(report, Status.APPROVED, by=people["reviewer"])

    with pytest.raises(PermissionDenied):
        move(report, Status.DRAFT, by=people["reviewer"], comment="再改改")
    with pytest.raises(ValidationError):
        move(report, Status.DRAFT, by=people["admin"])
    report = move(report, Status.DRAFT, by=people["admin"], comment="数据有误，重新填报。")

    assert (report.status, report.approved_at) == (Status.DRAFT, None)


def test_allowed_moves_drive_the_buttons(people):
    report = people["report"]

    assert allowed_moves(report, people["clerk"]) == [Status.DEPT_REVIEW]
    assert allowed_moves(report, people["head"]) == []
    report = move(report, Status.DEPT_REVIEW, by=people["clerk"])
    assert allowed_moves(report, people["head"]) == [Status.DRAFT, Status.FINANCE_REVIEW]
    assert allowed_moves(report, people["clerk"]) == []


def test_sign_off_date_is_the_shanghai_date(people, settings):
    report = move(people["report"], Status.DEPT_REVIEW, by=people["clerk"])

    report = move(report, Status.FINANCE_REVIEW, by=people["head"])

    assert report.dept_signed_on == datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()


def test_approval_freezes_a_digest_and_archives_the_pdf_after_commit(people, django_capture_on_commit_callbacks):
    from reports.approval import digest_matches, document_digest
    from reports.interchange import report_export

    report = move(people["report"], Status.DEPT_REVIEW, by=people["clerk"])
    report = move(report, Status.FINANCE_REVIEW, by=people["head"])
    with django_capture_on_commit_callbacks(execute=True):
        report = move(report, Status.APPROVED, by=people["reviewer"])

    stored = Report.objects.get(pk=report.pk)
    assert stored.approved_digest == document_digest(report_export(stored))
    assert len(stored.approved_digest) == 64 and len(stored.verification_token) == 16
    assert digest_matches(stored, stored.approved_digest.upper()) is True
    assert digest_matches(stored, "0" * 64) is False
    assert stored.approved_pdf.name.endswith(".pdf")
    assert StatusChange.objects.last().snapshot == stored.approved_snapshot


@pytest.mark.parametrize("target", [Status.DEPT_REVIEW, Status.FINANCE_REVIEW, Status.APPROVED])
def test_a_superuser_moves_no_report_at_any_step(people, target):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    report = people["report"]
    Report.objects.filter(pk=report.pk).update(status={
        Status.DEPT_REVIEW: Status.DRAFT, Status.FINANCE_REVIEW: Status.DEPT_REVIEW,
        Status.APPROVED: Status.FINANCE_REVIEW,
    }[target])
    report.refresh_from_db()

    with pytest.raises(PermissionDenied):
        move(report, target, by=root, comment="同意。")

    assert (Report.objects.get(pk=report.pk).status, allowed_moves(report, root)) == (report.status, [])
