import pytest

from reports.history import document_diff, flatten, record_edit
from reports.models import Report, ReportEdit
from scoring.services import rubric_get_or_create_default, year_create
from tests.factories import DepartmentFactory, UserFactory


def test_flatten_names_every_leaf_by_its_path():
    assert flatten({"income": [{"total": "260.48", "other": None}], "tasks": [], "cover": {"issuer": "甲"}}) == {
        "income[0].total": "260.48", "income[0].other": None, "tasks": [], "cover.issuer": "甲",
    }


def test_diff_lists_changed_added_and_removed_values():
    old = {"income": [{"total": "260.48"}], "tasks": ["任务一", "任务二"], "narrative": {"problems": "甲"}}
    new = {"income": [{"total": "250.00"}], "tasks": ["任务一"], "narrative": {"problems": "甲", "suggestions": "乙"}}

    assert document_diff(old, new) == [
        {"path": "income[0].total", "old": "260.48", "new": "250.00"},
        {"path": "narrative.suggestions", "old": None, "new": "乙"},
        {"path": "tasks[1]", "old": "任务二", "new": None},
    ]


def test_diff_ignores_derived_totals_and_status():
    assert document_diff({"derived": {"self_total": "98.00"}, "status": "draft"},
                         {"derived": {"self_total": "97.00"}, "status": "dept_review"}) == []


def test_blank_and_zero_are_different_values():
    assert document_diff({"rented": None}, {"rented": "0.00"}) == [{"path": "rented", "old": None, "new": "0.00"}]


@pytest.mark.django_db
def test_record_edit_writes_one_row_only_when_something_changed():
    year = year_create(year=2021, rubric=rubric_get_or_create_default())
    report = Report.objects.create(evaluation_year=year, department=DepartmentFactory())
    user = UserFactory()

    assert record_edit(report=report, by=user, section="overview", before={"a": 1}, after={"a": 1}) is None
    edit = record_edit(report=report, by=user, section="overview", before={"a": 1}, after={"a": 2})

    assert list(ReportEdit.objects.values_list("section", "revision", "changes")) == [
        ("overview", 1, [{"path": "a", "old": 1, "new": 2}])
    ]
    assert edit.by == user
