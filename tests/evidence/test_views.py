import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from evidence.models import Evidence
from evidence.services import evidence_add
from reports.enums import Status
from tests.evidence.support import HTML, docx_bytes, pdf_bytes, png_bytes, upload
from tests.reports.editor_support import login
from tests.reports.review_support import advance, submittable_report

pytestmark = pytest.mark.django_db
ROW = ["score", "budget_adjustment_rate"]


def _place_url(report, kind="score", ref="budget_adjustment_rate"):
    return reverse("evidence_place", args=[report.pk, kind, ref])


def _post(client, report, name, content, description="", **kwargs):
    return client.post(_place_url(report, **kwargs), {"file": upload(name, content), "description": description})


def test_the_clerk_uploads_through_the_page_and_sees_the_file(client, report, people):
    login(client, people.clerk)

    response = _post(client, report, "预算调整批复.pdf", pdf_bytes(), "批复")

    assert response.status_code == 302
    page = client.get(_place_url(report)).content.decode()
    evidence = Evidence.objects.get()
    assert f'href="/reports/{report.pk}/evidence/files/{evidence.pk}/"' in page
    assert "预算调整批复.pdf" in page


def test_the_upload_field_tells_the_limits(client, report, people):
    login(client, people.clerk)

    page = client.get(_place_url(report)).content.decode()

    assert "允许的类型：PDF、OFD、JPEG、PNG、DOCX、XLSX、ZIP（按文件内容判断）。每个文件不超过50 MB；本报告佐证材料合计不超过300 MB，已用0\xa0字节。" in page
    assert 'accept=".pdf,.ofd,.jpg,.jpeg,.png,.docx,.xlsx,.zip"' in page


def test_over_the_limit_through_the_page_keeps_the_description_and_names_the_limit(client, report, people, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024 * 1024
    login(client, people.clerk)

    response = _post(client, report, "大文件.pdf", pdf_bytes() + b"%" + b"x" * (2 * 1024 * 1024), "年度决算")

    assert response.status_code == 400
    page = response.content.decode()
    assert '<div class="invalid-feedback d-block" id="error-file">文件超过大小上限：每个文件不超过1 MB。</div>' in page
    assert 'value="年度决算"' in page
    assert Evidence.objects.count() == 0


def test_an_html_file_named_pdf_is_refused_at_the_field(client, report, people):
    login(client, people.clerk)

    response = _post(client, report, "批复.pdf", HTML)

    assert response.status_code == 400
    assert "文件内容是“HTML document”" in response.content.decode()


def test_upload_needs_the_csrf_token(report, people):
    client = Client(enforce_csrf_checks=True)
    login(client, people.clerk)

    response = _post(client, report, "批复.pdf", pdf_bytes())

    assert response.status_code == 403
    assert Evidence.objects.count() == 0


def _added(report, people, name="批复.pdf", content=None, place=None):
    from evidence.selectors import place_for

    return evidence_add(report=report, place=place or place_for(report, *ROW), upload=upload(name, content or pdf_bytes()),
                        by=people.clerk)


def test_a_pdf_opens_inline_in_a_sandbox_without_sniffing(client, report, people):
    evidence = _added(report, people, name="预算调整批复.pdf")
    login(client, people.reviewer)

    response = client.get(reverse("evidence_file", args=[report.pk, evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''%E9%A2%84%E7%AE%97%E8%B0%83%E6%95%B4%E6%89%B9%E5%A4%8D.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; sandbox")
    assert response["Cache-Control"] == "private, no-store, max-age=0, no-cache, must-revalidate"
    audit = AuditEvent.objects.filter(event="download").order_by("pk")
    assert [a.detail for a in audit] == [f"佐证材料：预算调整批复.pdf（SHA-256 {evidence.sha256}）"]


def test_a_docx_is_served_as_an_attachment(client, report, people):
    evidence = _added(report, people, name="合同清单.docx", content=docx_bytes())
    login(client, people.head)

    response = client.get(reverse("evidence_file", args=[report.pk, evidence.pk]))

    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_another_departments_file_is_a_404(client, report, people):
    other = submittable_report(people.other_department)
    from evidence.selectors import place_for
    theirs = evidence_add(report=other, place=place_for(other, *ROW), upload=upload("他们的.pdf", pdf_bytes()),
                          by=people.other_clerk)
    mine = _added(report, people)
    login(client, people.clerk)

    assert client.get(reverse("evidence_file", args=[other.pk, theirs.pk])).status_code == 404
    # Their file id under my report is not mine either.
    assert client.get(reverse("evidence_file", args=[report.pk, theirs.pk])).status_code == 404
    assert client.post(reverse("evidence_remove", args=[report.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("evidence_file", args=[report.pk, mine.pk])).status_code == 200
    assert Evidence.objects.current().count() == 2
    denied = AuditEvent.objects.filter(event="permission_denied").order_by("pk")
    assert [(a.path, a.success) for a in denied] == [
        (f"/reports/{other.pk}/evidence/files/{theirs.pk}/", False),
        (f"/reports/{report.pk}/evidence/files/{theirs.pk}/", False),
        (f"/reports/{report.pk}/evidence/files/{theirs.pk}/remove/", False),
    ]


def test_another_reports_row_or_an_unknown_place_is_a_404(client, report, people):
    other = submittable_report(people.other_department)
    login(client, people.clerk)

    assert client.get(_place_url(report, kind="quantitative", ref=str(other.quantitative_indicators.first().pk))).status_code == 404
    assert client.get(_place_url(report, kind="score", ref="no_such_row")).status_code == 404
    assert client.get(_place_url(report, kind="section", ref="admin")).status_code == 404
    assert client.get(_place_url(report, kind="file", ref="1")).status_code == 404


def test_removing_from_an_approved_report_is_refused(client, report, people):
    evidence = _added(report, people)
    approved = advance(report, people, Status.APPROVED)
    login(client, people.clerk)

    response = client.post(reverse("evidence_remove", args=[approved.pk, evidence.pk]))

    assert response.status_code == 302
    assert Evidence.objects.get(pk=evidence.pk).removed_at is None
    assert client.get(response["Location"]).content.decode().count("这份报告当前不能修改佐证材料。") == 1


def test_uploading_to_a_submitted_report_is_refused_and_nothing_is_stored(client, report, people, media):
    submitted = advance(report, people, Status.DEPT_REVIEW)
    login(client, people.clerk)

    response = _post(client, submitted, "批复.pdf", pdf_bytes())

    assert response.status_code == 403
    assert not (media / "evidence").exists()


def test_the_clerk_removes_a_file_and_it_stays_in_the_history_list(client, report, people):
    evidence = _added(report, people, name="旧照片.png", content=png_bytes())
    login(client, people.clerk)

    response = client.post(reverse("evidence_remove", args=[report.pk, evidence.pk]))

    assert response.status_code == 302
    index = client.get(reverse("evidence_index", args=[report.pk])).content.decode()
    assert f'<a href="/reports/{report.pk}/evidence/files/{evidence.pk}/" target="_blank" rel="noopener">旧照片.png</a>' in index
    history = client.get(reverse("report_history", args=[report.pk])).content.decode()
    assert "佐证材料 · 评分表 · 预算调整率" in history
