import csv
import datetime
import io
import re
import subprocess
import zipfile
from collections import Counter
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from accounts.models import User
from budgets.models import ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from budgets.money import total
from departments.enums import Role
from departments.models import Department, Office
from reports import workflow
from reports.demo import demo_load
from reports.enums import Status
from reports.exporters.archive import approved_pdfs_zip
from reports.exporters.charts import chart_csv_rows, chart_data, year_progress
from reports.exporters.queries import totals_of, year_bands, year_reports
from reports.exporters.summary import finance_rows, progress_rows, summary_workbook_write
from reports.exporters.workbook import clean_text, needs_forcing
from reports.models import Report, ScoreEntry
from reports.selectors import report_score_totals, reports_visible_to
from reports.yearly import year_open
from scoring.models import EvaluationYear
from scoring.services import rubric_get_or_create_default
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LIBREOFFICE_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
SHEETS = ("汇总", "评分明细", "收支明细", "进度", "等次分布")
# Sheets other apps register after these (tested with their apps: tests/sampling/test_exporters.py,
# tests/followup/test_exporters.py).
REGISTERED_SHEETS = ("抽评", "抽评汇总", "专家评审", "整改")
INJECTED = {
    "department": "=1+1", "office": "@SUM(A1)", "contact": "+86 138 0000 0000", "phone": "-2",
    "reason": "=SUM(A1:A3)", "note": "#N/A", "org": "-2+3",
}


# --- Building years ---------------------------------------------------------------------------
def admin_user():
    user = UserFactory(username="bureau-admin")
    MembershipFactory(user=user, role=Role.ADMIN)
    return user


def open_year(*codes, year=2021, deadline=datetime.date(2022, 5, 31)):
    for code in codes:
        DepartmentFactory(code=code, name=f"单位{code}")
    return year_open(year=year, rubric=rubric_get_or_create_default(), deadline=deadline).evaluation_year


def score(report, *, self_scores=None, review=None):
    """Set every 自评得分 to the row's 分值 (the 效益 group 5 each), with `self_scores`/`review` by label."""
    for entry in report.scores.select_related("indicator__shares_points_with"):
        label = entry.indicator.label
        default = Decimal(5) if entry.indicator.max_points == 15 else entry.indicator.max_points
        entry.self_score = (self_scores or {}).get(label, default)
        entry.review_score = (review or {}).get(label)
        entry.save()


def finance(report, org, *, income=None, expenditure=None, three_public=None, fixed=None, order=1):
    if income is not None:
        IncomeRow.objects.create(report=report, org_name=org, order=order, total=income, public_finance=income)
    if expenditure is not None:
        ExpenditureRow.objects.create(report=report, org_name=org, order=order, total=expenditure, basic=expenditure)
    if three_public is not None:
        ThreePublicRow.objects.create(report=report, org_name=org, order=order, total=three_public)
    if fixed is not None:
        FixedAssetRow.objects.create(report=report, org_name=org, order=order, total=fixed, in_use=fixed)


def approve(report, *, review=None):
    """Take `report` through the workflow to 已审定 with real users holding each role."""
    clerk, head, reviewer = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(user=clerk, role=Role.CLERK, department=report.department)
    MembershipFactory(user=head, role=Role.HEAD, department=report.department)
    MembershipFactory(user=reviewer, role=Role.REVIEWER, office=report.department.office)
    report = workflow.move(report, Status.DEPT_REVIEW, by=clerk)
    report = workflow.move(report, Status.FINANCE_REVIEW, by=head)
    for label, value in (review or {}).items():
        ScoreEntry.objects.filter(report=report, indicator__label=label).update(review_score=value, review_note="复核")
    return workflow.move(report, Status.APPROVED, by=reviewer)


# --- Expected values, computed from the database independently of the exporters ---------------
def shown(value):
    """A value as LibreOffice shows it with the workbook's number formats (and text as the workbook
    holds it: Word's \\x0b line break a newline, other control characters gone)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0e-\x1f]", "", value.replace("\x0b", "\n"))
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def score_shown(value):
    """A score as the form prints it and the workbook's General format shows it (98, 61.5)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def total_row(rows, columns, width):
    """The 合计 row the workbook writes under `rows` (of shown values): sums of `columns`."""
    row = ["合计"] + [""] * (width - 1)
    for column in columns:
        values = [Decimal(r[column]) for r in rows if r[column] != ""]
        row[column] = f"{sum(values):.2f}" if values else ""
    return row


