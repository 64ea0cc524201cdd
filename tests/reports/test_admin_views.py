import datetime
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.enums import Event
from audit.models import AuditEvent
from departments.enums import Role
from departments.models import Department
from jobs.models import Job
from reports.models import Report
from scoring.models import EvaluationYear, Rubric
from tests import xlsx_bombs as bombs
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.reports.test_exporters import admin_user, approve, open_year, score

pytestmark = pytest.mark.django_db

ADMIN_URLS = [
    ("manage_index", {}), ("manage_year_open", {}), ("manage_year_dashboard", {"year": 2021}),
    ("manage_year_chart_csv", {"year": 2021, "chart": "grades"}), ("manage_year_summary", {"year": 2021}),
    ("manage_year_pdfs", {"year": 2021}), ("manage_department_import", {}),
]


def login(client, user):
    # The first configured backend (django-axes) restores no user from a session.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


@pytest.fixture
def admin_client(client):
    login(client, admin_user())
    return client


def band_data(bands, *, extra=2):
    data = {"bands-TOTAL_FORMS": str(len(bands) + extra), "bands-INITIAL_FORMS": "0"}
    for index, (label, minimum) in enumerate(bands):
        data[f"bands-{index}-label"], data[f"bands-{index}-min_score"] = label, minimum
    return data


