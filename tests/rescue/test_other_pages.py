"""Input posted after the session ended is kept on every page with a form worth typing into, not only
the report editor: the reviewer's 复核 page, the head's 部门意见, the 整改 answer (posted to a URL
that only takes POSTs, so the user is sent back to the finding's page), through the real login view."""
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from accounts.middleware import SESSION_LAST_SEEN
from reports.enums import Status
from reports.models import Report
from rescue.models import KeptInput
from tests.followup.support import approved_world, record, reply_data
from tests.reports.editor_support import PASSWORD
from tests.reports.review_support import advance, make_people, submittable_report
from tests.reports.test_review_views import review_post

pytestmark = pytest.mark.django_db

RESTORED = "登录超时前提交的内容已恢复到下方表单中，尚未保存。"


def sign_in(client, user, next_url=""):
    token = client.get("/accounts/login/").context["csrf_token"]
    return client.post("/accounts/login/", {
        "username": user.username, "password": PASSWORD, "next": next_url, "csrfmiddlewaretoken": token})


def go_idle(client):
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 31 * 60
    session.save()


def browser(user):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, user).status_code == 302
    return client


def post_after_timeout(client, url, data, user):
    """Open `url`'s page, let the session end, post; then sign in again as the login page asks."""
    token = client.get(url).context["csrf_token"]
    go_idle(client)
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    signed_in = sign_in(client, user, next_url=url)
    return response, signed_in


def test_the_reviewers_notes_and_opinion_come_back_unsaved_after_a_timeout():
    people = make_people()
    report = advance(submittable_report(people.department), people, Status.FINANCE_REVIEW)
    url = reverse("report_review", args=[report.pk])
    client = browser(people.reviewer)
    data = review_post(report, "save", opinion="经复核，报告基本属实。", review_score__fund_balance="1.50",
                       review_note__fund_balance="结余率偏高，扣0.5分。")

    _response, signed_in = post_after_timeout(client, url, data, people.reviewer)
    page = client.get(signed_in["Location"])
    again = client.get(url)

    body = page.content.decode()
    assert signed_in["Location"] == url
    assert RESTORED in body and "经复核，报告基本属实。" in body and "结余率偏高，扣0.5分。" in body
    assert page.context["form"]["review_score__fund_balance"].value() == "1.50"
    assert Report.objects.get(pk=report.pk).finance_opinion == ""
    assert "结余率偏高，扣0.5分。" not in again.content.decode()  # taken once
    assert KeptInput.objects.count() == 0


def test_the_restored_review_saves_with_the_revision_it_was_typed_against():
    people = make_people()
    report = advance(submittable_report(people.department), people, Status.FINANCE_REVIEW)
    url = reverse("report_review", args=[report.pk])
    client = browser(people.reviewer)
    _response, signed_in = post_after_timeout(
        client, url, review_post(report, "save", opinion="经复核，报告基本属实。"), people.reviewer)
    page = client.get(url)

    saved = client.post(url, {**review_post(report, "save", opinion="经复核，报告基本属实。"),
                              "revision": page.context["form"]["revision"].value(),
                              "csrfmiddlewaretoken": page.context["csrf_token"]})

    assert saved.status_code == 302
    assert Report.objects.get(pk=report.pk).finance_opinion == "经复核，报告基本属实。"


def test_the_heads_opinion_comes_back_after_a_timeout():
    people = make_people()
    report = advance(submittable_report(people.department), people, Status.DEPT_REVIEW)
    url = reverse("report_dept_review", args=[report.pk])
    client = browser(people.head)
    data = {"revision": str(report.revision), "action": "save", "opinion": "同意报送，请财政局审核。", "comment": ""}

    _response, signed_in = post_after_timeout(client, url, data, people.head)
    page = client.get(signed_in["Location"])

    assert RESTORED in page.content.decode()
    assert page.context["form"]["opinion"].value() == "同意报送，请财政局审核。"
    assert Report.objects.get(pk=report.pk).dept_opinion == ""


def test_a_rectification_answer_posted_after_a_timeout_returns_on_the_findings_page():
    people, report = approved_world()
    finding = record(report, people)
    client = browser(people.clerk)
    page_url = reverse("finding_detail", args=[finding.pk])
    token = client.get(page_url).context["csrf_token"]
    go_idle(client)

    response = client.post(reverse("finding_reply", args=[finding.pk]), {
        **reply_data(finding, measures="已将三公经费细化到每个项目，并建立月度台账。"), "csrfmiddlewaretoken": token})
    signed_in = sign_in(client, people.clerk, next_url=page_url)
    page = client.get(signed_in["Location"])

    assert response["Location"] == "/accounts/login/?" + urlencode({"next": page_url})
    assert list(KeptInput.objects.values_list("path", flat=True)) == []
    assert RESTORED in page.content.decode()
    assert page.context["reply_form"]["measures"].value() == "已将三公经费细化到每个项目，并建立月度台账。"
    assert page.context["revision"] == str(finding.revision)
    finding.refresh_from_db()
    assert finding.measures == ""


def test_another_user_never_sees_the_reviewers_kept_notes():
    people = make_people()
    report = advance(submittable_report(people.department), people, Status.FINANCE_REVIEW)
    url = reverse("report_review", args=[report.pk])
    client = browser(people.reviewer)
    token = client.get(url).context["csrf_token"]
    go_idle(client)
    client.post(url, {**review_post(report, "save", opinion="只给本人看的意见。"), "csrfmiddlewaretoken": token})

    admin_view = Client()
    sign_in(admin_view, people.admin)
    body = admin_view.get(url).content.decode()

    assert "只给本人看的意见。" not in body
    assert KeptInput.objects.filter(user=people.reviewer).count() == 1
