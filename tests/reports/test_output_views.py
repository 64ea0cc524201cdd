import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from budgets.models import IncomeRow
from reports.enums import Category, Status
from reports.models import Evaluator, Narrative, QuantitativeIndicator, Report
from reports.workflow import move

pytestmark = pytest.mark.django_db

FILENAME = "2021年度岳阳市岳阳楼区融媒体中心整体支出绩效自评报告.pdf"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    return Report.objects.get(evaluation_year__year=2021, department__code="106019")


def user(username):
    return User.objects.get(username=username)


def login(client, username):
    """Sign in a demo user who has already changed the initial password."""
    User.objects.filter(username=username).update(must_change_password=False)
    client.force_login(user(username), backend="django.contrib.auth.backends.ModelBackend")


@pytest.mark.parametrize("name", ["report_detail", "report_pdf"])
def test_anonymous_user_is_sent_to_login(client, demo, name):
    url = reverse(name, args=[demo.pk])

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={quote(url)}")


@pytest.mark.parametrize("name", ["report_detail", "report_pdf"])
def test_another_departments_report_is_not_found(client, demo, name):
    login(client, "clerk2")

    response = client.get(reverse(name, args=[demo.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("username", ["clerk", "head", "reviewer", "admin"])
def test_report_page_prints_the_form_for_those_who_may_see_it(client, demo, username):
    login(client, username)

    response = client.get(reverse("report_detail", args=[demo.pk]))

    assert response.status_code == 200
    assert response.templates[0].name == "reports/report_detail.html"
    html = response.content.decode()
    for text in ["附件2-1", "岳阳楼区2021年度部门（单位）整体支出<br>绩效评价自评报告", "<dd>2022年5月9日</dd>",
                 "<td>260.48</td>", "<td>0</td>", "任务1：", "目标5：", "指标5：策划创作新媒体作品200余个",
                 '<td colspan="2" class="score-total">98分</td>', '<td colspan="2" class="grade">优秀</td>',
                 "六、改进措施和有关建议", '<td class="level1 open">投  入<br>（15分）</td>',
                 '<td class="text standard open">此项指标', '<td class="open">15</td>',
                 '<td class="cont open"><span class="cont-copy"></span></td>',
                 f'href="{reverse("report_pdf", args=[demo.pk])}"']:
        assert text in html, text


def test_report_page_escapes_markup_typed_into_a_narrative(client, demo):
    Narrative.objects.filter(report=demo).update(problems='<script>alert(1)</script><img src="file:///etc/passwd">')
    login(client, "clerk")

    html = client.get(reverse("report_detail", args=[demo.pk])).content.decode()

    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&quot;file:///etc/passwd&quot;&gt;</p>" in html
    assert "<script>alert(1)" not in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_report_page_queries_do_not_grow_with_the_rows(client, demo):
    login(client, "clerk")
    url = reverse("report_detail", args=[demo.pk])
    client.get(url)
    before = count_queries(client, url)
    for n in range(2):
        Evaluator.objects.create(report=demo, order=10 + n, name=f"评价人{n}")
        IncomeRow.objects.create(report=demo, order=10 + n, org_name=f"下属单位{n}", total=Decimal("1.00"))
        QuantitativeIndicator.objects.create(report=demo, order=10 + n, category=Category.COST, target=f"指标{n}")

    after = count_queries(client, url)

    assert after == before


def test_pdf_download_has_the_chinese_file_name(client, demo):
    login(client, "reviewer")

    response = client.get(reverse("report_pdf", args=[demo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"report-2021-106019.pdf\"; filename*=UTF-8''{quote(FILENAME)}"
    )
    assert response.content.startswith(b"%PDF-1.7")


def test_print_button_opens_the_pdf_inline(client, demo):
    login(client, "reviewer")
    page = client.get(reverse("report_detail", args=[demo.pk])).content.decode()

    response = client.get(reverse("report_pdf", args=[demo.pk]), {"inline": "1"})

    assert f'href="{reverse("report_pdf", args=[demo.pk])}?inline=1"' in page
    assert response["Content-Disposition"] == (
        f"inline; filename=\"report-2021-106019.pdf\"; filename*=UTF-8''{quote(FILENAME)}"
    )


def test_approved_report_downloads_serve_the_archived_bytes(client, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = move(demo, Status.DEPT_REVIEW, by=user("clerk"))
    report = move(report, Status.FINANCE_REVIEW, by=user("head"))
    report = move(report, Status.APPROVED, by=user("reviewer"))
    login(client, "head")

    first = client.get(reverse("report_pdf", args=[report.pk])).content
    second = client.get(reverse("report_pdf", args=[report.pk])).content

    stored = Report.objects.get(pk=report.pk).approved_pdf
    assert first == second == (tmp_path / stored.name).read_bytes()


def test_export_pdf_command_writes_the_pdf(demo, tmp_path):
    out = tmp_path / "report.pdf"
    stdout = io.StringIO()

    call_command("export_pdf", "--year", "2021", "--code", "106019", "--out", str(out), stdout=stdout)

    assert out.read_bytes().startswith(b"%PDF-1.7")
    assert stdout.getvalue() == f"已导出 {out}（{out.stat().st_size // 1024} KiB）\n"


def test_export_pdf_command_names_a_missing_report(demo, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_pdf", "--year", "2020", "--code", "106019", "--out", str(tmp_path / "x.pdf"))

    assert str(error.value) == "没有找到2020年度预算编码为106019的报告。"


def test_report_page_prints_a_total_row_for_several_institutions_and_the_review_column(client, demo):
    IncomeRow.objects.create(report=demo, order=5, org_name="下属单位", total=Decimal("1.00"), other=Decimal("1.00"))
    demo.scores.filter(indicator__code="fund_balance").update(review_score=Decimal("1"))
    login(client, "reviewer")

    html = client.get(reverse("report_detail", args=[demo.pk])).content.decode()

    assert ('<tr class="total"><th>合计</th><td>261.48</td><td></td><td>260.48</td><td></td><td></td>'
            "<td>1.00</td></tr>") in html
    assert "<th>复核<br>得分</th>" in html
    assert "<td>100</td><td>98</td><td>97</td>" in html


def test_a_blank_report_prints_blank_cells_and_blank_dates(client, demo):
    login(client, "clerk2")
    blank = Report.objects.get(evaluation_year__year=2021, department__code="106020")

    html = client.get(reverse("report_detail", args=[blank.pk])).content.decode()
    pdf = client.get(reverse("report_pdf", args=[blank.pk]))

    assert html.count('<p class="sign-date">年    月    日</p>') == 3
    assert '<td colspan="2" class="score-total"></td>' in html
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