def sheet(*rows):
    workbook = Workbook()
    workbook.active.append(("预算编码", "部门名称", "上级预算编码", "归口业务科室"))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "departments.xlsx"
    return buffer


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_URLS)
def test_admin_pages_are_forbidden_to_other_roles(client, name, kwargs):
    open_year("A1")
    clerk = UserFactory()
    MembershipFactory(user=clerk, role=Role.CLERK, department=Department.objects.get(code="A1"))
    login(client, clerk)

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_URLS)
def test_admin_pages_send_anonymous_users_to_the_login_page(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_the_navbar_links_the_dashboard_for_admins_only(client):
    clerk = UserFactory()
    login(client, clerk)
    clerk_page = client.get(reverse("home")).content.decode()
    login(client, admin_user())

    admin_page = client.get(reverse("home")).content.decode()

    assert 'id="nav-manage"' not in clerk_page
    assert '<a class="nav-link text-white" id="nav-manage" href="/manage/">年度管理</a>' in admin_page


def test_index_lists_the_years_with_their_report_counts(admin_client):
    open_year("A1", "A2")

    response = admin_client.get(reverse("manage_index"))

    rows = re.findall(r'<a href="/manage/years/(\d+)/">(.*?)</a>.*?<td class="text-end">(\d+)</td>',
                      response.content.decode(), re.S)
    assert rows == [("2021", "2021年度", "2")]


def test_the_open_year_form_offers_the_default_bands_and_the_next_year(admin_client):
    open_year("A1", year=2021)

    response = admin_client.get(reverse("manage_year_open"))

    bands = response.context["bands"]
    assert response.context["form"].initial == {"year": 2022, "rubric": EvaluationYear.objects.get(year=2021).rubric_id}
    assert [(f.initial.get("label"), f.initial.get("min_score")) for f in bands] == [
        ("优秀", Decimal("90")), ("良好", Decimal("80")), ("中", Decimal("60")), ("差", Decimal("0")), (None, None),
        (None, None),
    ]


def test_the_open_year_form_offers_both_rubric_templates(admin_client):
    response = admin_client.get(reverse("manage_year_open"))

    assert sorted(str(r) for r in response.context["form"].fields["rubric"].queryset) == [
        "2021年度部门整体支出绩效评价评分表", "部门整体支出绩效评价共性指标体系框架（财预〔2013〕53号）",
    ]
    assert response.context["form"].initial["rubric"] == Rubric.objects.get(name__startswith="2021").pk


def test_a_year_opened_with_the_framework_template_scores_by_its_rows(admin_client):
    DepartmentFactory(code="106019")
    admin_client.get(reverse("manage_year_open"))
    rubric = EvaluationYear._meta.get_field("rubric").related_model.objects.get(name__contains="共性指标")
    data = {"year": "2022", "rubric": str(rubric.pk), "deadline": "2023-05-31",
            **band_data([("优秀", "90"), ("良好", "80"), ("中", "60"), ("差", "0")])}

    admin_client.post(reverse("manage_year_open"), data)

    report = Report.objects.get(evaluation_year__year=2022)
    assert report.scores.count() == 28
    assert report.scores.filter(indicator__rule_kind="key_work_rate").count() == 1


def test_opening_a_year_creates_draft_reports_as_a_job_whose_page_says_so(admin_client):
    DepartmentFactory(code="106019")
    DepartmentFactory(code="106020")
    admin_client.get(reverse("manage_year_open"))
    rubric = EvaluationYear._meta.get_field("rubric").related_model.objects.get(name__startswith="2021")
    data = {"year": "2022", "rubric": str(rubric.pk), "deadline": "2023-05-31",
            **band_data([("优秀", "85"), ("合格", "60"), ("不合格", "0")])}

    response = admin_client.post(reverse("manage_year_open"), data, follow=True)

    year = EvaluationYear.objects.get(year=2022)
    job = Job.objects.get(kind=Job.Kind.YEAR_OPEN)
    # Its success queued the notice to every department (a job of its own).
    assert sorted(Job.objects.values_list("kind", flat=True)) == sorted([Job.Kind.YEAR_OPEN, Job.Kind.YEAR_NOTICE])
    assert response.redirect_chain == [(f"/jobs/{job.pk}/", 302)]
    assert (job.kind, job.status, job.summary) == (
        Job.Kind.YEAR_OPEN, Job.Status.SUCCEEDED, "已开启2022年度，为2个部门（单位）创建了草稿报告，其中0个沿用了上一年度的数据。")
    assert response.context["links"] == [("年度进度", "/manage/years/2022/")]
    assert (year.deadline, list(year.grade_bands.values_list("label", "min_score"))) == (
        datetime.date(2023, 5, 31), [("优秀", Decimal("85")), ("合格", Decimal("60")), ("不合格", Decimal("0"))],
    )
    assert Report.objects.filter(evaluation_year=year).count() == 2


def test_bad_input_on_the_open_year_form_shows_chinese_errors_and_keeps_what_was_typed(admin_client):
    open_year("A1", year=2021)
    rubric = EvaluationYear.objects.get(year=2021).rubric
    data = {"year": "2021", "rubric": str(rubric.pk), "deadline": "", **band_data([("优秀", "90"), ("良好", "")])}

    response = admin_client.post(reverse("manage_year_open"), data)

    form, bands = response.context["form"], response.context["bands"]
    assert response.status_code == 200
    assert form.errors == {"year": ["2021年度已开启，不能重复开启。"], "deadline": ["这个字段是必填项。"]}
    assert bands.errors[1] == {"min_score": ["请填写该等次的最低分。"]}
    assert 'value="良好"' in response.content.decode()
    assert EvaluationYear.objects.count() == 1


def test_bands_that_do_not_start_at_zero_are_refused(admin_client):
    DepartmentFactory()
    admin_client.get(reverse("manage_year_open"))
    rubric = EvaluationYear._meta.get_field("rubric").related_model.objects.get(name__startswith="2021")
    data = {"year": "2022", "rubric": str(rubric.pk), "deadline": "2023-05-31", **band_data([("优秀", "90")])}

    response = admin_client.post(reverse("manage_year_open"), data)

    assert response.context["bands"].non_form_errors() == ["最低的评价等次应从0分起，否则部分总分没有等次。"]
    assert EvaluationYear.objects.count() == 0


def test_the_dashboard_shows_counts_pending_departments_and_chart_data_without_inline_script(admin_client):
    year = open_year("A1", "A2", "A3", deadline=datetime.date(2099, 1, 1))
    a1, a2, _a3 = Report.objects.filter(evaluation_year=year).order_by("department__code")
    score(a1)
    approve(a1)
    score(a2, self_scores={"资金结余": Decimal("0")})

    response = admin_client.get(reverse("manage_year_dashboard", kwargs={"year": 2021}))

    html = response.content.decode()
    grades = json.loads(re.search(r'<script id="chart-grades-data" type="application/json">(.*?)</script>', html).group(1))
    assert grades["values"] == [1, 0, 0, 0, 2]  # the draft a2 is not graded until it is submitted
    assert re.findall(r'data-count="([^"]+)">(\d+)<', html) == [
        ("total", "3"), ("草稿", "2"), ("部门审核", "0"), ("财政审核", "0"), ("已审定", "1"),
    ]
    assert [code for code, _rest in re.findall(r'<tr class="pending-row">\s*<td>(A\d)</td>(.*?)</tr>', html, re.S)] == ["A2", "A3"]
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert '<script src="/static/vendor/echarts-6.1.0/echarts.min.js"></script>' in html


def test_the_pending_list_pages_through_drafts_returned_reports_and_departments_without_a_report(admin_client, monkeypatch):
    year = open_year("B1", "B2", "B3", "B4", "B5", deadline=datetime.date(2099, 1, 1))
    b1, b2, b3, b4, b5 = Report.objects.filter(evaluation_year=year).order_by("department__code")
    Report.objects.filter(pk=b2.pk).update(status="dept_review", submitted_at=datetime.datetime(2022, 3, 1, tzinfo=datetime.UTC))
    Report.objects.filter(pk=b3.pk).update(submitted_at=datetime.datetime(2022, 3, 1, tzinfo=datetime.UTC))  # returned
    Report.objects.filter(pk=b5.pk).update(status="approved")
    DepartmentFactory(code="B0", name="单位B0")  # joined after the year opened: no report
    DepartmentFactory(code="B6", name="单位B6", is_active=False)  # closed, no report: not pending
    Department.objects.filter(pk=b4.department_id).update(is_active=False)  # closed with a draft: still pending
    monkeypatch.setattr("reports.views.admin_views.PENDING_PAGE", 2)
    url = reverse("manage_year_dashboard", kwargs={"year": 2021})
    row = re.compile(r'<tr class="pending-row">\s*<td>(B\d)</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>')

    pages = [admin_client.get(url, {"page": n}) for n in (1, 2, 3)]

    assert [row.findall(page.content.decode()) for page in pages] == [
        [("B0", "未创建报告"), ("B1", "草稿")], [("B3", "已退回"), ("B4", "草稿")], [("B3", "已退回"), ("B4", "草稿")],
    ]  # page 3 is past the end: the last page
    assert [(p.context["pending"].paginator.count, p.context["pending"].paginator.num_pages) for p in pages] == [(4, 2)] * 3


@pytest.mark.parametrize("departments", [1, 3])
def test_the_dashboard_runs_a_constant_number_of_queries(admin_client, departments, django_assert_num_queries):
    open_year(*[f"Q{n}" for n in range(departments)])
    url = reverse("manage_year_dashboard", kwargs={"year": 2021})

    # The first request computes and caches the charts and the counts by office; 1 is the nav's job count;
    # followup adds its navbar count, the year's 整改 counts and the deadline extensions (pending list and
    # charts); the pending list's size is two counts of departments, not a COUNT of the list. Neither request
    # writes the session: a page view touches it at most once a minute (ACCOUNTS_SESSION_TOUCH_SECONDS).
    with django_assert_num_queries(20):
        admin_client.get(url)
    with django_assert_num_queries(14):
        admin_client.get(url)


def test_a_chart_downloads_as_csv(admin_client):
    year = open_year("A1")
    report = Report.objects.get(evaluation_year=year)
    score(report)
    approve(report)

    response = admin_client.get(reverse("manage_year_chart_csv", kwargs={"year": 2021, "chart": "grades"}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8") == "\ufeff评价等次,单位数\r\n优秀,1\r\n良好,0\r\n中,0\r\n差,0\r\n未评分,0\r\n"


def test_an_unknown_chart_or_year_is_not_found(admin_client):
    open_year("A1")

    responses = [
        admin_client.get(reverse("manage_year_chart_csv", kwargs={"year": 2021, "chart": "other"})),
        admin_client.get(reverse("manage_year_dashboard", kwargs={"year": 1999})),
    ]

    assert [r.status_code for r in responses] == [404, 404]


def test_the_summary_downloads_as_the_year_workbook(admin_client):
    open_year("A1", "A2")

    response = admin_client.get(reverse("manage_year_summary", kwargs={"year": 2021}))

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''2021%E5%B9%B4%E5%BA%A6%E9%83%A8%E9%97%A8%E6%95%B4%E4%BD%93%E6%94%AF%E5%87%BA"
        "%E7%BB%A9%E6%95%88%E8%87%AA%E8%AF%84%E6%B1%87%E6%80%BB.xlsx"
    )
    assert [row[0] for row in workbook["汇总"].iter_rows(min_row=3, values_only=True)] == ["A1", "A2", "合计"]


def test_the_approved_pdfs_download_as_a_zip(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    open_year("A1")

    response = admin_client.get(reverse("manage_year_pdfs", kwargs={"year": 2021}))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert response["Content-Type"] == "application/zip"
    assert archive.namelist() == ["README.txt"]


def test_department_import_check_lists_problems_by_row_and_writes_nothing(admin_client):
    response = admin_client.post(reverse("manage_department_import"), {
        "action": "import", "file": sheet(("106019", "融媒体中心", "", "行政政法科"), ("106019", "", "", "")),
    })

    html = response.content.decode()
    assert re.findall(r"<li>(.*?)</li>", re.search(r'id="import-problems">(.*?)</ul>', html, re.S).group(1)) == [
        "第3行：预算编码“106019”与第2行重复。", "第3行：部门名称不能为空。",
    ]
    assert Department.objects.count() == 0


def test_department_import_dry_run_then_import(admin_client):
    upload = [("106019", "融媒体中心", "", "行政政法科"), ("106020", "档案馆", "106019", "行政政法科")]

    checked = admin_client.post(reverse("manage_department_import"), {"action": "check", "file": sheet(*upload)})
    nothing_yet = Department.objects.count()
    imported = admin_client.post(reverse("manage_department_import"), {"action": "import", "file": sheet(*upload)},
                                 follow=True)

    assert re.sub(r"\s+", " ", re.search(r'id="import-plan">(.*?)</div>', checked.content.decode(), re.S).group(1)).strip() == (
        "检查通过：共2行，将新增2个部门（单位），更新0个。 将新建科室：行政政法科 请再次选择文件并点击“导入”。"
    )
    assert nothing_yet == 0
    assert [str(m) for m in imported.context["messages"]] == ["导入完成：新增2个部门（单位），更新0个，新建1个科室。"]
    assert list(Department.objects.values_list("code", "parent__code")) == [("106019", None), ("106020", "106019")]


def test_an_oversized_import_file_is_refused(admin_client, settings):
    big = io.BytesIO(b"x" * (5 * 1024 * 1024 + 1))
    big.name = "big.xlsx"

    response = admin_client.post(reverse("manage_department_import"), {"action": "check", "file": big})

    assert response.context["form"].errors == {"file": ["文件不能超过5MB。"]}


def audit_trail(*events):
    return list(AuditEvent.objects.filter(event__in=events).order_by("id").values_list(
        "event", "username", "path", "success", "detail"))


def test_checking_and_importing_a_department_sheet_are_each_an_audit_row(admin_client):
    upload = [("106019", "融媒体中心", "", "行政政法科")]

    admin_client.post(reverse("manage_department_import"), {"action": "check", "file": sheet(*upload)})
    admin_client.post(reverse("manage_department_import"), {"action": "import", "file": sheet(*upload, ("", "", "x", ""))})
    admin_client.post(reverse("manage_department_import"), {"action": "import", "file": sheet(*upload)})

    path = "/manage/departments/import/"
    assert audit_trail(Event.IMPORT) == [
        ("import", "bureau-admin", path, True, "检查部门表“departments.xlsx”：1行，0个问题"),
        ("import", "bureau-admin", path, False, "导入（未写入）部门表“departments.xlsx”：2行，3个问题"),
        ("import", "bureau-admin", path, True, "导入部门表“departments.xlsx”：新增1个部门（单位），更新0个，新建1个科室"),
    ]


def test_opening_a_year_is_an_audit_row(admin_client):
    DepartmentFactory(code="106019")
    admin_client.get(reverse("manage_year_open"))
    rubric = EvaluationYear._meta.get_field("rubric").related_model.objects.exclude(name__contains="共性指标").get()
    data = {"year": "2022", "rubric": str(rubric.pk), "deadline": "2023-05-31",
            **band_data([("优秀", "85"), ("合格", "60"), ("不合格", "0")])}

    admin_client.post(reverse("manage_year_open"), data)

    year = EvaluationYear.objects.get(year=2022)
    assert audit_trail(Event.YEAR_OPEN) == [(
        "year_open", "bureau-admin", "/manage/years/open/", True,
        f"开启2022年度：评分表“{rubric.name}”，截止日期2023-05-31，创建草稿报告1份（沿用上年数据0份）",
    )]
    assert AuditEvent.objects.get(event=Event.YEAR_OPEN).object_id == str(year.pk)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: bombs.whitespace_bomb(),
         "文件解压后过大（1536MB，上限128MB），可能含有大量空白行列：请在Excel中删去多余的行列，或拆分后再上传。"),
        (lambda: bombs.many_rows(250_000), "表格行数超过50000行，请删去多余的行或拆分后再上传。"),
        (lambda: bombs.with_part("xl/sharedStrings.xml", bombs.BILLION_LAUGHS),
         "文件含有不安全的XML内容（DTD或实体定义），请在Excel中另存为 .xlsx 后再上传。"),
        (lambda: bombs.with_part(bombs.SHEET, bombs.EXTERNAL_ENTITY),
         "文件含有不安全的XML内容（DTD或实体定义），请在Excel中另存为 .xlsx 后再上传。"),
    ],
    ids=["whitespace-bomb", "250000-rows", "billion-laughs", "external-entity"],
)
@pytest.mark.parametrize("action", ["check", "import"])
def test_a_hostile_department_sheet_is_a_message_at_the_field_and_writes_nothing(admin_client, make, message, action):
    upload = io.BytesIO(make())
    upload.name = "departments.xlsx"
    before = Department.objects.count()

    response = admin_client.post(reverse("manage_department_import"), {"action": action, "file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert Department.objects.count() == before


def test_a_large_year_summary_is_not_written_in_the_request_but_left_to_the_job(admin_client, monkeypatch):
    from reports.views import admin_views

    open_year("A1", "A2")
    monkeypatch.setattr(admin_views, "INLINE_SUMMARY_MAX_REPORTS", 1)

    response = admin_client.get(reverse("manage_year_summary", kwargs={"year": 2021}), follow=True)

    assert response.redirect_chain == [(reverse("manage_year_dashboard", kwargs={"year": 2021}), 302)]
    assert "本年度有2份报告" in response.content.decode()
    assert not Job.objects.exists()
