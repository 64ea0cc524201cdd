import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from followup.enums import FindingStatus
from followup.models import Consequence, DeadlineExtension, Finding, FindingEvidence, ResultApplication
from reports.enums import Status
from tests.evidence.support import pdf_bytes, upload
from tests.followup.support import approved_world, record, reply_data
from tests.reports.editor_support import login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_reviewer_records_a_finding_from_the_report_page(client):
    people, report = approved_world()
    login(client, people.reviewer)
    page = client.get(reverse("report_detail", args=[report.pk]))
    deadline = (TODAY + datetime.timedelta(days=20)).isoformat()

    response = client.post(reverse("finding_new", args=[report.pk]), {
        "category": "budget", "description": "预算编制不细化。", "places": ["section/finance", "scores/fund_balance"],
        "deadline": deadline})

    finding = Finding.objects.get()
    assert 'id="btn-new-finding"' in page.content.decode()
    assert response.status_code == 302 and response["Location"] == reverse("finding_detail", args=[finding.pk])
    assert (finding.places, finding.deadline.isoformat()) == (["section/finance", "scores/fund_balance"], deadline)


def test_a_bad_finding_shows_each_message_at_its_field_and_keeps_what_was_typed(client):
    people, report = approved_world()
    login(client, people.reviewer)

    response = client.post(reverse("finding_new", args=[report.pk]), {
        "category": "", "description": "已输入的描述" + "长" * 2000, "places": ["section/finance"],
        "deadline": "2021-13-01"})

    body = response.content.decode()
    assert response.status_code == 200 and Finding.objects.count() == 0
    assert response.context["form"].errors == {
        "category": ["请选择问题类别。"], "description": ["问题描述不超过2000字。"],
        "deadline": ["请输入日期，如 2022-06-30。"]}
    assert 'id="error-category"' in body and "已输入的描述" in body and 'value="2021-13-01"' in body
    assert 'value="section/finance" id="id_places_1" checked' in body


def test_the_department_answers_with_evidence_and_a_bad_answer_keeps_what_was_typed(client):
    people, report = approved_world()
    finding = record(report, people)
    login(client, people.clerk)

    bad = client.post(reverse("finding_reply", args=[finding.pk]), reply_data(finding, measures="保留的措施",
                                                                              responsible="", completed_on="明天"))
    good = client.post(reverse("finding_reply", args=[finding.pk]), {
        **reply_data(finding), "file": upload("批复.pdf", pdf_bytes())})

    assert bad.status_code == 200
    assert bad.context["reply_form"].errors == {"responsible": ["请填写责任人。"], "completed_on": ["请输入日期，如 2022-06-30。"]}
    assert "保留的措施" in bad.content.decode()
    assert good.status_code == 302
    finding.refresh_from_db()
    evidence = FindingEvidence.objects.get()
    assert (finding.status, evidence.name, evidence.kind) == (FindingStatus.REPLIED, "批复.pdf", "pdf")
    download = client.get(reverse("finding_evidence", args=[finding.pk, evidence.pk]))
    assert (download.status_code, b"".join(download.streaming_content)) == (200, pdf_bytes())


def test_a_return_without_a_reason_is_refused_at_the_field(client):
    people, report = approved_world()
    finding = record(report, people)
    client.force_login(people.clerk)
    client.post(reverse("finding_reply", args=[finding.pk]), reply_data(finding))
    login(client, people.reviewer)

    response = client.post(reverse("finding_detail", args=[finding.pk]), {"to": "open", "comment": ""})

    assert response.status_code == 200
    assert response.context["move_form"].errors == {"comment": ["请填写退回的理由，说明还需整改的内容。"]}
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.REPLIED


@pytest.mark.parametrize("name", ["finding_detail", "finding_reply"])
def test_another_departments_finding_is_a_404(client, name):
    people, report = approved_world()
    finding = record(report, people)
    login(client, people.other_clerk)

    response = client.get(reverse(name, args=[finding.pk])) if name == "finding_detail" else client.post(
        reverse(name, args=[finding.pk]), reply_data(finding))

    assert response.status_code == 404
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN


def test_overdue_items_stand_out_on_the_department_home_and_the_admin_dashboard(client):
    people, report = approved_world()
    finding = record(report, people)
    Finding.objects.filter(pk=finding.pk).update(deadline=TODAY - datetime.timedelta(days=3))

    home = login(client, people.clerk).get(reverse("home")).content.decode()
    dashboard = login(client, people.admin).get(reverse("manage_year_dashboard", args=[2021])).content.decode()

    assert 'id="followup-overdue-count">其中已逾期 1 项' in home and "overdue-item" in home
    assert 'id="dashboard-overdue-count">已逾期 1 项' in dashboard


