"""The approved PDF's QR code and short link, and comparing an uploaded PDF with the approved one."""
import hashlib
import io
import subprocess

import docx
import pytest
import zxingcpp
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from reports.docx import report_docx_bytes
from reports.models import Report
from reports.pdf import report_archive_pdf, report_render_pdf
from reports.verification import verification_for, verification_url
from tests.reports.pdf_checks import page_texts, squeeze
from tests.reports.test_pdf import approve, demo_report
from tests.reports.test_review_views import text_of

pytestmark = pytest.mark.django_db
BASE = "https://jxpj.czj.yueyang.gov.cn"


@pytest.fixture
def approved(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVAL_PUBLIC_BASE_URL = BASE + "/"
    call_command("load_demo", stdout=io.StringIO())
    return approve(demo_report())


def decoded(image):
    """The texts of the QR codes zxing-cpp finds in a PIL image."""
    return [result.text for result in zxingcpp.read_barcodes(image)]


def first_page(pdf, tmp_path):
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "r.pdf"),
                    str(tmp_path / "cover")], check=True)
    return Image.open(tmp_path / "cover.png")


def test_the_short_link_is_the_public_base_url_and_the_sixteen_character_token(approved):
    url = verification_url(approved)

    assert url == f"{BASE}/v/{approved.verification_token}/"
    assert len(approved.verification_token) == 16


def test_a_report_not_yet_approved_has_nothing_to_verify():
    call_command("load_demo", stdout=io.StringIO())

    assert verification_for(demo_report()) is None


def test_the_qr_code_decodes_to_the_short_link(approved):
    verification = verification_for(approved)

    assert decoded(Image.open(io.BytesIO(verification.png))) == [verification.url]
    assert verification.svg.startswith('<svg viewBox="0 0 37 37" class="verify-qr-code"><path ')


def test_the_approved_pdfs_cover_carries_the_qr_code_and_every_page_the_link(approved, tmp_path):
    url = f"{BASE}/v/{approved.verification_token}/"

    pdf = report_render_pdf(report=Report.objects.get(pk=approved.pk))
    pages = page_texts(pdf)

    assert decoded(first_page(pdf, tmp_path)) == [url]
    assert pages[0].endswith("岳阳楼区财政局（制）扫码或访问以下地址核验本报告：" + url)
    assert [squeeze(f"核验：{url}") in text for text in pages] == [False] + [True] * (len(pages) - 1)


def test_the_approved_docx_carries_the_same_qr_code(approved):
    document = docx.Document(io.BytesIO(report_docx_bytes(Report.objects.get(pk=approved.pk))))

    images = [part for part in document.part.package.parts if part.content_type == "image/png"]

    assert len(document.inline_shapes) == 1
    assert decoded(Image.open(io.BytesIO(images[0].blob))) == [f"{BASE}/v/{approved.verification_token}/"]


def test_the_short_route_serves_the_verification_page(client, approved):
    response = client.get(reverse("report_verify_short", args=[approved.verification_token]))

    assert response.status_code == 200
    assert text_of(response.content.decode(), "verify-meta").startswith("评价年度 2021 部门（单位） 岳阳市岳阳楼区融媒体中心")


def upload(client, report, content, name="报告.pdf"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("report_verify_short", args=[report.verification_token]), {"pdf": file})


def test_an_uploaded_copy_of_the_archived_pdf_is_identical(client, approved, settings):
    archived = report_archive_pdf(report=approved)
    content = archived.approved_pdf.open("rb").read()
    stored_before = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*"))

    response = upload(client, archived, content)


    assert text_of(response.content.decode(), "verify-pdf-result") == (
        f"一致：上传的文件与系统存档的审定报告PDF逐字节相同。 SHA-256：{hashlib.sha256(content).hexdigest()}")
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*")) == stored_before  # nothing stored


def test_a_pdf_changed_by_one_byte_is_not_identical(client, approved):
    archived = report_archive_pdf(report=approved)
    content = bytearray(archived.approved_pdf.open("rb").read())
    content[-10] ^= 1

    response = upload(client, archived, bytes(content))

    assert text_of(response.content.decode(), "verify-pdf-result").startswith(
        "不一致：上传的文件与系统存档的审定报告PDF不同，可能不是原件或已被修改。 上传文件 SHA-256：")


def test_an_upload_past_the_limit_is_refused_with_the_limit(client, approved, settings):
    settings.EVAL_VERIFY_UPLOAD_MAX_BYTES = 1024 * 1024
    archived = report_archive_pdf(report=approved)

    response = upload(client, archived, b"%PDF" + b"0" * (1024 * 1024))

    html = response.content.decode()
    assert "文件超过1MB，无法比对。" in html
    assert 'id="verify-pdf-result"' not in html


def test_no_file_asks_for_one_and_no_archive_yet_says_so(client, approved):
    missing = client.post(reverse("report_verify_short", args=[approved.verification_token]), {})
    pending = upload(client, approved, b"%PDF-1.7")

    assert "请选择要比对的PDF文件。" in missing.content.decode()
    assert text_of(pending.content.decode(), "verify-pdf-result") == "系统中该报告的存档PDF尚未生成，暂无法比对，请稍后再试。"


def test_an_upload_without_the_csrf_token_is_refused(approved):
    client = Client(enforce_csrf_checks=True)

    response = upload(client, approved, b"%PDF-1.7")

    assert response.status_code == 403
