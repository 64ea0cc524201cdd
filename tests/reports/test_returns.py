"""A returned report, everywhere the clerk looks, and what changed in the marked places on the next review."""
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.enums import Status
from reports.models import Report, ScoreEntry, StatusChange
from reports.returns import current_return, marks_clean, returns_for
from reports.review import report_decide
from tests.reports.editor_support import login, page_data
from tests.reports.review_support import advance

pytestmark = pytest.mark.django_db

CODES = ["staff_control_rate", "fund_balance", "satisfaction"]


def text_of(html, element_id):
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(2))).strip()


def returned_by_reviewer(report, people, *, sections=(), rows=(), comment="请核实在职人数和资金结余。"):
    """The report in 财政审核, the reviewer's 复核得分 on 在职人员控制率, then returned with marks."""
    report = advance(report, people, Status.FINANCE_REVIEW)
    return report_decide(
        report=report, to=Status.DRAFT, revision=report.revision, by=people.reviewer, comment=comment,
        rows=[{"indicator_id": ScoreEntry.objects.get(report=report, indicator__code="staff_control_rate").indicator_id,
               "review_score": Decimal("4"), "review_note": "实有在职13人，超编。"}],
        marks={"sections": list(sections), "rows": list(rows)},
    )


def at_text(report):
    change = StatusChange.objects.filter(report=report, to_status=Status.DRAFT).last()
    return timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M")


# --- marks_clean ----------------------------------------------------------------------------------
def test_marks_keep_the_editors_section_order_and_the_rubrics_row_order():
    marks = marks_clean(sections=["scores", "cover"], rows=["satisfaction", "staff_control_rate"], codes=CODES)

    assert marks == {"sections": ["cover", "scores"], "rows": ["staff_control_rate", "satisfaction"]}


@pytest.mark.parametrize(("sections", "rows", "field"), [
    (["cover", "appendix"], [], "return_sections"),
    ([], ["no_such_row"], "return_rows"),
])
def test_unknown_marks_are_refused(sections, rows, field):
    with pytest.raises(ValidationError) as raised:
        marks_clean(sections=sections, rows=rows, codes=CODES)

    assert list(raised.value.message_dict) == [field]


# --- The return and its marks ---------------------------------------------------------------------
def test_a_return_keeps_its_marks_on_its_status_change(people, report):
    returned_by_reviewer(report, people, sections=["narrative", "cover"], rows=["fund_balance"])

    change = StatusChange.objects.filter(report=report).last()
    assert (change.to_status, change.comment, change.return_marks) == (
        Status.DRAFT, "请核实在职人数和资金结余。", {"sections": ["cover", "narrative"], "rows": ["fund_balance"]})
    state = current_return(Report.objects.get(pk=report.pk))
    assert state.titles() == ["封面和基本概况", "评价报告综述", "评分表 · 资金结余"]


def test_marks_on_a_forwarding_move_are_not_kept(people, report):
    report = advance(report, people, Status.DEPT_REVIEW)

    report_decide(report=report, to=Status.FINANCE_REVIEW, revision=report.revision, by=people.head,
                  opinion="同意报送。", marks={"sections": ["cover"], "rows": []})

    assert StatusChange.objects.filter(report=report).last().return_marks == {}


def test_a_resubmitted_report_is_no_longer_returned(people, report):
    returned = returned_by_reviewer(report, people, sections=["cover"])
    assert current_return(returned) is not None

    resubmitted = advance(returned, people, Status.DEPT_REVIEW)

    assert (current_return(resubmitted), returns_for([resubmitted])) == (None, {})


def test_a_draft_never_submitted_was_never_returned_and_costs_no_query(django_assert_num_queries, people, report):
    assert report.status == Status.DRAFT and report.submitted_at is None

    with django_assert_num_queries(0):
        assert (current_return(report), returns_for([report])) == (None, {})
    returned = returned_by_reviewer(report, people)
    assert returned.submitted_at is not None and current_return(returned) is not None
    assert list(returns_for([Report.objects.get(pk=report.pk)])) == [report.pk]


# --- What the clerk sees -----------------------------------------------------------------------------
def test_the_clerks_home_says_returned_by_whom_when_why_and_what_to_fix(client, people, report):
    returned = returned_by_reviewer(report, people, sections=["cover"], rows=["fund_balance", "staff_control_rate"])
    login(client, people.clerk)

    html = client.get(reverse("home")).content.decode()

    assert text_of(html, f"returned-{report.pk}") == (
        f"已退回修改 刘建国于{at_text(returned)}在“财政审核”环节退回。 理由：请核实在职人数和资金结余。 "
        "需修改：封面和基本概况、评分表2项指标")