def test_an_extension_lifts_the_overdue_mark_on_the_department_home(client):
    people, report = approved_world(Status.DRAFT)
    year = report.evaluation_year
    year.deadline, year.is_open = TODAY - datetime.timedelta(days=1), True
    year.save()
    login(client, people.clerk)
    before = client.get(reverse("home")).content.decode()
    login(client, people.admin)

    response = client.post(reverse("followup_year_extensions", args=[2021]), {
        "department": people.department.code, "deadline": (TODAY + datetime.timedelta(days=10)).isoformat(),
        "reason": "机构改革。"})
    after = login(client, people.clerk).get(reverse("home")).content.decode()

    assert response.status_code == 302 and DeadlineExtension.objects.count() == 1
    assert "已过截止日期" in before
    assert "已过截止日期" not in after and "已延期至" in after


def test_a_bad_extension_keeps_what_was_typed(client):
    people, report = approved_world()
    login(client, people.admin)

    response = client.post(reverse("followup_year_extensions", args=[2021]), {
        "department": "nope", "deadline": "", "reason": "保留的理由"})

    assert response.context["form"].errors == {
        "department": ["没有这个预算编码的部门。"], "deadline": ["请填写延长后的截止日期。"]}
    assert "保留的理由" in response.content.decode()


def test_results_mapping_recording_export_and_the_department_sees_its_result(client):
    people, report = approved_world()
    login(client, people.admin)
    page = client.get(reverse("followup_year_results", args=[2021]))
    grade = page.context["rows"][0]["grade"]

    client.post(reverse("followup_year_results", args=[2021]), {
        "consequence-优秀": "优先保障", "consequence-良好": "保障", "consequence-中": "压缩", "consequence-差": "取消"})
    suggested = client.get(reverse("followup_result_edit", args=[2021, people.department.code]))
    client.post(reverse("followup_result_edit", args=[2021, people.department.code]), {
        "consequence": suggested.context["form"].initial["consequence"], "note": "=1+1 按等次安排"})
    export = client.get(reverse("followup_year_results_xlsx", args=[2021]))
    mine = login(client, people.clerk).get(reverse("followup_home"))

    mapping = dict(Consequence.objects.values_list("grade", "consequence"))
    assert mapping == {"优秀": "优先保障", "良好": "保障", "中": "压缩", "差": "取消"}
    result = ResultApplication.objects.get()
    assert (result.grade, result.consequence) == (grade, mapping[grade])
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content)))["结果应用"]
    row = [c.value for c in sheet[3]]
    assert row[:6] == [people.department.code, people.department.name, people.department.office.name, grade,
                       mapping[grade], "=1+1 按等次安排"]
    assert sheet.cell(3, 6).data_type == "s"
    assert [r.consequence for r in mine.context["results"]] == [mapping[grade]]


def test_a_blank_or_long_result_is_refused_at_the_field(client):
    people, report = approved_world()
    login(client, people.admin)

    response = client.post(reverse("followup_result_edit", args=[2021, people.department.code]), {
        "consequence": "", "note": "说" * 501})

    assert response.context["form"].errors == {"consequence": ["请填写结果应用。"], "note": ["说明不超过500字。"]}
    assert ResultApplication.objects.count() == 0


@pytest.mark.parametrize("user", ["clerk", "reviewer", "head"])
def test_only_admins_open_the_results_and_extensions_pages(client, user):
    people, report = approved_world()
    login(client, getattr(people, user))

    codes = [client.get(reverse(name, args=[2021])).status_code
             for name in ("followup_year_results", "followup_year_extensions", "followup_year_results_xlsx")]

    assert codes == [403, 403, 403]


def test_the_carried_page_prefills_last_years_open_findings(client):
    from reports.models import Report
    from reports.yearly import year_open
    from scoring.services import rubric_get_or_create_default

    people, report = approved_world()
    finding = record(report, people, description="资产未及时入账。")
    year_open(year=2022, rubric=rubric_get_or_create_default(), deadline=datetime.date(2023, 5, 31))
    next_report = Report.objects.get(department=people.department, evaluation_year__year=2022)
    login(client, people.clerk)

    page = client.get(reverse("followup_carried", args=[next_report.pk]))
    saved = client.post(reverse("followup_carried", args=[next_report.pk]), {f"carried-{finding.pk}": "已入账。"})
    detail = client.get(reverse("report_detail", args=[next_report.pk])).content.decode()

    assert [item["text"] for item in page.context["items"]] == [f"尚未整改（整改期限：{finding.deadline}）。"]
    assert saved.status_code == 302
    assert 'id="report-carried"' in detail and "已入账。" in detail


def _confirms(html):
    import re

    return dict(re.findall(r'<button[^>]*id="([\w-]+)"[^>]*data-confirm="([^"]*)"', html))


def test_the_answer_and_the_decisions_say_what_they_do(client):
    people, report = approved_world()
    finding = record(report, people)
    client.force_login(people.clerk)
    answering = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    client.post(reverse("finding_reply", args=[finding.pk]), reply_data(finding))
    client.force_login(people.reviewer)
    deciding = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()

    assert _confirms(answering) == {"btn-reply-submit": "提交后将不能再修改答复，整改情况将交给财政审核人验收。确定提交？"}
    assert _confirms(deciding) == {
        "finding-move-open": "退回后部门须按退回理由重新整改并再次答复。确定退回？",
        "finding-move-accepted": "验收通过后此问题即为已整改，不能再修改。确定验收通过？",
    }
