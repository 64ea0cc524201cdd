"""The Word download beside the PDF, and manage.py export_docx."""
import io
from urllib.parse import quote

import docx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.views.output import DOCX_TYPE
from tests.reports.docx_checks import docx_text
from tests.reports.test_output_views import login

pytestmark = pytest.mark.django_db

FILENAME = "2021年度岳阳市岳阳楼区融媒体中心整体支出绩效自评报告.docx"


@pytest.fixture
def demo():
    from reports.models import Report

    call_command("load_demo", stdout=io.StringIO())
    return Report.objects.get(evaluation_year__year=2021, department__code="106019")


def test_anonymous_user_is_sent_to_login(client, demo):
    url = reverse("report_docx", args=[demo.pk])

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={quote(url)}")


def test_another_departments_report_is_not_found(client, demo):
    login(client, "clerk2")

    response = client.get(reverse("report_docx", args=[demo.pk]))

    assert response.status_code == 404


def test_docx_download_has_the_pdfs_chinese_file_name_and_the_form(client, demo):
    login(client, "clerk")

    response = client.get(reverse("report_docx", args=[demo.pk]))

    assert (response.status_code, response["Content-Type"]) == (200, DOCX_TYPE)
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"report-2021-106019.docx\"; filename*=UTF-8''{quote(FILENAME)}"
    )
    assert docx.Document(io.BytesIO(response.content)).core_properties.title == FILENAME.removesuffix(".docx")
    assert "绩效自评综合得分98分评价等次优秀" in docx_text(response.content)


def test_report_page_links_the_docx_beside_the_pdf(client, demo):
    login(client, "clerk")

    html = client.get(reverse("report_detail", args=[demo.pk])).content.decode()

    assert (f'href="{reverse("report_pdf", args=[demo.pk])}">下载PDF</a>\n'
            f'  <a class="btn btn-sm btn-outline-primary" id="btn-docx" href="{reverse("report_docx", args=[demo.pk])}">'
            "下载Word</a>") in html


def test_export_docx_command_writes_the_docx(demo, tmp_path):
    out = tmp_path / "report.docx"
    stdout = io.StringIO()

    call_command("export_docx", "--year", "2021", "--code", "106019", "--out", str(out), stdout=stdout)

    assert "岳阳市岳阳楼区融媒体中心" in docx_text(out.read_bytes())
    assert stdout.getvalue() == f"已导出 {out}（{out.stat().st_size // 1024} KiB）\n"


def test_export_docx_command_names_a_missing_report(demo, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_docx", "--year", "2020", "--code", "106019", "--out", str(tmp_path / "x.docx"))

    assert str(error.value) == "没有找到2020年度预算编码为106019的报告。"


def test_a_department_name_with_bidi_characters_reaches_no_download_name(client, demo):
    """A name stored before names were cleaned (or written straight into the database) is cleaned again on
    the way out: the header a browser turns into a file name has no bidi override, isolate or zero-width mark."""
    from departments.models import Department

    Department.objects.filter(pk=demo.department_id).update(name="融媒体\u202excod.exe\u202c中心\u200b\u2066")
    login(client, "clerk")

    response = client.get(reverse("report_docx", args=[demo.pk]))

    header = response["Content-Disposition"]
    assert response.status_code == 200
    assert header == (
        "attachment; filename=\"report-2021-106019.docx\"; "
        f"filename*=UTF-8''{quote('2021年度融媒体xcod.exe中心整体支出绩效自评报告.docx')}"
    )
