"""Every workflow move (reports.workflow.move) leaves an audit row; a refused move leaves none."""
import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from departments.enums import Role
from reports.enums import Status
from reports.models import Report
from reports.workflow import move
from scoring.services import rubric_get_or_create_default, year_create
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_and_people():
    department = DepartmentFactory(code="901001", name="岳阳楼区融媒体中心")
    clerk = UserFactory(username="clerk")
    head = UserFactory(username="head")
    MembershipFactory(user=clerk, role=Role.CLERK, department=department)
    MembershipFactory(user=head, role=Role.HEAD, department=department)
    year = year_create(year=2021, rubric=rubric_get_or_create_default())
    return Report.objects.create(evaluation_year=year, department=department), clerk, head


def test_each_move_is_recorded_with_the_actor_the_report_and_the_transition(report_and_people):
    report, clerk, head = report_and_people

    report = move(report, Status.DEPT_REVIEW, by=clerk)
    move(report, Status.DRAFT, by=head, comment="请补充基础数据。")

    rows = AuditEvent.objects.filter(event="workflow_move").order_by("id")
    assert [(r.username, r.object_type, r.object_id, r.detail, r.success) for r in rows] == [
        ("clerk", "reports.report", str(report.pk), "draft → dept_review", True),
        ("head", "reports.report", str(report.pk), "dept_review → draft 请补充基础数据。", True),
    ]


def test_a_refused_move_is_not_recorded_as_a_move(report_and_people):
    report, clerk, head = report_and_people

    with pytest.raises(PermissionDenied):
        move(report, Status.DEPT_REVIEW, by=head)

    assert AuditEvent.objects.filter(event="workflow_move").count() == 0
