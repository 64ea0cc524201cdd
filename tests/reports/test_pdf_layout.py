"""The printed form's layout rules on long and unusual reports (reports.layout, as WeasyPrint lays them out)."""
import copy
import json

import pytest

from reports.demo import seed_document
from reports.interchange import report_import
from reports.maximal import MAXIMAL_FILE
from reports.pdf import html_to_document, report_pdf_html
from tests.reports.pdf_checks import heading_only_pages, page_texts, pages_missing_header, tables_without_header

pytestmark = [pytest.mark.django_db, pytest.mark.db_agnostic]  # layout only: SQLite run (docs/testing.md)

MM = 96 / 25.4  # CSS px per millimetre


def render(doc):
    report = report_import(document=doc)
    document = html_to_document(report_pdf_html(report))
    return document, document.write_pdf()


def long_document(*, qualitative=0, quantity=0, output_rows=0):
    """The seed with the issue's long lists: two-line 定性目标, one-line 数量指标, multi-line 产出 targets."""
    doc = copy.deepcopy(seed_document())
    doc["qualitative_goals"] = [
        {"target": f"定性目标第{i}项：围绕区委、区政府中心工作，及时宣传报道区内经济、政治、文化、社会和生态文明建设中的大事；",
         "actual": "已完成" if i % 4 else f"第{i}项部分完成"}
        for i in range(1, qualitative + 1)
    ] or doc["qualitative_goals"]
    rows = [{"category": "quantity", "target": f"数量指标第{i}项发稿{i * 10}篇", "actual": "已完成"}
            for i in range(1, quantity + 1)]
    rows += [{"category": "quality", "target": f"产出指标第{i}项：" + "《城市旧貌换新颜，提升百姓幸福感》在人民日报要闻版刊发；" * 3,
              "actual": "已完成"} for i in range(1, output_rows + 1)]
    if rows:
        doc["quantitative"] = rows + [r for r in doc["quantitative"] if r["category"] not in ("quantity", "quality")]
    return doc


@pytest.mark.parametrize(("case", "kwargs"), [
    ("20 two-line 定性目标", {"qualitative": 20}),
    ("30 one-line 数量指标", {"quantity": 30}),
    ("16 产出 rows with multi-line targets", {"output_rows": 16}),
    ("all three", {"qualitative": 30, "quantity": 30, "output_rows": 16}),
])
def test_long_lists_print_with_their_header_on_every_page(case, kwargs):
    doc = long_document(**kwargs)

    _document, pdf = render(doc)

    pages = page_texts(pdf)
    ours = [g["target"] for g in doc["qualitative_goals"] if g["target"].startswith("定性目标第")]
    assert pages_missing_header(pages, "qualitative_goals", ours) == []
    ours = [r["target"] for r in doc["quantitative"] if r["target"][2:].startswith("指标第")]
    assert pages_missing_header(pages, "quantitative", ours) == []
    assert heading_only_pages(pages) == []


def test_a_split_group_repeats_its_labels_on_the_next_page():
    doc = long_document(quantity=30)

    _document, pdf = render(doc)

    pages = page_texts(pdf)
    spanned = [p for p in pages if "数量指标第" in p]
    assert len(spanned) >= 2
    header = "整体支出绩效定量目标及实施计划完成情况评价内容绩效目标完成情况"
    for page in spanned[1:]:
        assert page.startswith(header + "产出目标数量指标")


def test_a_long_cell_continues_on_the_next_page_under_its_label_with_continued_mark():
    doc = copy.deepcopy(seed_document())
    doc["overview"]["achievements"] = "\n".join(
        f"第{i}段：" + "全年在中央级主流党媒发稿129篇，省级主流党媒发稿364篇，市级主流党媒发稿387条。" * 4 for i in range(1, 17)
    )

    _document, pdf = render(doc)

    pages = page_texts(pdf)
    continued = [p for p in pages if "年度部门（单位）总体运行情况及取得的成绩（续）" in p]
    assert len(continued) >= 2
    assert "".join(pages).count("年度部门（单位）总体运行情况及取得的成绩") == 1 + len(continued)


def test_a_total_row_never_starts_a_page_alone():
    doc = copy.deepcopy(seed_document())
    row = doc["fixed_assets"][0]
    # Enough 机构 rows that the 固定资产 table reaches the bottom of its page in some layout.
    for count in (2, 4, 6, 8, 10):
        doc["fixed_assets"] = [dict(row, org_name=f"下属单位{i}") for i in range(count)]
        _document, pdf = render(doc)
        for page in page_texts(pdf):
            if page.startswith("机构名称固定资产合计其中：其他在用固定资产出租固定资产合计"):
                pytest.fail(f"{count} rows: the 合计 row starts a page alone")


def _boxes_with_class(document, name):
    def walk(box):
        yield box
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    for page in document.pages:
        for box in walk(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and name in (element.get("class") or "").split() and box.element_tag == "div":
                yield box


def test_opinion_and_seal_boxes_are_at_least_45_mm_tall_with_the_signature_lines_under_them():
    document, pdf = render(copy.deepcopy(seed_document()))

    boxes = list(_boxes_with_class(document, "seal-box"))

    assert len(boxes) == 2
    assert all(box.height >= 45 * MM for box in boxes)
    text = "".join(page_texts(pdf))
    assert "部门（单位）意见：部门（单位）负责人（签章）：年月日" in text
    assert "财政部门归口业务科室意见：财政部门归口业务科室负责人（签章）：年月日" in text


def test_the_maximal_report_renders_with_every_table_header_on_every_page():
    doc = json.loads(MAXIMAL_FILE.read_text(encoding="utf-8"))

    document, pdf = render(doc)

    pages = page_texts(pdf)
    assert tables_without_header(document) == []
    assert heading_only_pages(pages) == []
    assert 40 <= len(pages) <= 80
    text = "".join(pages)
    assert text.count("年度部门（单位）总体运行情况及取得的成绩（续）") >= 1
    assert "目标30：" in text and "任务30：" in text and "指标30：" in text
