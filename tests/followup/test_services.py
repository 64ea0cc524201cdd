import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from followup.enums import FindingCategory, FindingStatus, NoticeKind
from followup.models import Finding, FindingChange, Notice
from followup.selectors import carried_candidates, findings_visible_to, overdue_q
from followup.services import carried_prefill, carried_save, finding_record, finding_reply
from followup.workflow import finding_move
from reports.enums import Status
from reports.interchange import report_export
from reports.models import Report, ReportEdit
from reports.yearly import year_open
from scoring.services import rubric_get_or_create_default
from tests.followup.support import approved_world, record
from tests.reports.review_support import fresh

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def notices_of(user):
    return list(Notice.objects.filter(recipient=user).order_by("pk").values_list("kind", "text"))


def test_a_reviewer_records_a_finding_and_the_department_gets_a_rectification_notice(django_capture_on_commit_callbacks):
    people, report = approved_world()

    with django_capture_on_commit_callbacks(execute=True):
        finding = record(report, people, places=("section/finance", "scores/fund_balance"))

    assert (finding.status, finding.places, finding.created_by) == (
        FindingStatus.OPEN, ["section/finance", "scores/fund_balance"], people.reviewer)
    deadline = (TODAY + datetime.timedelta(days=30)).isoformat()
    text = (f"整改通知：刘建国在2021年度岳阳市岳阳楼区融媒体中心的自评报告中发现“预算编制”问题，请于{deadline}前整改并答复。")
    assert notices_of(people.clerk) == notices_of(people.head) == [(NoticeKind.ISSUED, text)]
    assert notices_of(people.reviewer) == notices_of(people.other_clerk) == []
    assert list(ReportEdit.objects.filter(report=report).values_list("section", flat=True)) == ["followup"]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.DEPT_REVIEW])
def test_no_finding_is_recorded_before_the_report_reaches_the_bureau(status):
    people, report = approved_world(status)

    with pytest.raises(PermissionDenied):
        record(report, people)


def test_only_the_offices_reviewer_records_findings():
    people, report = approved_world()

    for user in (people.clerk, people.head, people.other_reviewer, people.admin):
        with pytest.raises(PermissionDenied):
            finding_record(report=report, category=FindingCategory.BUDGET, description="x", places=[],
                           deadline=TODAY, by=user)


def test_a_finding_names_each_bad_field_in_chinese():
    people, report = approved_world()

    with pytest.raises(ValidationError) as error:
        finding_record(report=report, category="nonsense", description="  ", places=["section/nowhere"],
                       deadline=TODAY - datetime.timedelta(days=1), by=people.reviewer)

    assert error.value.message_dict == {
        "category": ["请选择问题类别。"], "description": ["请填写问题描述。"],
        "places": ["涉及内容不在这份报告中：section/nowhere。"],
        "deadline": [f"整改期限不能早于今天（{TODAY}）。"],
    }
    assert Finding.objects.count() == 0


def test_the_round_trip_reply_return_reply_accept_keeps_its_history(django_capture_on_commit_callbacks):
    people, report = approved_world()

    with django_capture_on_commit_callbacks(execute=True):
        finding = record(report, people)
        finding = finding_reply(finding=finding, revision=finding.revision, measures="已细化。", responsible="孟庆红",
                                completed_on=TODAY, submit=True, by=people.clerk)
    with pytest.raises(ValidationError) as missing_reason:
        finding_move(finding, FindingStatus.OPEN, by=fresh(people.reviewer))
    with django_capture_on_commit_callbacks(execute=True):
        finding = finding_move(finding, FindingStatus.OPEN, by=fresh(people.reviewer), comment="请附预算批复文件。")
        finding = finding_reply(finding=finding, revision=finding.revision, measures="已细化，附批复。",
                                responsible="孟庆红", completed_on=TODAY, submit=True, by=people.head)
        finding = finding_move(finding, FindingStatus.ACCEPTED, by=fresh(people.reviewer))

    assert missing_reason.value.message_dict == {"comment": ["请填写退回的理由，说明还需整改的内容。"]}
    steps = list(FindingChange.objects.filter(finding=finding).values_list("from_status", "to_status", "by__username",
                                                                           "comment"))
    assert steps == [
        ("", "open", "reviewer", ""), ("open", "replied", "clerk", ""), ("replied", "open", "reviewer", "请附预算批复文件。"),
        ("open", "replied", "head", ""), ("replied", "accepted", "reviewer", ""),
    ]
    assert (finding.status, finding.measures, finding.accepted_at is not None) == (
        FindingStatus.ACCEPTED, "已细化，附批复。", True)
    assert [kind for kind, _text in notices_of(people.reviewer)] == [NoticeKind.REPLIED, NoticeKind.REPLIED]
    assert [kind for kind, _text in notices_of(people.clerk)] == [
        NoticeKind.ISSUED, NoticeKind.RETURNED, NoticeKind.ACCEPTED]
    assert FindingChange.objects.filter(finding=finding).last().snapshot["status"] == "accepted"


