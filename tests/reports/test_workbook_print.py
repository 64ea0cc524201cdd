"""The year's workbook converted by LibreOffice headless, as a reader prints it."""
import pytest
from openpyxl import load_workbook

from reports.exporters.summary import summary_workbook_write
from reports.models import Report
from tests.reports.docx_checks import soffice_pdf
from tests.reports.pdf_checks import page_texts
from tests.reports.test_exporters import demo_year  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.db_agnostic]  # layout only: SQLite run (docs/testing.md)


def test_libreoffice_prints_every_sheet_of_the_workbook(demo_year, tmp_path):  # noqa: F811 (the fixture)
    path = tmp_path / "summary.xlsx"
    summary_workbook_write(path, reports=Report.objects.all(), evaluation_year=demo_year, include_missing=True)

    text = "".join(page_texts(soffice_pdf(path, tmp_path)))

    sheets = load_workbook(path).sheetnames
    assert sheets[:4] == ["汇总", "评分明细", "收支明细", "进度"]
    for figure in ("106019", "岳阳市岳阳楼区融媒体中心", "财政供养人员控制率", "260.48", "合计"):
        assert figure in text
