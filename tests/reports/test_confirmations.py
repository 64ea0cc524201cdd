"""Issue #13: one-way moves ask first and say what will happen; after a decision the reviewer is back
at the queue; a page links to a move only where workflow.allowed_moves gives it to the user."""
import re

import pytest
from django.urls import reverse

from reports.enums import Status
from reports.models import Report
from tests.reports.editor_support import login
from tests.reports.review_support import advance
from tests.reports.test_review_views import messages_of, review_post

pytestmark = pytest.mark.django_db


def confirms(html):
    """{button id: its data-confirm text} for every button that asks first."""
    return dict(re.findall(r'<button[^>]*id="([\w-]+)"[^>]*data-confirm="([^"]*)"', html))


def decision_buttons(html):
    return re.findall(r'<button type="submit" name="action" value="(\w+)"', html)


def test_the_submit_button_says_what_submitting_does(client, people, report):
    login(client, people.clerk)

    html = client.get(reverse("report_check", args=[report.pk])).content.decode()

    assert confirms(html) == {"btn-submit": "提交后将不能再修改，报告将交给部门负责人审核。确定提交？"}


def test_the_heads_buttons_say_what_forwarding_and_returning_do(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    html = client.get(reverse("report_dept_review", args=[report.pk])).content.decode()

    assert decision_buttons(html) == ["save", "approve", "return"]
    assert confirms(html) == {
        "btn-approve": "报送后本部门不能再修改，报告将交给财政部门归口业务科室审核。确定审核通过并报送财政？",
        "btn-return": "退回后报告回到草稿，由填报人按退回意见修改后重新提交。确定退回？",
    }


def test_the_reviewers_buttons_say_what_approving_and_returning_do(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    html = client.get(reverse("report_review", args=[report.pk])).content.decode()

    assert decision_buttons(html) == ["save", "approve", "return"]
    assert confirms(html) == {
        "btn-approve": "审定后报告和PDF将被冻结，复核得分即为最终得分，只有管理员可以重新打开。确定审定通过？",
        "btn-return": "退回后报告回到草稿，由部门按退回意见修改，重新经部门负责人审核后再报送。确定退回？",
    }
    assert re.search(r'id="link-back" href="([^"]+)"', html).group(1) == reverse("review_queue")


def test_the_reopen_button_says_what_reopening_does(client, people, report):
    report = advance(report, people, Status.APPROVED)
    login(client, people.admin)

    html = client.get(reverse("report_reopen", args=[report.pk])).content.decode()

    assert confirms(html) == {
        "btn-reopen": "重新打开后报告回到草稿，审定结果作废，须重新提交和审核；此操作将记入日志。确定重新打开？"}


def test_every_page_loads_the_confirmation_script_from_the_app(client, people, report):
    login(client, people.clerk)

    html = client.get(reverse("report_check", args=[report.pk])).content.decode()

    assert '<script src="/static/app/confirm.js"></script>' in html


def test_without_the_script_a_confirmed_move_is_one_plain_post(client, people, report):
    # The confirmation is the browser's; the POST a button without JS sends moves the report as before.
    login(client, people.clerk)

    response = client.post(reverse("report_submit", args=[report.pk]), {"revision": str(report.revision)})

    assert (response.status_code, Report.objects.get(pk=report.pk).status) == (302, Status.DEPT_REVIEW)


def test_after_approving_the_reviewer_is_back_at_the_queue_with_the_report_named(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    response = client.post(reverse("report_review", args=[report.pk]),
                           review_post(report, "approve", opinion="同意审定。"), follow=True)

    assert response.redirect_chain == [(reverse("review_queue"), 302)]
    assert messages_of(response) == ["已审定通过：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“已审定”。"]


def test_after_returning_the_reviewer_is_back_at_the_queue_with_the_report_named(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    response = client.post(reverse("report_review", args=[report.pk]),
                           review_post(report, "return", comment="请核实在职人数。"), follow=True)

    assert response.redirect_chain == [(reverse("review_queue"), 302)]
    assert messages_of(response) == ["已退回：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“草稿”。"]


def test_after_deciding_the_head_is_back_home_with_the_report_named(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    response = client.post(reverse("report_dept_review", args=[report.pk]), {
        "revision": report.revision, "action": "approve", "opinion": "同意报送。", "comment": ""}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert messages_of(response) == ["已审核通过，报送财政：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“财政审核”。"]


def detail_actions(client, report):
    html = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    return re.findall(r'<a class="btn btn-sm btn-success" id="action-([\w_]+)" href="([^"]+)"', html)


@pytest.mark.parametrize(("status", "who", "expected"), [
    (Status.DRAFT, "clerk", ["report_check"]),
    (Status.DRAFT, "head", []),  # the clerk submits
    (Status.DRAFT, "reviewer", []),
    (Status.DRAFT, "admin", []),
    (Status.DEPT_REVIEW, "clerk", []),
    (Status.DEPT_REVIEW, "head", ["report_dept_review"]),
    (Status.DEPT_REVIEW, "reviewer", []),
    (Status.FINANCE_REVIEW, "head", []),
    (Status.FINANCE_REVIEW, "reviewer", ["report_review"]),
    (Status.FINANCE_REVIEW, "admin", []),
    (Status.APPROVED, "reviewer", []),
    (Status.APPROVED, "admin", ["report_reopen"]),
])
def test_the_report_page_links_only_the_moves_the_user_may_make_now(client, people, report, status, who, expected):
    report = advance(report, people, status)
    login(client, getattr(people, who))

    actions = detail_actions(client, report)

    assert actions == [(name, reverse(name, args=[report.pk])) for name in expected]