def expected_sheets(evaluation_year):
    reports = list(Report.objects.filter(evaluation_year=evaluation_year).order_by("department__code"))
    summary, scores, finances, progress = [], [], [], []
    grades = Counter()
    tables = (IncomeRow, ExpenditureRow, ThreePublicRow, FixedAssetRow)
    for report in reports:
        department = report.department
        totals = report_score_totals(report)
        grade = totals["grade"] if report.status != Status.DRAFT else None  # graded once submitted
        grades[grade or "未评分"] += 1
        expenditure = report.expenditure_rows.all()
        summary.append([shown(v) for v in (
            department.code, department.name, department.office.name, report.get_status_display(),
            total(r.total for r in report.income_rows.all()), total(r.total for r in expenditure),
            total(r.basic for r in expenditure), total(r.project for r in expenditure),
            total(r.total for r in report.three_public_rows.all()),
        )] + [score_shown(totals["self_total"]), score_shown(totals["review_total"])]
            + [shown(v) for v in (grade, report.submitted_at, report.approved_at)])
        for entry in report.scores.order_by("indicator__order"):
            indicator = entry.indicator
            points = None if indicator.shares_points_with_id else indicator.points  # a shared 分值 once
            scores.append([shown(v) for v in (
                department.code, department.name, indicator.parent.parent.label, indicator.parent.label,
                indicator.label)] + [score_shown(points), score_shown(entry.self_score), shown(entry.deduction_reason),
                                     score_shown(entry.suggested_score), score_shown(entry.review_score),
                                     shown(entry.review_note)])
        orgs = []
        for model in tables:
            orgs += [o for o in model.objects.filter(report=report).values_list("org_name", flat=True) if o not in orgs]
        for org in orgs:
            row = [department.code, department.name, org]
            for model in tables:
                fields = [f.name for f in model._meta.fields if f.name not in ("id", "report", "org_name", "order")]
                found = model.objects.filter(report=report, org_name=org).first()
                row += [getattr(found, name) if found else None for name in fields]
            finances.append([shown(v) for v in row])
    deadline, today = evaluation_year.deadline, timezone.localdate()
    for department in Department.objects.filter(is_active=True).order_by("code"):
        report = next((r for r in reports if r.department_id == department.pk), None)
        if report is not None and report.status != Status.DRAFT:
            continue
        state = "未创建报告" if report is None else ("已退回" if report.submitted_at else "草稿")
        progress.append([shown(v) for v in (
            department.code, department.name, department.office.name if department.office else "", state,
            deadline, (deadline - today).days, report.contact_name if report else "", report.contact_phone if report else "",
        )])
    bands = [b.label for b in evaluation_year.grade_bands.order_by("-min_score")]
    return {
        "汇总": [*summary, total_row(summary, range(4, 9), 14)], "评分明细": scores,
        "收支明细": [*finances, total_row(finances, range(3, 25), 25)], "进度": progress,
        "等次分布": [[label, str(grades[label])] for label in [*bands, "未评分"]] + [["合计", str(len(reports))]],
    }


def libreoffice_csv(path, tmp_path):
    """Every sheet of `path` as LibreOffice reads it, converted headless to CSV (values as shown)."""
    out = tmp_path / "csv"
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", LIBREOFFICE_CSV, "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    return {
        sheet: list(csv.reader((out / f"{path.stem}-{sheet}.csv").read_text(encoding="utf-8").splitlines(True)))
        for sheet in SHEETS
    }


@pytest.fixture
def demo_year():
    """The demo year, with user text that looks like formulas, Word's control characters, an
    approved report with a reviewed score, a returned-free draft and a department with no report."""
    demo_load()
    office = Office.objects.get(name="行政政法科")
    Office.objects.filter(pk=office.pk).update(name=INJECTED["office"])
    Department.objects.filter(code="106020").update(name=INJECTED["department"])
    DepartmentFactory(code="106030", name="新成立单位", office=office)
    year = EvaluationYear.objects.get(year=2021)
    seed = Report.objects.get(evaluation_year=year, department__code="106019")
    archive = Report.objects.get(evaluation_year=year, department__code="106020")
    Report.objects.filter(pk=archive.pk).update(contact_name=INJECTED["contact"], contact_phone=INJECTED["phone"])
    first, second = seed.scores.order_by("indicator__order")[:2]
    ScoreEntry.objects.filter(pk=first.pk).update(deduction_reason="第一行\x0b第二行\x07")
    ScoreEntry.objects.filter(pk=second.pk).update(deduction_reason=INJECTED["reason"])
    finance(archive, INJECTED["org"], income=Decimal("12.50"))
    score(archive, self_scores={"资金结余": Decimal("1")})
    ScoreEntry.objects.filter(report=archive, indicator__label="资金结余").update(
        deduction_reason="结余偏高", review_note=INJECTED["note"],
    )
    approve(seed, review={"资金结余": Decimal("1.5")})
    return year


