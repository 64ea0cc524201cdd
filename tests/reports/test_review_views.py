import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.enums import Status
from reports.models import Notice, Report, ScoreEntry, StatusChange
from reports.notices import notices_create
from reports.review import report_save_opinion, report_set_review_scores
from reports.workflow import move
from tests.reports.editor_support import login
from tests.reports.review_support import advance, submittable_report

pytestmark = pytest.mark.django_db


def text_of(html, element_id):
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(2))).strip()


def field_errors(html):
    return re.findall(r'<div class="invalid-feedback d-block"[^>]*>(.*?)</div>', html)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def review_post(report, action, **values):
    data = {"revision": str(report.revision), "action": action, "opinion": "", "comment": ""}
    for entry in ScoreEntry.objects.filter(report=report).select_related("indicator"):
        data[f"review_score__{entry.indicator.code}"] = "" if entry.review_score is None else str(entry.review_score)
        data[f"review_note__{entry.indicator.code}"] = entry.review_note
    data.update(values)
    return data


# --- The head's page --------------------------------------------------------------------------------
def test_the_head_reads_the_whole_report_with_the_opinion_form(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    response = client.get(reverse("report_dept_review", args=[report.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "report-status") == "部门审核"
    assert '<textarea name="opinion"' in html and '<textarea name="comment"' in html
    assert text_of(html, "btn-approve") == "审核通过，报送财政"
    assert "评价报告综述" in html and "财政供养人<br>员控制率" in html  # the form body, whole (labels broken to fit)
    assert text_of(html, "review-problems").startswith("一致性检查")


def test_the_head_saves_an_opinion_without_deciding(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    response = client.post(reverse("report_dept_review", args=[report.pk]), {
        "revision": report.revision, "action": "save", "opinion": "同意报送。", "comment": ""}, follow=True)

    assert messages_of(response) == ["部门（单位）意见已保存。"]
    assert (Report.objects.get(pk=report.pk).dept_opinion, Report.objects.get(pk=report.pk).status) == (
        "同意报送。", Status.DEPT_REVIEW)


def test_a_return_without_a_comment_keeps_what_was_typed_and_says_why(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    response = client.post(reverse("report_dept_review", args=[report.pk]), {
        "revision": report.revision, "action": "return", "opinion": "写了一半的意见", "comment": ""})

    html = response.content.decode()
    assert response.status_code == 400
    assert field_errors(html) == ["请填写退回理由，说明需要修改的内容。"]
    assert "写了一半的意见</textarea>" in html
    assert Report.objects.get(pk=report.pk).status == Status.DEPT_REVIEW


def test_the_head_returns_with_a_comment(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    response = client.post(reverse("report_dept_review", args=[report.pk]), {
        "revision": report.revision, "action": "return", "opinion": "", "comment": "请补充基础数据。"}, follow=True)

    assert messages_of(response) == ["已退回：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“草稿”。"]
    assert list(StatusChange.objects.filter(report=report).values_list("to_status", "comment"))[-1] == (
        Status.DRAFT, "请补充基础数据。")


def test_the_head_approves_and_signs_the_department_block(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    response = client.post(reverse("report_dept_review", args=[report.pk]), {
        "revision": report.revision, "action": "approve", "opinion": "同意报送。", "comment": ""})

    stored = Report.objects.get(pk=report.pk)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert (stored.status, stored.dept_opinion, stored.dept_head_name, stored.dept_signed_on) == (
        Status.FINANCE_REVIEW, "同意报送。", "吴鹏翔", timezone.localdate())


def test_a_stale_head_page_is_refused_with_the_typed_text_kept(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    response = client.post(reverse("report_dept_review", args=[report.pk]), {
        "revision": report.revision - 1, "action": "save", "opinion": "我的意见", "comment": ""})

    assert response.status_code == 409
    assert messages_of(response) == [
        f"未保存：您打开页面后，这份报告已被他人修改（当前修订号 {report.revision}）。您填写的内容仍在下方表单中，核对后可再次提交。"]
    assert "我的意见</textarea>" in response.content.decode()


# --- The reviewer's page ----------------------------------------------------------------------------
def problem_list(html):
    """The problem messages a page lists (the check page's and the review pages' shared markup) and its count."""
    messages_ = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r'class="[^"]*problem-message[^"]*"[^>]*>(.*?)</', html)]
    count = re.search(r'id="problem-count" data-count="(\d+)"', html)
    return messages_, int(count.group(1)) if count else None


SEED_FLAGS = [
    "“政府采购执行率”：自评得分3分高于建议得分1分。请核实。",
    "“经济效益”：定量目标中经济效益填报为“无”，自评得分却为5分。请核实。",
    "“生态效益”：定量目标中生态效益填报为“无”，自评得分却为5分。请核实。",
]


def test_the_clerks_check_page_lists_exactly_the_problems_and_flags_the_reviewer_sees(client, people, report):
    # 经济效益 declared 无 but scored 5 while the shared 15 points are not all given (so never “满分”).
    ScoreEntry.objects.filter(report=report, indicator__code="procurement_rate").update(
        suggested_score=Decimal("1.00"), suggestion_trace="政府采购执行率 = 80%")
    ScoreEntry.objects.filter(report=report, indicator__code="benefit_social").update(
        self_score=Decimal("4"), deduction_reason="部分社会效益目标未完成。")
    report = advance(report, people, Status.FINANCE_REVIEW)

    login(client, people.reviewer)
    reviewer = problem_list(client.get(reverse("report_review", args=[report.pk])).content.decode())
    login(client, people.clerk)
    clerk = problem_list(client.get(reverse("report_check", args=[report.pk])).content.decode())

    assert clerk == reviewer
    assert reviewer == ([
        "基础数据未填写：三公经费上年决算数、三公经费本年预算数、三公经费本年决算数、年初预算数、预算调整数、项目支出、"
        "重点项目支出、专项资金个数、未按进度下达的专项个数、政府采购预算数、政府采购实际数、公务卡应结算金额、"
        "公务卡实际刷卡金额、三公经费上年预算数。系统无法计算相关指标的建议得分（没有发生的填0）。",
        *SEED_FLAGS,
    ], 4)


def test_the_review_page_shows_flags_with_their_traces_and_a_row_per_indicator(client, people, report):
    ScoreEntry.objects.filter(report=report, indicator__code="procurement_rate").update(
        flagged=True, suggested_score=Decimal("1.00"), suggestion_trace="政府采购执行率 = 80%")
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    html = client.get(reverse("report_review", args=[report.pk])).content.decode()

    assert re.findall(r'<div class="text-body-secondary problem-detail">(.*?)</div>', html) == [
        "政府采购执行率 = 80%",
        "人工评分：效益指标由部门对照定量目标的完成情况自评，系统不计算建议得分",
        "人工评分：效益指标由部门对照定量目标的完成情况自评，系统不计算建议得分",
    ]
    assert 'id="score-flags"' not in html
    assert html.count('name="review_score__') == 25
    assert text_of(html, "review-row-staff_control_rate").startswith("财政供养人员控制率 5 5")


def test_bad_review_scores_come_back_at_their_rows_with_everything_typed(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    response = client.post(reverse("report_review", args=[report.pk]), review_post(
        report, "save", review_score__staff_control_rate="4", review_note__staff_control_rate="",
        review_score__fund_balance="九", opinion="意见草稿"))

    html = response.content.decode()
    assert response.status_code == 400
    assert field_errors(html) == ["复核得分与自评得分不同，请填写复核说明。", "请输入分数，如 5 或 4.5。"]
    assert 'name="review_score__fund_balance" value="九"' in html
    assert "意见草稿</textarea>" in html
    assert ScoreEntry.objects.filter(report=report, review_score__isnull=False).count() == 0


def test_the_reviewer_saves_scores_and_opinion(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    response = client.post(reverse("report_review", args=[report.pk]), review_post(
        report, "save", review_score__staff_control_rate="4分", review_note__staff_control_rate="超编1人。",
        opinion="初步意见。"), follow=True)

    assert messages_of(response) == ["复核得分和意见已保存。"]
    entry = ScoreEntry.objects.get(report=report, indicator__code="staff_control_rate")
    assert (entry.review_score, entry.review_note) == (Decimal("4.00"), "超编1人。")
    assert Report.objects.get(pk=report.pk).finance_opinion == "初步意见。"


def test_the_reviewer_approves_and_the_report_freezes(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    response = client.post(reverse("report_review", args=[report.pk]), review_post(
        report, "approve", opinion="同意审定。"))

    stored = Report.objects.get(pk=report.pk)
    assert (response.status_code, stored.status, stored.finance_head_name) == (302, Status.APPROVED, "刘建国")
    assert len(stored.approved_digest) == 64


def test_the_reviewer_returns_with_a_comment_and_the_typed_scores_are_kept(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    client.post(reverse("report_review", args=[report.pk]), review_post(
        report, "return", review_score__staff_control_rate="4", review_note__staff_control_rate="超编1人。",
        comment="请核实在职人数。"))

    assert Report.objects.get(pk=report.pk).status == Status.DRAFT
    assert ScoreEntry.objects.get(report=report, indicator__code="staff_control_rate").review_score == Decimal("4.00")


def test_a_returned_and_resubmitted_report_shows_the_reviewer_what_changed(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    move(report, Status.DRAFT, by=people.reviewer, comment="请核实联系电话。")
    Report.objects.filter(pk=report.pk).update(contact_phone="0730-8245359")
    report = advance(Report.objects.get(pk=report.pk), people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    html = client.get(reverse("report_review", args=[report.pk])).content.decode()

    assert text_of(html, "submission-changes") == "自上次提交以来的修改 项目 修改前 修改后 基本概况 · 联络电话 8245359 0730-8245359"
    assert text_of(html, "last-return").startswith("上次于")
    assert text_of(html, "last-return").endswith("在“财政审核”环节被刘建国退回，理由：请核实联系电话。")


# --- History, reopening -----------------------------------------------------------------------------
def test_the_history_lists_moves_and_each_change_old_to_new(client, people, report):
    report = advance(report, people, Status.FINANCE_REVIEW)
    saved = report_set_review_scores(report=report, rows=[{
        "indicator_id": ScoreEntry.objects.get(report=report, indicator__code="staff_control_rate").indicator_id,
        "review_score": Decimal("4"), "review_note": "超编。"}], revision=report.revision, by=people.reviewer)
    move(Report.objects.get(pk=report.pk), Status.DRAFT, by=people.reviewer, comment="请核实。")
    login(client, people.clerk)

    html = client.get(reverse("report_history", args=[report.pk])).content.decode()

    items = [re.sub(r"^\S+ \S+ · ", "", text) for text in (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m)).strip()
        for m in re.findall(r'<li class="card mb-2[^"]*">(.*?)</li>', html, re.S))]
    assert items == [
        "刘建国 退回 ：财政审核 → 草稿 理由：请核实。",
        f"刘建国 保存“复核得分”（修订号 {saved}） 项目 修改前 修改后 "
        "评分表 · 财政供养人员控制率 · 复核得分 （空） 4 评分表 · 财政供养人员控制率 · 复核说明 （空） 超编。",
        "吴鹏翔 审核通过，报送财政 ：部门审核 → 财政审核 意见：同意报送。",
        "孟庆红 提交部门审核 ：草稿 → 部门审核",
    ]


def test_the_admin_reopens_an_approved_report_with_a_reason(client, people, report):
    report = advance(report, people, Status.APPROVED)
    login(client, people.admin)
    url = reverse("report_reopen", args=[report.pk])

    refused = client.post(url, {"revision": report.revision, "reason": ""})
    response = client.post(url, {"revision": report.revision, "reason": "决算调整，重新填报。"})

    assert (refused.status_code, field_errors(refused.content.decode())) == (400, ["请填写重新打开的理由。"])
    assert (response.status_code, response["Location"]) == (302, reverse("report_history", args=[report.pk]))
    assert Report.objects.get(pk=report.pk).status == Status.DRAFT


# --- Queue ---------------------------------------------------------------------------------------------
def _queue_rows(html):
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m)).strip()
            for m in re.findall(r'<tr id="queue-\d+">(.*?)</tr>', html, re.S)]


def test_the_queue_lists_the_offices_reports_with_counts_and_filters(client, people, report):
    submittable_report(people.other_department)  # the seed flags its 经济效益 and 生态效益 rows
    ScoreEntry.objects.filter(report=report).update(flagged=False)
    report = advance(report, people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    everything = client.get(reverse("review_queue")).content.decode()
    finance = client.get(reverse("review_queue"), {"status": "finance_review"}).content.decode()
    flagged = client.get(reverse("review_queue"), {"flag": "flagged", "year": "2021"}).content.decode()

    assert text_of(everything, "queue-counts") == "草稿 1 部门审核 0 财政审核 1 已审定 0 合计 2"
    assert [row.split(" ")[1] for row in _queue_rows(everything)] == [people.department.code,
                                                                      people.other_department.code]
    assert _queue_rows(finance)[0].startswith(f"2021 {people.department.code} 岳阳市岳阳楼区融媒体中心 财政审核")
    assert _queue_rows(finance)[0].endswith("98 复核 记录")
    assert len(_queue_rows(finance)) == 1
    assert [row.split(" ")[1] for row in _queue_rows(flagged)] == [people.other_department.code]


def test_a_reviewer_of_another_office_sees_none_of_these_reports(client, people, report):
    login(client, people.other_reviewer)

    html = client.get(reverse("review_queue")).content.decode()

    assert _queue_rows(html) == []


def test_the_queue_is_for_reviewers(client, people):
    login(client, people.clerk)

    assert client.get(reverse("review_queue")).status_code == 403


def _queue_queries(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("review_queue")).status_code == 200
    return len(context)


def test_the_queue_query_count_does_not_grow_with_its_rows(client, people):
    submittable_report(people.department)
    login(client, people.reviewer)
    _queue_queries(client)
    one = _queue_queries(client)
    for _ in range(2):
        from tests.factories import DepartmentFactory

        submittable_report(DepartmentFactory(office=people.department.office))

    three = _queue_queries(client)

    assert one == three


# --- Notices and navbar ---------------------------------------------------------------------------------
def test_the_navbar_counts_unread_notices_until_the_list_is_seen(client, people, report,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    html = client.get(reverse("home")).content.decode()
    notices = client.get(reverse("notices")).content.decode()
    after = client.get(reverse("home")).content.decode()

    assert text_of(html, "nav-notices") == "通知 1"
    assert text_of(notices, f"notice-{Notice.objects.get().pk}").endswith(
        "孟庆红提交了2021年度岳阳市岳阳楼区融媒体中心的自评报告，请您审核。")
    assert text_of(after, "nav-notices") == "通知"
    assert f'href="{reverse("report_dept_review", args=[report.pk])}" class="notice-text"' in notices


def test_reviewers_get_the_queue_in_the_navbar_and_clerks_do_not(client, people):
    login(client, people.reviewer)
    reviewer_html = client.get(reverse("notices")).content.decode()
    login(client, people.clerk)
    clerk_html = client.get(reverse("notices")).content.decode()

    assert 'id="nav-review-queue"' in reviewer_html
    assert 'id="nav-review-queue"' not in clerk_html


def test_home_offers_the_head_the_review_page(client, people, report):
    report = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.head)

    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("report_dept_review", args=[report.pk])}">审核</a>' in html


# --- Verification -----------------------------------------------------------------------------------------
def test_the_verification_page_confirms_a_digest_and_shows_metadata_only(client, people, report):
    report = Report.objects.get(pk=advance(report, people, Status.APPROVED).pk)
    url = reverse("report_verify", args=[report.verification_token])

    blank = client.get(url)
    good = client.get(url, {"digest": report.approved_digest.upper()})
    bad = client.get(url, {"digest": "0" * 64})

    html = good.content.decode()
    assert (blank.status_code, good.status_code, bad.status_code) == (200, 200, 200)
    assert text_of(html, "verify-meta") == (
        f"评价年度 2021 部门（单位） 岳阳市岳阳楼区融媒体中心 审定日期 {timezone.localdate():%Y年%-m月%-d日}")
    assert text_of(html, "verify-result") == "一致：该摘要与系统中审定的报告内容相符。"
    assert text_of(bad.content.decode(), "verify-result") == "不一致：该摘要与系统中审定的报告内容不符，报告可能被修改过。"
    assert 'id="verify-result"' not in blank.content.decode()
    assert "孟庆红" not in html and "财政供养人员控制率" not in html and people.department.code not in html
    assert good["Cache-Control"] == "no-store"


def test_an_unknown_or_reopened_token_is_not_found(client, people, report):
    report = Report.objects.get(pk=advance(report, people, Status.APPROVED).pk)
    token = report.verification_token
    move(report, Status.DRAFT, by=people.admin, comment="重新填报。")

    assert client.get(reverse("report_verify", args=["x" * 43])).status_code == 404
    assert client.get(reverse("report_verify", args=[token])).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_notices_page_query_count_does_not_grow_with_its_notices(client, people, report):
    login(client, people.head)
    report = advance(report, people, Status.DEPT_REVIEW)
    notices_create(change_id=report.status_changes.get().pk)
    _queries(client, reverse("notices"))
    one = _queries(client, reverse("notices"))
    for _ in range(2):
        report = move(report, Status.DRAFT, by=people.head, comment="请修改。")
        report = move(report, Status.DEPT_REVIEW, by=people.clerk)
        notices_create(change_id=report.status_changes.last().pk)

    three = _queries(client, reverse("notices"))

    assert (Notice.objects.filter(recipient=people.head).count(), one) == (3, three)


def test_the_history_page_query_count_does_not_grow_with_its_entries(client, people, report):
    login(client, people.clerk)
    report = advance(report, people, Status.DEPT_REVIEW)
    url = reverse("report_history", args=[report.pk])
    _queries(client, url)
    one = _queries(client, url)
    report_save_opinion(report=report, opinion="同意。", revision=report.revision, by=people.head)
    report_save_opinion(report=report, opinion="同意报送。", revision=report.revision, by=people.head)
    report = move(Report.objects.get(pk=report.pk), Status.DRAFT, by=people.head, comment="请修改。")
    move(report, Status.DEPT_REVIEW, by=people.clerk)

    three = _queries(client, url)

    assert one == three


def test_the_queue_pages_filters_by_code_or_name_and_sorts(client, people):
    from reports.views.review import QUEUE_PAGE
    from tests.factories import DepartmentFactory

    year = submittable_report(people.department).evaluation_year
    Report.objects.bulk_create([
        Report(evaluation_year=year, department=DepartmentFactory(
            code=f"7{index:05d}", name=f"排序单位{index}", office=people.department.office))
        for index in range(QUEUE_PAGE + 2)
    ])
    first, last = "700000", f"7{QUEUE_PAGE + 1:05d}"
    Report.objects.filter(department__code=last).update(status=Status.FINANCE_REVIEW, submitted_at=timezone.now())
    login(client, people.reviewer)

    page1 = client.get(reverse("review_queue")).content.decode()
    page2 = client.get(reverse("review_queue"), {"page": 2}).content.decode()
    by_name = client.get(reverse("review_queue"), {"department": f"排序单位{QUEUE_PAGE + 1}"}).content.decode()
    by_code = client.get(reverse("review_queue"), {"department": last}).content.decode()
    newest = client.get(reverse("review_queue"), {"sort": "submitted_desc", "status": ""}).content.decode()

    codes = [row.split(" ")[1] for row in _queue_rows(page1)] + [row.split(" ")[1] for row in _queue_rows(page2)]
    assert len(_queue_rows(page1)) == QUEUE_PAGE
    assert codes == sorted(codes) and codes[0] == first and len(codes) == QUEUE_PAGE + 3
    assert text_of(page1, "queue-counts").endswith(f"合计 {QUEUE_PAGE + 3}")
    assert "第51–53条，共53条" in re.sub(r"\s+", "", page2)
    assert [row.split(" ")[1] for row in _queue_rows(by_name)] == [last]
    assert [row.split(" ")[1] for row in _queue_rows(by_code)] == [last]
    assert [row.split(" ")[1] for row in _queue_rows(newest)][0] == last
