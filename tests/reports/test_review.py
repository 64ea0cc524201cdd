from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reports.editing import StaleRevision, report_save_section
from reports.enums import Status
from reports.forms.sections import SECTIONS
from reports.models import Report, ReportEdit, ScoreEntry, StatusChange
from reports.review import (
    report_decide,
    report_reopen,
    report_review_save,
    report_save_opinion,
    report_set_review_scores,
    submission_changes,
)
from reports.selectors import report_score_totals
from reports.workflow import move
from scoring.models import Indicator
from tests.reports.editor_support import page_data
from tests.reports.review_support import advance

pytestmark = pytest.mark.django_db


def indicator(code):
    return Indicator.objects.get(code=code, rubric__years__year=2021)


def row(code, score, note=""):
    return {"indicator_id": indicator(code).pk, "review_score": None if score is None else Decimal(score),
            "review_note": note}


def entry(report, code):
    return ScoreEntry.objects.get(report=report, indicator__code=code)


def test_review_scores_are_saved_with_their_notes_and_recorded_old_to_new(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    revision = report.revision

    new_revision = report_set_review_scores(
        report=report, rows=[row("staff_control_rate", "4", "在职人数超编1人。")], revision=revision, by=people.reviewer,
    )

    assert new_revision == revision + 1 == Report.objects.get(pk=report.pk).revision
    stored = entry(report, "staff_control_rate")
    assert (stored.self_score, stored.review_score, stored.review_note) == (Decimal("5.00"), Decimal("4.00"),
                                                                            "在职人数超编1人。")
    edit = ReportEdit.objects.get(section="review-scores")
    assert (edit.by, edit.revision, edit.changes) == (people.reviewer, new_revision, [
        {"path": "scores[0].review_score", "old": None, "new": "4.00"},
        {"path": "scores[0].review_note", "old": "", "new": "在职人数超编1人。"},
    ])
    assert report_score_totals(Report.objects.get(pk=report.pk))["review_total"] == Decimal("97.00")


@pytest.mark.parametrize(("score", "note", "errors"), [
    ("6", "超出", {"review_score__staff_control_rate": ["复核得分应在0至5分之间。"]}),
    ("4.3", "不是半分", {"review_score__staff_control_rate": ["复核得分须为0.5分的整数倍。"]}),
    ("4", "  ", {"review_note__staff_control_rate": ["复核得分与自评得分不同，请填写复核说明。"]}),
])
def test_bad_review_scores_are_refused_at_their_row_and_nothing_is_written(people, report, score, note, errors):
    report = advance(report, people, Status.FINANCE_REVIEW)
    revision = report.revision

    with pytest.raises(ValidationError) as excinfo:
        report_set_review_scores(report=report, rows=[row("staff_control_rate", score, note)], revision=revision,
                                 by=people.reviewer)

    assert excinfo.value.message_dict == errors
    assert (entry(report, "staff_control_rate").review_score, Report.objects.get(pk=report.pk).revision) == (
        None, revision)
    assert ReportEdit.objects.filter(section="review-scores").count() == 0


def test_rows_sharing_one_point_value_may_not_together_exceed_it_after_review(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)

    with pytest.raises(ValidationError) as excinfo:
        report_set_review_scores(report=report, rows=[row("benefit_social", "6", "社会效益突出。")],
                                 revision=report.revision, by=people.reviewer)

    assert excinfo.value.message_dict == {
        "review_score__benefit_economic": ["经济效益、社会效益、生态效益共用分值15分，得分合计不能超过15分。"],
    }


def test_a_review_score_equal_to_the_self_score_needs_no_note(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)

    report_set_review_scores(report=report, rows=[row("staff_control_rate", "5")], revision=report.revision,
                             by=people.reviewer)

    assert entry(report, "staff_control_rate").review_score == Decimal("5.00")


def test_a_stale_review_page_is_refused(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    revision = report.revision
    report_save_opinion(report=report, opinion="先写一半。", revision=revision, by=people.reviewer)

    with pytest.raises(StaleRevision) as excinfo:
        report_set_review_scores(report=report, rows=[row("staff_control_rate", "4", "超编。")], revision=revision,
                                 by=people.reviewer)

    assert excinfo.value.current_revision == revision + 1
    assert entry(report, "staff_control_rate").review_score is None


@pytest.mark.parametrize("status", [Status.DRAFT, Status.DEPT_REVIEW, Status.APPROVED])
def test_review_scores_can_be_set_only_in_finance_review(people, report, status):
    report = advance(report, people, status)

    with pytest.raises(PermissionDenied):
        report_set_review_scores(report=report, rows=[row("staff_control_rate", "4", "超编。")],
                                 revision=report.revision, by=people.reviewer)

    assert entry(report, "staff_control_rate").review_score is None


@pytest.mark.parametrize("who", ["clerk", "head", "other_reviewer", "admin"])
def test_only_the_reviewer_of_the_office_sets_review_scores(people, report, who):
    report = advance(report, people, Status.FINANCE_REVIEW)

    with pytest.raises(PermissionDenied):
        report_set_review_scores(report=report, rows=[row("staff_control_rate", "4", "超编。")],
                                 revision=report.revision, by=getattr(people, who))


def test_the_head_saves_the_department_opinion_and_it_is_recorded(people, report):
    report = advance(report, people, Status.DEPT_REVIEW)

    report_save_opinion(report=report, opinion=" 同意报送。 ", revision=report.revision, by=people.head)

    assert Report.objects.get(pk=report.pk).dept_opinion == "同意报送。"
    assert list(ReportEdit.objects.values_list("section", "by__username", "changes")) == [
        ("dept-opinion", "head", [{"path": "signoff.dept_opinion", "old": "", "new": "同意报送。"}]),
    ]


def test_the_reviewers_save_writes_scores_and_opinion_together(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    revision = report.revision

    new_revision = report_review_save(report=report, rows=[row("staff_control_rate", "4.5", "超编。")],
                                      opinion="基本同意。", revision=revision, by=people.reviewer)

    stored = Report.objects.get(pk=report.pk)
    assert (new_revision, stored.revision, stored.finance_opinion) == (revision + 2, revision + 2, "基本同意。")
    assert list(ReportEdit.objects.values_list("section", "revision")) == [
        ("review-scores", revision + 1), ("finance-opinion", revision + 2)]


def test_the_reviewer_may_not_write_the_department_opinion(people, report):
    report = advance(report, people, Status.DEPT_REVIEW)

    with pytest.raises(PermissionDenied):
        report_save_opinion(report=report, opinion="越权。", revision=report.revision, by=people.reviewer)


def test_returning_needs_a_comment_and_then_writes_nothing(people, report):
    report = advance(report, people, Status.DEPT_REVIEW)

    with pytest.raises(ValidationError) as excinfo:
        report_decide(report=report, to=Status.DRAFT, revision=report.revision, by=people.head, opinion="草稿意见",
                      comment=" ")

    assert excinfo.value.message_dict == {"comment": ["请填写退回理由，说明需要修改的内容。"]}
    assert (Report.objects.get(pk=report.pk).status, Report.objects.get(pk=report.pk).dept_opinion) == (
        Status.DEPT_REVIEW, "")


def test_forwarding_needs_the_department_opinion(people, report):
    report = advance(report, people, Status.DEPT_REVIEW)

    with pytest.raises(ValidationError) as excinfo:
        report_decide(report=report, to=Status.FINANCE_REVIEW, revision=report.revision, by=people.head, opinion="")

    assert excinfo.value.message_dict == {"opinion": ["请填写部门（单位）意见。"]}


def test_the_head_forwards_with_an_opinion_that_signs_the_form(people, report):
    report = advance(report, people, Status.DEPT_REVIEW)

    moved = report_decide(report=report, to=Status.FINANCE_REVIEW, revision=report.revision, by=people.head,
                          opinion="同意报送财政审核。")

    stored = Report.objects.get(pk=moved.pk)
    assert (stored.status, stored.dept_opinion, stored.dept_head_name, stored.dept_signed_on) == (
        Status.FINANCE_REVIEW, "同意报送财政审核。", "吴鹏翔", timezone.localdate())
    assert StatusChange.objects.last().comment == "同意报送财政审核。"


def test_the_reviewer_approves_with_scores_and_opinion_in_one_step(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)

    moved = report_decide(
        report=report, to=Status.APPROVED, revision=report.revision, by=people.reviewer, opinion="同意审定。",
        rows=[row("staff_control_rate", "4.5", "超编。")],
    )

    stored = Report.objects.get(pk=moved.pk)
    assert (stored.status, stored.finance_opinion, stored.finance_head_name, stored.finance_signed_on) == (
        Status.APPROVED, "同意审定。", "刘建国", timezone.localdate())
    assert stored.approved_snapshot["scores"][0]["review_score"] == "4.50"
    assert stored.approved_snapshot["derived"]["review_total"] == "97.50"
    assert list(ReportEdit.objects.values_list("section", flat=True)) == ["review-scores", "finance-opinion"]


def test_a_failed_approval_keeps_nothing_of_what_was_typed(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)

    with pytest.raises(ValidationError):
        report_decide(report=report, to=Status.APPROVED, revision=report.revision, by=people.reviewer, opinion="同意。",
                      rows=[row("staff_control_rate", "9", "超出分值。")])

    assert (Report.objects.get(pk=report.pk).status, Report.objects.get(pk=report.pk).finance_opinion) == (
        Status.FINANCE_REVIEW, "")


def test_a_stale_decision_is_refused_even_without_anything_to_save(people, report):
    report = advance(report, people, Status.DEPT_REVIEW)

    with pytest.raises(StaleRevision):
        report_decide(report=report, to=Status.DRAFT, revision=report.revision - 1, by=people.head, comment="请修改。")

    assert Report.objects.get(pk=report.pk).status == Status.DEPT_REVIEW


def test_nothing_can_be_edited_once_approved(people, report):
    report = advance(report, people, Status.APPROVED)
    before = Report.objects.get(pk=report.pk)

    with pytest.raises(PermissionDenied):
        report_save_section(report=report, section="narrative", data={"narrative": {"problems": "改"}},
                            revision=report.revision, by=people.clerk)
    with pytest.raises(PermissionDenied):
        report_save_opinion(report=report, opinion="改", revision=report.revision, by=people.reviewer)
    with pytest.raises(PermissionDenied):
        report_set_review_scores(report=report, rows=[row("staff_control_rate", "1", "改")],
                                 revision=report.revision, by=people.reviewer)

    after = Report.objects.get(pk=report.pk)
    assert (after.revision, after.approved_digest, after.updated_at) == (
        before.revision, before.approved_digest, before.updated_at)


def test_the_admin_reopens_an_approved_report_with_a_reason(people, report):
    report = advance(report, people, Status.APPROVED)

    with pytest.raises(ValidationError):
        report_reopen(report=report, reason="", by=people.admin)
    moved = report_reopen(report=report, reason="决算数据调整，重新填报。", by=people.admin)

    assert (moved.status, moved.approved_digest, moved.verification_token) == (Status.DRAFT, "", "")
    assert StatusChange.objects.last().comment == "决算数据调整，重新填报。"


def test_a_clerks_section_save_is_recorded_old_to_new(people, report):
    old = report.narrative.problems
    section = SECTIONS["narrative"](report, page_data(report, "narrative", **{"narrative-problems": "新的问题描述。"}))
    assert section.is_valid()

    new_revision = report_save_section(report=report, section="narrative", data=section.cleaned(),
                                       revision=report.revision, by=people.clerk)

    edit = ReportEdit.objects.get()
    assert (edit.section, edit.by, edit.revision, edit.changes) == (
        "narrative", people.clerk, new_revision, [{"path": "narrative.problems", "old": old, "new": "新的问题描述。"}])


def test_no_changes_are_shown_before_a_second_submission(people, report):
    report = advance(report, people, Status.DEPT_REVIEW)

    assert submission_changes(report) is None


def test_a_resubmitted_report_shows_what_the_department_changed_since_the_last_submission(people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    report_set_review_scores(report=report, rows=[row("staff_control_rate", "4", "超编。")], revision=report.revision,
                             by=people.reviewer)
    report = move(Report.objects.get(pk=report.pk), Status.DRAFT, by=people.reviewer, comment="请核实在职人数。")
    ScoreEntry.objects.filter(report=report, indicator__code="staff_control_rate").update(self_score=Decimal("4.50"),
                                                                                           deduction_reason="超编。")
    Report.objects.filter(pk=report.pk).update(contact_phone="0730-8245359")

    report = move(Report.objects.get(pk=report.pk), Status.DEPT_REVIEW, by=people.clerk)

    assert submission_changes(report) == [
        {"path": "overview.contact_phone", "old": "8245359", "new": "0730-8245359"},
        {"path": "scores[0].self_score", "old": "5.00", "new": "4.50"},
        {"path": "scores[0].deduction_reason", "old": "", "new": "超编。"},
    ]