def test_summary_of_the_demo_year_opens_in_libreoffice_and_every_value_equals_the_database(demo_year, tmp_path):
    path = tmp_path / "summary.xlsx"

    call_command("export_summary", year=2021, out=str(path), stdout=io.StringIO())

    sheets = libreoffice_csv(path, tmp_path)
    expected = expected_sheets(demo_year)
    assert [rows[1][0] for rows in sheets.values()] == ["预算编码", "预算编码", "预算编码", "预算编码", "评价等次"]
    assert {name: rows[2:] for name, rows in sheets.items()} == expected
    assert [len(expected[name]) for name in SHEETS] == [3, 50, 3, 2, 6]
    assert sheets["汇总"][0][0] == "2021年度部门整体支出绩效自评汇总表"
    assert sheets["汇总"][1] == [
        "预算编码", "部门（单位）名称", "归口业务科室", "状态", "收入合计（万元）", "支出合计（万元）", "基本支出（万元）",
        "项目支出（万元）", "三公经费合计（万元）", "自评得分", "复核得分", "评价等次", "提交时间", "审定时间",
    ]
    assert sheets["汇总"][2][9:12] == ["98", "97.5", "优秀"]  # as the form prints them (reviewed 资金结余 1.5)
    assert sheets["汇总"][3][11] == ""  # a draft is not graded
    assert all(header.endswith("（万元）") for header in sheets["收支明细"][1][3:])


def test_score_details_give_a_shared_points_value_once_so_each_department_sums_to_100(demo_year, tmp_path):
    path = tmp_path / "summary.xlsx"

    summary_workbook_write(path, reports=Report.objects.all(), evaluation_year=demo_year, include_missing=True)

    sheet = load_workbook(path)["评分明细"]
    points = Counter()
    shared = []
    for code, _name, _first, _second, label, value, *_rest in sheet.iter_rows(min_row=3, values_only=True):
        points[code] += value or 0
        if label in ("经济效益", "社会效益", "生态效益"):
            shared.append((code, label, value))
    assert points == {"106019": 100, "106020": 100}
    assert shared == [(code, label, value) for code in ("106019", "106020")
                      for label, value in (("经济效益", 15), ("社会效益", None), ("生态效益", None))]


def test_user_text_that_looks_like_a_formula_stays_text(demo_year, tmp_path):
    path = tmp_path / "summary.xlsx"

    call_command("export_summary", year=2021, out=str(path), stdout=io.StringIO())

    workbook = load_workbook(path)
    kinds = Counter(cell.data_type for ws in workbook for row in ws.iter_rows() for cell in row if cell.value is not None)
    assert kinds["f"] == 0 and kinds["e"] == 0
    summary, scores, finances, progress = (workbook[name] for name in SHEETS[:4])
    assert [(c.value, c.data_type) for c in summary[4][:3]] == [("106020", "s"), ("=1+1", "s"), ("@SUM(A1)", "s")]
    assert [c.value for c in progress[3][6:8]] == ["+86 138 0000 0000", "-2"]
    assert [scores[3][7].value, scores[4][7].value] == ["第一行\n第二行", "=SUM(A1:A3)"]
    note = next(row[10] for row in scores.iter_rows(min_row=3) if (row[0].value, row[4].value) == ("106020", "资金结余"))
    assert (note.value, note.data_type) == ("#N/A", "s")
    assert [(c.value, c.data_type) for c in finances[4][2:4]] == [("-2+3", "s"), (12.5, "n")]


