import pytest

from evalsite.text import visible

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u200b\u200d\ufeff\u2028\x07"


@pytest.mark.parametrize(("raw", "expected"), [
    (f"融媒体{BIDI}中心", "融媒体中心"),
    ("\u202efdp.exe", "fdp.exe"),
    ("岳阳楼区财政局", "岳阳楼区财政局"),
])
def test_visible_drops_bidi_and_other_invisible_characters(raw, expected):
    assert visible(raw) == expected


def test_a_department_name_with_bidi_characters_reaches_filenames_and_zip_entries_without_them():
    from reports.exporters.archive import pdf_name
    from reports.views.output import content_disposition

    class Named:
        def __init__(self):
            self.department = type("D", (), {"code": "106019", "name": "融媒体\u202egpj.exe\u202c中心"})()
            self.evaluation_year = type("Y", (), {"year": 2021})()

    header = content_disposition("融媒体\u202e中心\u2066.pdf", fallback="report.pdf")

    assert pdf_name(Named()) == "106019_融媒体gpj.exe中心_2021年度自评报告.pdf"
    assert "%E2%80%AE" not in header and "%E2%81%A6" not in header
    assert header == "attachment; filename=\"report.pdf\"; filename*=UTF-8''%E8%9E%8D%E5%AA%92%E4%BD%93%E4%B8%AD%E5%BF%83.pdf"


@pytest.mark.django_db
def test_the_department_sheet_strips_bidi_characters_from_names():
    from departments.importer import departments_import
    from departments.models import Department
    from tests.departments.test_importer import sheet
    from tests.factories import BureauFactory

    departments_import(file=sheet(("106019", "融媒体\u202e中心\u200f", "", "行政政法科")), bureau=BureauFactory(), dry_run=False)

    assert Department.objects.get(code="106019").name == "融媒体中心"
