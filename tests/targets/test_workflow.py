import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from targets.enums import AdjustmentStatus, Status
from targets.models import Adjustment, DeclarationChange, DeclarationNotice, TargetIndicator
from targets.services import adjustment_save
from targets.workflow import adjustment_move, allowed_moves, move

pytestmark = pytest.mark.django_db


def approve(declaration, people):
    declaration = move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    declaration = move(declaration, Status.FINANCE_REVIEW, by=people.head, comment="同意报送。")
    return move(declaration, Status.APPROVED, by=people.reviewer, comment="同意。")


def test_the_declaration_goes_the_reports_way_and_ends_approved(declaration, people):
    declaration = approve(declaration, people)

    assert declaration.status == Status.APPROVED
    assert declaration.get_status_display() == "已批复"
    assert declaration.revision == 4 and declaration.submitted_at and declaration.approved_at
    assert list(DeclarationChange.objects.values_list("from_status", "to_status", "by__username", "comment")) == [
        ("draft", "dept_review", "clerk", ""),
        ("dept_review", "finance_review", "head", "同意报送。"),
        ("finance_review", "approved", "reviewer", "同意。"),
    ]
    snapshot = DeclarationChange.objects.last().snapshot
    assert [i["name"] for i in snapshot["indicators"]] == ["中央级主流党媒发稿", "三公经费支出", "社会反响"]


def test_a_return_needs_a_comment_and_goes_back_to_draft(declaration, people):
    declaration = move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    declaration = move(declaration, Status.FINANCE_REVIEW, by=people.head)

    with pytest.raises(ValidationError) as excinfo:
        move(declaration, Status.DRAFT, by=people.reviewer, comment=" ")
    returned = move(declaration, Status.DRAFT, by=people.reviewer, comment="数量指标偏低。")

    assert excinfo.value.message_dict == {"comment": ["请填写退回的理由。"]}
    assert returned.status == Status.DRAFT


@pytest.mark.parametrize("who", ["head", "reviewer", "other_clerk", "other_reviewer", "admin"])
def test_only_the_clerk_submits(declaration, people, who):
    with pytest.raises(PermissionDenied):
        move(declaration, Status.DEPT_REVIEW, by=getattr(people, who))


def test_allowed_moves_drive_the_buttons(declaration, people):
    declaration = move(declaration, Status.DEPT_REVIEW, by=people.clerk)

    assert allowed_moves(declaration, people.head) == [Status.DRAFT, Status.FINANCE_REVIEW]
    assert allowed_moves(declaration, people.clerk) == []


def test_moves_notify_as_reports_do(declaration, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        declaration = move(declaration, Status.FINANCE_REVIEW, by=people.head)
    with django_capture_on_commit_callbacks(execute=True):
        move(declaration, Status.DRAFT, by=people.reviewer, comment="请补充指标。")

    assert sorted(DeclarationNotice.objects.values_list("recipient__username", "kind", "change__to_status")) == [
        ("clerk", "returned", "draft"), ("head", "returned", "draft"), ("head", "to_review", "dept_review"),
        ("reviewer", "to_review", "finance_review"),
    ]


def test_an_approved_adjustment_changes_the_indicator_and_keeps_the_old_value(declaration, people):
    declaration = approve(declaration, people)
    indicator = TargetIndicator.objects.get(declaration=declaration, name="中央级主流党媒发稿")
    rows = [{"id": indicator.pk, "direction": "ge", "value": 100, "unit": "篇", "qualitative_value": ""}]

    adjustment = adjustment_save(declaration=declaration, reason="上级调整发稿任务。", rows=rows, by=people.clerk)
    adjustment = adjustment_move(adjustment, AdjustmentStatus.FINANCE_REVIEW, by=people.clerk)
    adjustment = adjustment_move(adjustment, AdjustmentStatus.APPROVED, by=people.reviewer)

    indicator.refresh_from_db()
    assert (indicator.value_text, indicator.adjusted_by_id) == ("≥ 100 篇", adjustment.pk)
    assert Adjustment.objects.get().previous == {
        str(indicator.pk): {"name": "中央级主流党媒发稿", "direction": "ge", "value": "129.0000", "unit": "篇",
                            "qualitative_value": ""},
    }


def test_an_adjustment_needs_a_reason_and_a_change(declaration, people):
    declaration = approve(declaration, people)

    with pytest.raises(ValidationError) as excinfo:
        adjustment_save(declaration=declaration, reason="", rows=[], by=people.clerk)

    assert excinfo.value.message_dict == {"reason": ["请填写调整理由。"], "__all__": ["没有修改任何指标值。"]}


def test_a_draft_declaration_cannot_be_adjusted(declaration, people):
    with pytest.raises(PermissionDenied):
        adjustment_save(declaration=declaration, reason="x", rows=[], by=people.clerk)


def test_a_returned_adjustment_needs_a_reason(declaration, people):
    declaration = approve(declaration, people)
    indicator = declaration.indicators.first()
    adjustment = adjustment_save(declaration=declaration, reason="调整。", by=people.clerk,
                                 rows=[{"id": indicator.pk, "direction": "ge", "value": 1, "unit": "", "qualitative_value": ""}])
    adjustment = adjustment_move(adjustment, AdjustmentStatus.FINANCE_REVIEW, by=people.clerk)

    with pytest.raises(ValidationError):
        adjustment_move(adjustment, AdjustmentStatus.DRAFT, by=people.reviewer)
    with pytest.raises(PermissionDenied):
        adjustment_move(adjustment, AdjustmentStatus.APPROVED, by=people.head)