def test_workbook_has_formats_frozen_headers_filters_print_setup_and_a_grade_chart(demo_year, tmp_path):
    path = tmp_path / "summary.xlsx"

    summary_workbook_write(path, reports=Report.objects.all(), evaluation_year=demo_year, include_missing=True)

    workbook = load_workbook(path)
    assert workbook.sheetnames == [*SHEETS, *REGISTERED_SHEETS]
    assert [(ws.freeze_panes, ws.auto_filter.ref) for ws in workbook] == [
        ("C3", "A2:N4"), ("C3", "A2:K52"), ("D3", "A2:Y4"), ("C3", "A2:H4"), ("A3", "A2:B7"),
        ("C3", "A2:L2"), ("C3", "A2:I2"), ("C3", "A2:G2"), ("C3", "A2:M2"),
    ]
    assert {(ws.page_setup.orientation, ws.page_setup.paperSize, ws.print_title_rows) for ws in workbook} == {
        ("landscape", 9, "$1:$2"),
    }
    summary = workbook["汇总"]
    assert [summary.cell(3, col).number_format for col in (5, 10, 13, 14)] == [
        "0.00", "General", "yyyy-mm-dd hh:mm", "yyyy-mm-dd hh:mm",  # scores print 98, 61.5
    ]
    assert summary["A2"].font.b is True
    assert [summary.cell(5, col).value for col in (1, 5)] == ["合计", 272.98]
    assert summary.cell(5, 1).font.b is True
    # Borders in print, a Chinese font named for Excel and WPS, long names wrapped instead of cut off.
    assert all(ws.print_options.gridLines for ws in workbook)
    assert {summary.cell(3, col).font.name for col in (1, 2, 5)} == {"宋体"}
    assert workbook._fonts[0].name == "宋体" and workbook._fonts[0].charset == 134
    assert summary.cell(3, 2).alignment.wrap_text is True
    # 收支明细 prints one table per page width at 90 % (11 pt → 9.9 pt), 预算编码 to 机构名称 repeated.
    finances = workbook["收支明细"]
    assert (finances.page_setup.scale, finances.sheet_properties.pageSetUpPr.fitToPage) == (90, False)
    assert finances.print_title_cols == "$A:$C"
    assert [b.id for b in finances.col_breaks.brk] == [9, 16, 21]
    assert 11 * finances.page_setup.scale / 100 >= 8
    assert [workbook[name].page_setup.fitToWidth for name in ("汇总", "评分明细", "进度")] == [1, 1, 1]
    charts = workbook["等次分布"]._charts
    assert len(charts) == 1
    axis = charts[0].y_axis
    assert (axis.majorUnit, axis.numFmt.formatCode, axis.scaling.min, axis.delete) == (1, "0", 0, False)


def test_totals_from_annotations_agree_with_report_score_totals():
    year = open_year("A1", "A2", "A3", "A4")
    a1, a2, a3, _a4 = Report.objects.filter(evaluation_year=year).order_by("department__code")
    score(a1)
    score(a2, self_scores={"资金结余": Decimal("0")}, review={"资金结余": Decimal("3"), "支付进度": Decimal("0")})
    score(a3, self_scores={label: Decimal(0) for label in ("支付进度", "资金结余", "预算调整率")})
    ScoreEntry.objects.filter(report=a3, indicator__label="经济效益").update(self_score=None)
    bands = year_bands(year)

    annotated = [(r.department.code, totals_of(r, bands)) for r in year_reports(Report.objects.all(), year)]

    assert [(code, t.self_total, t.review_total, t.grade) for code, t in annotated] == [
        (r.department.code, *report_score_totals(r).values())
        for r in Report.objects.filter(evaluation_year=year).order_by("department__code")
    ]
    assert [(t.self_total, t.review_total, t.grade) for _code, t in annotated] == [
        (Decimal("100.00"), None, "优秀"), (Decimal("97.00"), Decimal("97.00"), "优秀"),
        (Decimal("86.00"), None, "良好"), (None, None, None),
    ]