def test_a_reply_names_each_bad_field_and_saves_nothing():
    people, report = approved_world()
    finding = record(report, people)

    with pytest.raises(ValidationError) as error:
        finding_reply(finding=finding, revision=finding.revision, measures="", responsible="x" * 51,
                      completed_on=TODAY + datetime.timedelta(days=1), submit=True, by=people.clerk)

    assert error.value.message_dict == {
        "measures": ["请填写整改措施。"], "responsible": ["责任人不超过50字（现有51字）。"],
        "completed_on": [f"完成日期不能晚于今天（{TODAY}）：请在整改完成后答复。"],
    }
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN


def test_another_departments_clerk_and_the_reviewer_cannot_reply():
    people, report = approved_world()
    finding = record(report, people)

    for user in (people.other_clerk, people.reviewer, people.admin):
        with pytest.raises(PermissionDenied):
            finding_reply(finding=finding, revision=finding.revision, measures="x", responsible="y",
                          completed_on=TODAY, by=user)


def test_an_open_finding_past_its_deadline_is_overdue_and_an_answered_one_is_not():
    people, report = approved_world()
    late = record(report, people, days=5)
    answered = record(report, people, days=5)
    answered = finding_reply(finding=answered, revision=answered.revision, measures="已整改。", responsible="孟庆红",
                             completed_on=TODAY, submit=True, by=people.clerk)

    later = TODAY + datetime.timedelta(days=6)

    assert list(Finding.objects.filter(overdue_q(later))) == [late]
    assert list(Finding.objects.filter(overdue_q(TODAY))) == []


def test_findings_are_visible_to_the_department_its_office_and_admins_only():
    people, report = approved_world()
    finding = record(report, people)

    seen = {name: list(findings_visible_to(getattr(people, name))) for name in (
        "clerk", "head", "reviewer", "admin", "other_reviewer", "other_clerk")}

    assert seen == {"clerk": [finding], "head": [finding], "reviewer": [finding], "admin": [finding],
                    "other_reviewer": [], "other_clerk": []}


def test_open_findings_carry_into_next_years_report_prefilled_and_into_its_document():
    people, report = approved_world()
    still_open = record(report, people, description="资产未及时入账。")
    replied = record(report, people, description="绩效目标不细化。")
    replied = finding_reply(finding=replied, revision=replied.revision, measures="已补充量化指标。", responsible="孟庆红",
                            completed_on=TODAY, submit=True, by=people.clerk)
    accepted = record(report, people, description="已整改的问题。")
    accepted = finding_reply(finding=accepted, revision=accepted.revision, measures="已整改。", responsible="孟庆红",
                             completed_on=TODAY, submit=True, by=people.clerk)
    finding_move(accepted, FindingStatus.ACCEPTED, by=fresh(people.reviewer))
    year_open(year=2022, rubric=rubric_get_or_create_default(), deadline=datetime.date(2023, 5, 31))
    next_report = Report.objects.get(department=people.department, evaluation_year__year=2022)

    candidates = list(carried_candidates(next_report))
    prefilled = {f.pk: carried_prefill(f) for f in candidates}
    carried_save(report=next_report, texts=prefilled, by=fresh(people.clerk))

    assert candidates == [still_open, replied]
    assert prefilled == {
        still_open.pk: f"尚未整改（整改期限：{still_open.deadline}）。",
        replied.pk: f"已补充量化指标。（责任人：孟庆红，已于{TODAY}完成；当前状态：待验收）",
    }
    carried = report_export(next_report)["followup"]["carried"]
    assert [(c["year"], c["finding"]["description"], c["text"]) for c in carried] == [
        (2021, "资产未及时入账。", prefilled[still_open.pk]), (2021, "绩效目标不细化。", prefilled[replied.pk]),
    ]
    assert ReportEdit.objects.filter(report=next_report, section="carried").count() == 1


def test_findings_and_replies_are_part_of_the_reports_interchange_document():
    people, report = approved_world()
    finding = record(report, people)
    finding_reply(finding=finding, revision=finding.revision, measures="已细化。", responsible="孟庆红",
                  completed_on=TODAY, submit=False, by=people.clerk)

    part = report_export(report)["followup"]

    assert part == {"findings": [{
        "category": "budget", "description": "三公经费预算编制不细化，未按项目列示。", "places": ["section/finance"],
        "deadline": finding.deadline.isoformat(), "status": "open",
        "reply": {"measures": "已细化。", "responsible": "孟庆红", "completed_on": TODAY.isoformat(), "evidence": []},
    }]}