def test_the_editor_and_the_check_page_carry_the_return_banner_and_mark_the_sections(client, people, report):
    returned = returned_by_reviewer(report, people, sections=["narrative"], rows=["fund_balance"])
    login(client, people.clerk)
    banner = (f"已退回修改 刘建国于{at_text(returned)}在“财政审核”环节退回。 退回理由： 请核实在职人数和资金结余。 "
              "标记需要修改的内容： 评价报告综述 、 评分表 · 资金结余 "
              "修改后请到“检查并提交”重新提交；审核人将看到自上次提交以来的修改。")

    for url in (reverse("report_section", args=[report.pk, "cover"]), reverse("report_check", args=[report.pk])):
        html = client.get(url).content.decode()

        assert text_of(html, "returned-banner") == banner
        assert re.findall(r'class="editor-nav-link[^"]*returned-mark"[^>]*id="nav-([a-z-]+)"', html) == [
            "scores", "narrative"]
    narrative = client.get(reverse("report_section", args=[report.pk, "narrative"])).content.decode()
    cover = client.get(reverse("report_section", args=[report.pk, "cover"])).content.decode()
    assert ('id="section-marked"' in narrative, 'id="section-marked"' in cover) == (True, False)


def test_the_scores_page_shows_the_review_beside_each_row_and_highlights_the_marked_rows(client, people, report):
    returned_by_reviewer(report, people, rows=["fund_balance"])
    login(client, people.clerk)

    html = client.get(reverse("report_section", args=[report.pk, "scores"])).content.decode()

    assert re.findall(r'<tr class="score-row[^"]*returned-mark" id="row-([a-z_]+)"', html) == ["fund_balance"]
    reviewed = {code: text_of(html, f"review-{code}") for code in re.findall(r'id="review-([a-z_]+)"', html)}
    assert len(reviewed) == 25
    assert {code: text for code, text in reviewed.items() if text} == {
        "staff_control_rate": "复核4分 实有在职13人，超编。"}


def test_a_report_never_returned_shows_no_banner_and_no_review_column(client, people, report):
    login(client, people.clerk)

    pages = [client.get(url).content.decode() for url in (
        reverse("home"), reverse("report_section", args=[report.pk, "scores"]), reverse("report_check", args=[report.pk]))]

    assert [('id="returned-' in html, "returned-mark" in html, "复核得分和复核说明" in html) for html in pages] == [
        (False, False, False)] * 3


# --- What the reviewer sees next time --------------------------------------------------------------
def test_the_next_review_shows_what_changed_in_each_marked_place(client, people, report):
    returned = returned_by_reviewer(report, people, sections=["cover", "narrative"],
                                    rows=["fund_balance", "card_payment_rate"])
    login(client, people.clerk)
    client.post(reverse("report_section", args=[report.pk, "cover"]),
                page_data(returned, "cover", **{"cover-contact_phone": "0730-8245359"}))
    report = Report.objects.get(pk=report.pk)
    client.post(reverse("report_section", args=[report.pk, "scores"]), page_data(
        report, "scores", **{"scores-score__fund_balance": "3", "scores-reason__fund_balance": ""}))
    report = advance(Report.objects.get(pk=report.pk), people, Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    html = client.get(reverse("report_review", args=[report.pk])).content.decode()

    assert text_of(html, "last-return-marks") == (
        "退回时标记：封面和基本概况、评价报告综述、评分表 · 资金结余、评分表 · 公务卡刷卡率")
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr class="marked-[a-z]+[^"]*"[^>]*>(.*?)</tr>', html, re.S)]
    assert rows == [
        "封面和基本概况 基本概况 · 联络电话 8245359 0730-8245359",
        "评价报告综述 未修改",
        "评分表 · 资金结余 评分表 · 资金结余 · 自评得分 2 3",
        "评分表 · 资金结余 · 扣分原因和其他说明 有结余，但未超过上年结转。 （空）",
        "评分表 · 公务卡刷卡率 未修改",
    ]


def test_the_editor_offers_submitting_only_to_who_may_submit_now(client, people, report):
    login(client, people.clerk)
    draft = client.get(reverse("report_section", args=[report.pk, "cover"])).content.decode()
    report = advance(report, people, Status.DEPT_REVIEW)

    submitted = client.get(reverse("report_section", args=[report.pk, "cover"])).content.decode()

    assert (text_of(draft, "link-check"), text_of(submitted, "link-check")) == ("检查并提交", "检查结果")
    assert 'id="btn-submit"' not in client.get(reverse("report_check", args=[report.pk])).content.decode()