@pytest.mark.parametrize("departments", [1, 3])
def test_summary_export_runs_a_constant_number_of_queries(departments, tmp_path, django_assert_num_queries):
    year = open_year(*[f"B{n}" for n in range(departments)])
    for report in Report.objects.filter(evaluation_year=year):
        score(report)
        finance(report, "本级", income=Decimal("1.00"), expenditure=Decimal("1.00"), three_public=Decimal("0.10"))
    reports = reports_visible_to(admin_user())

    # 10 for the report sheets, 1 asking whether the year has approved targets (the 绩效目标 sheet),
    # 5 for sampling's sheets (tests/sampling/test_exporters.py), 1 for the deadline extensions (进度) and 1
    # for the findings of followup's 整改 sheet.
    with django_assert_num_queries(18):
        summary_workbook_write(tmp_path / "s.xlsx", reports=reports, evaluation_year=year, include_missing=True)


def test_finance_rows_put_the_four_tables_side_by_side_by_org_name():
    year = open_year("C1")
    report = Report.objects.get(evaluation_year=year)
    finance(report, "本级", income=Decimal("10.00"), expenditure=Decimal("9.00"), fixed=Decimal("3.00"))
    finance(report, "下属单位", income=Decimal("2.00"), three_public=Decimal("0.50"), order=2)

    rows = list(finance_rows(Report.objects.filter(evaluation_year=year)))

    blank = [None] * 5
    assert rows == [
        ("C1", "单位C1", "本级", Decimal("10.00"), None, Decimal("10.00"), None, None, None,
         Decimal("9.00"), Decimal("9.00"), None, None, None, None, None, *blank,
         Decimal("3.00"), Decimal("3.00"), None, None),
        ("C1", "单位C1", "下属单位", Decimal("2.00"), None, Decimal("2.00"), None, None, None, *[None] * 7,
         Decimal("0.50"), None, None, None, None, *[None] * 4),
    ]


def test_progress_lists_drafts_returned_reports_and_departments_without_a_report_with_days_left():
    year = open_year("D1", "D2", "D3", deadline=datetime.date(2022, 5, 31))
    DepartmentFactory(code="D0", name="新单位", office=None)
    DepartmentFactory(code="D9", name="撤销单位", is_active=False)
    d1, d2, d3 = Report.objects.filter(evaluation_year=year).order_by("department__code")
    approve(d1)
    workflow.move(d1, Status.DRAFT, by=admin_user(), comment="请补充")
    approve(d3)
    scoped = Report.objects.filter(evaluation_year=year)

    rows = list(progress_rows(scoped, year, today=datetime.date(2022, 5, 29), include_missing=True))

    assert [row[:6] for row in rows] == [
        ("D0", "新单位", "", "未创建报告", datetime.date(2022, 5, 31), 2),
        ("D1", "单位D1", d1.department.office.name, "已退回", datetime.date(2022, 5, 31), 2),
        ("D2", "单位D2", d2.department.office.name, "草稿", datetime.date(2022, 5, 31), 2),
    ]


def test_year_progress_counts_statuses_offices_grades_and_score_bins():
    year = open_year("E1", "E2", "E3")
    e1, e2, e3 = Report.objects.filter(evaluation_year=year).order_by("department__code")
    Department.objects.filter(code__in=["E1", "E2"]).update(office=e1.department.office)
    score(e1)
    score(e2, self_scores={"资金结余": Decimal("0"), "支付进度": Decimal("0"), "预算调整率": Decimal("0"),
                           "“三公经费”控制率": Decimal("0")})
    approve(e1)

    progress = year_progress(
        reports=Report.objects.all(), evaluation_year=year, today=datetime.date(2022, 6, 1), include_missing=True,
    )

    office = e1.department.office.name
    assert progress.total == 3
    assert progress.by_status == [("草稿", 2), ("部门审核", 0), ("财政审核", 0), ("已审定", 1)]
    assert progress.by_office == sorted([(office, [1, 0, 0, 1], 2), (e3.department.office.name, [1, 0, 0, 0], 1)])
    assert progress.grades == [("优秀", 1), ("良好", 0), ("中", 0), ("差", 0), ("未评分", 2)]  # drafts: ungraded
    assert progress.histogram == [
        ("0–10", 0), ("10–20", 0), ("20–30", 0), ("30–40", 0), ("40–50", 0), ("50–60", 0), ("60–70", 0),
        ("70–80", 0), ("80–90", 0), ("90–100", 1),
    ]  # E2's draft scores (89) are work in progress: neither graded nor binned
    assert [(p.code, p.state, p.days_left, p.days_overdue) for p in progress.pending] == [
        ("E2", "草稿", -1, 1), ("E3", "草稿", -1, 1),
    ]


