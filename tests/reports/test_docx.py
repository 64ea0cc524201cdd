"""The Word document of the demo report, read back with python-docx and converted by LibreOffice."""
import difflib
import io

import docx
import pytest
from django.core.management import call_command
from django.db import transaction
from docx.oxml.ns import qn

from reports.docx import report_docx_bytes, report_docx_filename
from reports.models import Report
from reports.pdf import report_render_pdf
from tests.reports.docx_checks import body_blocks, docx_text, soffice_pdf
from tests.reports.pdf_checks import page_texts, squeeze
from tests.reports.test_pdf import seed_in_form_order

# Tests of module-scoped data still mark the database, so that pytest-django sets it up when run alone.
pytestmark = [pytest.mark.django_db, pytest.mark.db_agnostic]  # layout only: SQLite run (docs/testing.md)

QUANT_HEADER = "整体支出绩效定量目标及实施计划完成情况评价内容绩效目标完成情况"
RUBRIC_HEADER = "一级指标二级指标三级指标评分标准分值自评得分扣分原因和其他说明"


def demo_report():
    return Report.objects.select_related("evaluation_year", "department").get(
        evaluation_year__year=2021, department__code="106019"
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo report's DOCX and PDF, made once for the module; the data is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        report = demo_report()
        made = {"docx": report_docx_bytes(report), "pdf": report_render_pdf(report=report),
                "filename": report_docx_filename(report)}
        transaction.set_rollback(True)
    return made


@pytest.fixture(scope="module")
def converted(demo, tmp_path_factory):
    scratch = tmp_path_factory.mktemp("soffice")
    path = scratch / "demo.docx"
    path.write_bytes(demo["docx"])
    return soffice_pdf(path, scratch)


def inserted(expected, actual):
    """What `actual` holds beyond `expected`; None when it also lacks or changes something."""
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    extra = []
    for op, _a1, _a2, b1, b2 in matcher.get_opcodes():
        if op == "insert":
            extra.append(actual[b1:b2])
        elif op != "equal":
            return None
    return extra


def test_docx_is_named_like_the_pdf(demo):
    assert demo["filename"] == "2021年度岳阳市岳阳楼区融媒体中心整体支出绩效自评报告.docx"


def test_every_seed_figure_label_and_text_is_read_back_in_form_order(demo):
    text = docx_text(demo["docx"])
    position, missing = 0, []

    for expected in seed_in_form_order():
        found = text.find(squeeze(expected), position)
        if found < 0:
            missing.append(expected)
        else:
            position = found + len(squeeze(expected))

    assert missing == []


def test_docx_text_is_the_pdfs_but_for_what_the_pdf_repeats_at_page_tops(demo):
    pdf = "".join(page_texts(demo["pdf"]))

    assert inserted(docx_text(demo["docx"]), pdf) == [
        "年度部门（单位）总体运行情况及取得的成绩（续）",  # a long cell's label, shown again on the next page
        QUANT_HEADER, "姓名职务/职称单位签字", RUBRIC_HEADER + "过程（40分）预算管理（15分）",
    ]


def test_libreoffice_converts_the_docx_to_the_same_text_on_nine_pages(demo, converted):
    pages = page_texts(converted)

    assert len(pages) == 9
    assert inserted(docx_text(demo["docx"]), "".join(pages)) == [QUANT_HEADER, RUBRIC_HEADER]


def test_tables_are_the_pdfs_with_header_rows_repeated(demo):
    document = docx.Document(io.BytesIO(demo["docx"]))

    tables = [value for kind, value in body_blocks(document) if kind == "table"]
    headers = [sum(1 for tr in t._tbl.tr_lst if tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None)
               for t in document.tables]

    # cover fields, 基本概况, the four 收支 tables, 定性, 定量, 评价人员, 评分表
    assert [len(rows) for rows in tables] == [5, 5, 3, 4, 3, 3, 6, 16, 6, 27]
    assert headers == [0, 0, 2, 3, 2, 2, 1, 1, 1, 1]
    assert tables[2] == [
        ["机构名称", "收入合计", "其中："],
        ["上年结转", "公共财政拨款", "政府基金拨款", "纳入专户管理的非税收入拨款", "其他收入"],
        ["岳阳市岳阳楼\n区融媒体中心", "260.48", "", "260.48", "", "", ""],  # the PDF's line break
    ]
    # merged cells print once: 实际完成 over five 目标, 产出目标 over nine rows, 投入 over three
    assert [len(r) for r in tables[6]] == [3, 3, 2, 2, 2, 2]
    assert tables[9][1][:2] == ["投  入\n（15分）", "预算配置\n（15分）"]
    assert tables[9][-1] == ["总  分", "100", "98", ""]


def test_page_is_a4_with_the_pdfs_margins_and_numbered_after_the_cover(demo):
    document = docx.Document(io.BytesIO(demo["docx"]))
    section = document.sections[0]

    footer = section.footer.paragraphs[0]
    instructions = [e.text.strip() for e in footer._p.iter(qn("w:instrText"))]
    mm = [round(length.mm, 1) for length in (section.page_width, section.page_height, section.top_margin,
                                             section.right_margin, section.bottom_margin, section.left_margin)]

    assert mm == [210, 297, 20, 18, 22, 18]
    assert (footer.text, instructions) == ("第 1 页 共 1 页", ["PAGE", "NUMPAGES"])
    assert section.different_first_page_header_footer is True
    assert section.first_page_footer.paragraphs[0].text == ""


def test_every_run_names_a_chinese_east_asian_font(demo):
    document = docx.Document(io.BytesIO(demo["docx"]))

    fonts = {run.rPr.rFonts.get(qn("w:eastAsia")) for run in document.element.body.iter(qn("w:r")) if run.text}
    font_table = next(p for p in document.part.package.parts if str(p.partname) == "/word/fontTable.xml")

    assert fonts == {"宋体", "黑体"}
    assert '<w:font w:name="宋体"><w:altName w:val="SimSun"/>' in font_table.blob.decode()
