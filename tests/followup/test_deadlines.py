import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from followup.deadlines import OVERDUE, reminders_send, threshold
from followup.enums import NoticeKind
from followup.models import Notice
from followup.services import extension_grant
from reports.enums import Status
from reports.models import Report
from reports.yearly import year_open
from scoring.services import rubric_get_or_create_default
from tests.followup.support import approved_world, record
from tests.reports.review_support import make_people

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2023, 5, 31)


@pytest.mark.parametrize(("days_left", "expected"), [
    (30, None), (8, None), (7, 7), (4, 7), (3, 3), (2, 3), (1, 1), (0, 0), (-1, OVERDUE), (-40, OVERDUE),
])
def test_the_tightest_threshold_reached_decides_the_reminder(days_left, expected):
    assert threshold(days_left) == expected


def reminders(user):
    return list(Notice.objects.filter(recipient=user, kind=NoticeKind.REMINDER).order_by("pk").values_list("text", flat=True))


def open_2022():
    people = make_people()
    year = year_open(year=2022, rubric=rubric_get_or_create_default(), deadline=DEADLINE).evaluation_year
    return people, year


def test_report_reminders_go_once_per_threshold_to_departments_that_have_not_submitted():
    people, year = open_2022()
    Report.objects.filter(department=people.other_department, evaluation_year=year).update(status=Status.DEPT_REVIEW)

    first = reminders_send(DEADLINE - datetime.timedelta(days=5))
    again = reminders_send(DEADLINE - datetime.timedelta(days=4))
    third = reminders_send(DEADLINE - datetime.timedelta(days=3))

    assert (first["report"], again["report"], third["report"]) == (2, 0, 2)  # clerk and head each time
    assert reminders(people.clerk) == [
        "截止提醒：2022年度岳阳市岳阳楼区融媒体中心的自评报告截止日期为2023-05-31（还有5天截止），请及时填报并提交。",
        "截止提醒：2022年度岳阳市岳阳楼区融媒体中心的自评报告截止日期为2023-05-31（还有3天截止），请及时填报并提交。",
    ]
    assert reminders(people.other_clerk) == []


def test_an_extension_moves_the_reminders_and_the_department_is_told(django_capture_on_commit_callbacks):
    people, year = open_2022()
    with django_capture_on_commit_callbacks(execute=True):
        extension_grant(evaluation_year=year, department=people.department, deadline=datetime.date(2023, 6, 30),
                        reason="机构改革，决算延后。", by=people.admin)

    sent = reminders_send(DEADLINE)

    assert sent["report"] == 1  # the other department's clerk only
    assert reminders(people.clerk) == ["2022年度岳阳市岳阳楼区融媒体中心的自评报告截止日期已延长至2023-06-30，理由：机构改革，决算延后。"]
    assert reminders(people.other_clerk)[-1].startswith("截止提醒：2022年度岳阳市岳阳楼区档案馆的自评报告截止日期为2023-05-31（今天截止）")


def test_an_extension_must_be_later_than_the_years_deadline_and_give_a_reason():
    people, year = open_2022()

    with pytest.raises(Exception) as error:
        extension_grant(evaluation_year=year, department=people.department, deadline=DEADLINE, reason=" ",
                        by=people.admin)

    assert error.value.message_dict == {
        "reason": ["请填写延期理由。"], "deadline": ["延长后的截止日期须晚于本年度的截止日期（2023-05-31）。"]}


def test_rectification_reminders_and_the_overdue_one_are_sent_once(settings):
    settings.REMINDERS_BY_EMAIL = True
    people, report = approved_world()
    people.clerk.email = "clerk@example.cn"
    people.clerk.save()
    finding = record(report, people, days=3)
    today = timezone.localdate()

    counts = [reminders_send(today + datetime.timedelta(days=n))["finding"] for n in (0, 0, 2, 4, 5)]

    assert counts == [2, 0, 2, 2, 0]
    texts = reminders(people.clerk)
    assert [t.split("（")[1].split("）")[0] for t in texts] == ["还有3天截止", "还有1天截止", "已逾期1天"]
    assert [m.to for m in mail.outbox] == [["clerk@example.cn"]] * 3
    assert Notice.objects.filter(finding=finding, kind=NoticeKind.REMINDER, emailed=True).count() == 3


def test_the_command_reports_what_it_sent(capsys):
    people, year = open_2022()

    call_command("send_reminders", "--date", "2023-05-30")
    call_command("send_reminders", "--date", "2023-05-30")

    assert capsys.readouterr().out.splitlines() == [
        "报告截止提醒 3 条，整改提醒 0 条。", "报告截止提醒 0 条，整改提醒 0 条。"]