def test_days_to_the_deadline_are_given_only_while_the_year_is_open():
    year = open_year("F1", deadline=datetime.date(2022, 5, 31))
    scoped = Report.objects.filter(evaluation_year=year)
    today = datetime.date(2026, 12, 1)

    open_rows = list(progress_rows(scoped, year, today=today, include_missing=False))
    EvaluationYear.objects.filter(pk=year.pk).update(is_open=False)
    year.refresh_from_db()
    closed_rows = list(progress_rows(scoped, year, today=today, include_missing=False))
    pending = year_progress(reports=scoped, evaluation_year=year, today=today, include_missing=False).pending

    assert [row[4:6] for row in open_rows] == [(datetime.date(2022, 5, 31), -1645)]
    assert [row[4:6] for row in closed_rows] == [(datetime.date(2022, 5, 31), None)]
    assert [p.days_left for p in pending] == [None]


def test_chart_csv_rows_keep_formula_like_labels_inert():
    chart = {"x": "评价等次", "y": "单位数", "categories": ["优秀", "=1+1", "-2", "@A1"], "values": [1, 2, 3, 4]}

    rows = list(chart_csv_rows(chart))

    assert rows == [["评价等次", "单位数"], ["优秀", 1], ["'=1+1", 2], ["'-2", 3], ["'@A1", 4]]


def test_chart_data_carries_titles_categories_and_values():
    year = open_year("F1")

    data = chart_data(year_progress(
        reports=Report.objects.all(), evaluation_year=year, today=datetime.date(2022, 6, 1), include_missing=False,
    ))

    assert data["grades"] == {
        "title": "评价等次分布", "x": "评价等次", "y": "单位数",
        "categories": ["优秀", "良好", "中", "差", "未评分"], "values": [0, 0, 0, 0, 1],
    }
    assert data["scores"]["values"] == [0] * 10


@pytest.mark.parametrize("text", ["=", "=1+1", "=SUM(A1)", "#N/A", "#DIV/0!", "#标签", "@SUM(A1)", "+86 138", "-2", "普通文字"])
def test_needs_forcing_agrees_with_how_openpyxl_types_a_string(text):
    cell = WriteOnlyCell(Workbook(write_only=True).create_sheet(), value=text)

    assert needs_forcing(text) == (cell.data_type != "s")


def test_clean_text_turns_word_breaks_into_newlines_and_drops_other_control_characters():
    assert clean_text("甲\x0b乙\x0c丙\x07丁\x00\t戊\r\n") == "甲\n乙\n丙丁\t戊\r\n"


def test_approved_pdfs_zip_holds_archived_and_rendered_pdfs_and_a_readme(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    year = open_year("G1", "G2", "G3")
    g1, g2, _g3 = Report.objects.filter(evaluation_year=year).order_by("department__code")
    g1, g2 = approve(g1), approve(g2)
    Report.objects.get(pk=g1.pk).approved_pdf.save("g1.pdf", ContentFile(b"%PDF-1.7 archived"))
    Report.objects.filter(pk=g2.pk).update(approved_pdf="")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(approved_pdfs_zip(Report.objects.all(), year))))

    assert archive.namelist() == ["G1_单位G1_2021年度自评报告.pdf", "G2_单位G2_2021年度自评报告.pdf", "README.txt"]
    assert archive.read("G1_单位G1_2021年度自评报告.pdf") == b"%PDF-1.7 archived"
    assert archive.read("G2_单位G2_2021年度自评报告.pdf").startswith(b"%PDF-")
    assert archive.read("README.txt").decode().splitlines()[0] == "2021年度已审定自评报告PDF，共2份。"


def test_export_summary_refuses_an_unknown_year(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_summary", year=1999, out=str(tmp_path / "x.xlsx"))

    assert str(error.value) == "评价年度 1999 不存在。"


def test_export_summary_for_a_user_exports_what_that_user_may_see(tmp_path):
    year = open_year("H1", "H2")
    clerk = User.objects.create_user(username="h1clerk", password="Test-pass-2021")
    MembershipFactory(user=clerk, role=Role.CLERK, department=Department.objects.get(code="H1"))
    path = tmp_path / "clerk.xlsx"

    call_command("export_summary", year=year.year, out=str(path), user="h1clerk", stdout=io.StringIO())

    rows = list(load_workbook(path)["汇总"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in rows] == ["H1", "合计"]
