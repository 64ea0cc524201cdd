"""An approved report's dossier ZIP and the year's ZIP of dossiers, read back member by member."""
import io
import zipfile

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from evidence.selectors import place_for
from evidence.services import evidence_add
from reports.exporters.dossier import build_dossier, year_dossiers_zip
from reports.interchange import document_dumps
from reports.models import Report
from reports.pdf import report_archive_pdf
from tests.evidence.support import pdf_bytes, upload
from tests.reports.docx_checks import docx_text
from tests.reports.test_output_views import login
from tests.reports.test_pdf import approve, demo_report

pytestmark = pytest.mark.django_db
FOLDER = "106019_岳阳市岳阳楼区融媒体中心_2021年度档案/"
BASE = "106019_岳阳市岳阳楼区融媒体中心_2021年度自评报告"
EVIDENCE = f"{FOLDER}106019_岳阳市岳阳楼区融媒体中心_佐证材料/评分表_预算调整率/预算调整批复.pdf"


@pytest.fixture
def approved(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())
    report = demo_report()
    clerk = User.objects.get(username="clerk")
    evidence_add(report=report, place=place_for(report, "score", "budget_adjustment_rate"),
                 upload=upload("预算调整批复.pdf", pdf_bytes()), by=clerk)
    return report_archive_pdf(report=approve(demo_report()))


def test_the_dossier_holds_the_pdf_docx_document_history_and_evidence(approved):
    buffer = io.BytesIO()

    missing = build_dossier(approved, buffer)

    archive = zipfile.ZipFile(buffer)
    report = Report.objects.get(pk=approved.pk)
    history = archive.read(FOLDER + "审核记录.html").decode()
    assert missing == []
    assert archive.namelist() == [f"{FOLDER}{BASE}.pdf", f"{FOLDER}{BASE}.docx", f"{FOLDER}{BASE}.json",
                                  FOLDER + "审核记录.html", EVIDENCE]
    assert archive.read(f"{FOLDER}{BASE}.pdf") == report.approved_pdf.open("rb").read()
    assert "绩效自评综合得分98分评价等次优秀" in docx_text(archive.read(f"{FOLDER}{BASE}.docx"))
    assert archive.read(f"{FOLDER}{BASE}.json").decode() == document_dumps(report.approved_snapshot)
    assert archive.read(EVIDENCE) == pdf_bytes()
    assert [history.count(move) for move in ("草稿 → 部门审核", "部门审核 → 财政审核", "财政审核 → 已审定")] == [1, 1, 1]
    assert '<td class="comment">同意</td>' in history and report.approved_digest in history
    assert docx.Document(io.BytesIO(archive.read(f"{FOLDER}{BASE}.docx"))).inline_shapes[0] is not None


def test_the_years_zip_holds_each_approved_dossier_and_a_readme(approved):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(year_dossiers_zip(Report.objects.all(), approved.evaluation_year))))

    assert archive.namelist() == [f"{FOLDER}{BASE}.pdf", f"{FOLDER}{BASE}.docx", f"{FOLDER}{BASE}.json",
                                  FOLDER + "审核记录.html", EVIDENCE, "README.txt"]
    assert archive.read("README.txt").decode().splitlines()[0] == "2021年度已审定自评报告档案，共1份。"


def test_the_dossier_download_is_for_an_approved_report_only(client, approved):
    login(client, "clerk")

    response = client.get(reverse("report_dossier", args=[approved.pk]))
    html = client.get(reverse("report_detail", args=[approved.pk])).content.decode()

    assert (response.status_code, response["Content-Type"]) == (200, "application/zip")
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()[0] == f"{FOLDER}{BASE}.pdf"
    assert f'id="btn-dossier" href="{reverse("report_dossier", args=[approved.pk])}"' in html


def test_a_draft_has_no_dossier(client):
    call_command("load_demo", stdout=io.StringIO())
    login(client, "clerk")

    assert client.get(reverse("report_dossier", args=[demo_report().pk])).status_code == 404
