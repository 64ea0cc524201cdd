"""The printed forms of targets: the 绩效目标申报表 at its limits and the report's 绩效目标完成情况."""
import io
from decimal import Decimal

import pypdf
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from reports.docx import report_docx_bytes
from reports.pdf import html_to_pdf, report_render_pdf
from targets.completion import completion
from targets.enums import AdjustmentStatus, Category, Direction
from targets.models import (
    MAX_GOALS,
    MAX_INDICATORS,
    MAX_TASKS,
    NAME_LENGTH,
    TEXT_LENGTH,
    Declaration,
    IndicatorResult,
    TargetIndicator,
)
from targets.printing import declaration_form, labelled_rows, rate_lines, tree_rows
from targets.services import adjustment_save
from targets.workflow import adjustment_move
from tests.reports.docx_checks import docx_text
from tests.reports.editor_support import blank_report, login
from tests.reports.pdf_checks import squeeze
from tests.targets.test_yearend import approved, indicator

pytestmark = pytest.mark.django_db

TREE_HEADER = "一级指标二级指标三级指标指标值"


def largest_declaration(department):
    """Every list full and every text at its limit."""
    declaration = Declaration.objects.create(department=department, year=2021, budget_general=Decimal("260.48"))
    sentence = "负责全区新闻报道计划的制定实施，组织重大主题宣传。"  # 25 characters
    text = (sentence * (TEXT_LENGTH // len(sentence) + 1))[:TEXT_LENGTH]
    declaration.tasks.bulk_create([declaration.tasks.model(declaration=declaration, order=n, text=text)
                                   for n in range(MAX_TASKS)])
    declaration.goals.bulk_create([declaration.goals.model(declaration=declaration, order=n, text=text)
                                   for n in range(MAX_GOALS)])
    categories = list(Category)
    TargetIndicator.objects.bulk_create([
        TargetIndicator(declaration=declaration, order=n, category=categories[n % len(categories)],
                        name=(f"指标{n}" + "中央级主流党媒发稿" * 30)[:NAME_LENGTH], direction=Direction.AT_LEAST,
                        value=Decimal("123456789012.1234"), unit="篇" * 20)
        for n in range(MAX_INDICATORS)
    ])
    return declaration


def render(declaration):
    context = declaration_form(declaration, declaration.indicators.all(), declaration.tasks.all(),
                               declaration.goals.all())
    return html_to_pdf(render_to_string("targets/declaration_pdf.html", context))


@pytest.mark.db_agnostic  # layout only: SQLite run (docs/testing.md)
def test_the_largest_declaration_prints_with_the_tree_header_on_every_page_of_the_tree(people):
    declaration = largest_declaration(people.department)

    pages = [squeeze(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(render(declaration))).pages]

    tree_pages = [i for i, text in enumerate(pages) if "中央级主流党媒发稿中央级" in text]
    assert len(pages) > 20 and len(tree_pages) > 3
    assert [i for i in tree_pages if TREE_HEADER not in pages[i]] == []
    # A long 年度主要任务 continues on the next page with its label（续）.
    assert any("年度主要任务（续）" in text for text in pages[1:])
    assert all(f"指标{n}" in "".join(pages) for n in (0, 57, 99))


def test_a_long_text_is_rows_whose_label_continues():
    rows = labelled_rows("年度主要任务", ["甲。" * 200])

    assert len(rows) == 2
    assert (rows[0].label.cont, rows[0].label.open, rows[1].label.cont) == (False, True, True)
    assert rows[1].label.lines == ["年度主要任", "务（续）"]


def test_the_tree_merges_its_labels_and_keeps_a_row_for_an_empty_category(declaration):
    rows = tree_rows(declaration.indicators.all())

    assert [(r.group.lines, r.group.cont, r.category.lines[0], r.name, r.value) for r in rows[:5]] == [
        (["产出指标"], False, "数量指标", "中央级主流党媒发稿", "≥ 129 篇"),
        (["产出指标"], True, "质量指标", "", ""),
        (["产出指标"], True, "时效指标", "", ""),
        (["产出指标"], True, "成本指标", "三公经费支出", "≤ 2.81 万元"),
        (["效益指标"], False, "经济效", "", ""),
    ]
    assert len(rows) == 9


@pytest.mark.parametrize(("direction", "kwargs", "lines"), [
    (Direction.AT_LEAST, {"target": Decimal(129), "actual": Decimal(100)}, ["77.52%", "未完成"]),
    (Direction.AT_MOST, {"target": Decimal("2.81"), "actual": Decimal("2.5")}, ["100.00%"]),
    (Direction.AT_LEAST, {"target": Decimal(0), "actual": Decimal(-1)}, ["不适用", "未完成"]),
    (Direction.AT_LEAST, {"target": Decimal(129)}, [""]),
])
def test_the_rate_prints_with_its_shortfall_flag(direction, kwargs, lines):
    assert rate_lines(completion(direction, **kwargs)) == lines


def _approved_with_results(people):

    declaration = approved(people)
    report = blank_report(people.department)
    posts, cost, mood = (indicator(declaration, n) for n in ("中央级主流党媒发稿", "三公经费支出", "社会反响"))
    IndicatorResult.objects.create(report=report, indicator=posts, actual_value=Decimal(100),
                                   deviation_reason="上级媒体版面压缩，中央级稿件减少。")
    IndicatorResult.objects.create(report=report, indicator=cost, actual_value=Decimal("2.5"))
    IndicatorResult.objects.create(report=report, indicator=mood, outcome="mostly", deviation_reason="个别投诉。" * 100)
    adjustment = adjustment_save(declaration=declaration, reason="上级调整三公经费预算。", by=people.clerk, rows=[
        {"id": cost.pk, "direction": "le", "value": Decimal("2.6"), "unit": "万元", "qualitative_value": ""},
    ])
    adjustment = adjustment_move(adjustment, AdjustmentStatus.FINANCE_REVIEW, by=people.clerk)
    adjustment_move(adjustment, AdjustmentStatus.APPROVED, by=people.reviewer)
    return report


def test_the_report_prints_its_targets_with_actuals_rates_and_reasons_and_says_they_were_adjusted(people):
    report = _approved_with_results(people)

    pages = [squeeze(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(report_render_pdf(report=report))).pages]

    text = "".join(pages)
    assert "一级指标二级指标三级指标指标值实际值完成率偏差原因" in text
    assert "中央级主流党媒发稿≥129篇100篇77.52%未完成上级媒体版面压缩，中央级稿件减少。" in text
    assert "三公经费支出（已调整）≤2.6万元2.5万元100.00%" in text
    assert "社会反响良好基本达成80.00%未完成个别投诉。" in text
    assert "本年度绩效目标经调整申请调整" in text and "批准调整：上级调整三公经费预算。" in text
    # The free-text 定量 table is not printed beside the targets.
    assert "评价内容绩效目标完成情况" not in text


def test_the_word_file_prints_the_same_targets_table(people):
    report = _approved_with_results(people)

    text = docx_text(report_docx_bytes(report))

    assert "一级指标二级指标三级指标指标值实际值完成率偏差原因" in text
    assert "中央级主流党媒发稿≥129篇100篇77.52%未完成上级媒体版面压缩，中央级稿件减少。" in text
    assert "三公经费支出（已调整）≤2.6万元2.5万元100.00%" in text
    assert "本年度绩效目标经调整申请调整" in text and "批准调整：上级调整三公经费预算。" in text
    assert "评价内容绩效目标完成情况" not in text


def test_the_report_page_shows_the_same_targets_table(client, people):
    report = _approved_with_results(people)
    login(client, people.head)

    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()

    assert 'id="report-targets"' in page and "77.52%" in page and "上级媒体版面压缩" in page
    assert 'id="report-targets-adjusted"' in page
