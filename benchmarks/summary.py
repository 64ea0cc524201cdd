"""Time and peak memory of the yearly summary workbook for many departments, against plain openpyxl.

Run from the project root:  .venv/bin/python benchmarks/summary.py [--departments 10000]

It builds a throwaway SQLite database with N synthetic departments (one 2021 report each, 25
scored rubric rows, one row in each 收支 table, a quarter in each workflow status) and then runs,
each in a fresh process so that its peak memory is its own:
  export_summary  `manage.py export_summary --year 2021` (database → rows → write-only workbook);
  baseline        openpyxl write-only mode writing the same cells (same sheets, values, number
                  formats, header styles, print set-up and chart) from Python data, no database.
Each runs --repeat times (default 2), interleaved; the best time counts (the machines are shared
and noisy) and the highest peak. It prints both, the time ratio (target < 1.5) and checks that
export_summary's peak RSS is under 250 MB; it exits non-zero when a target is missed. It also checks that the two files hold the same cells (first 2,000 rows
of every sheet and every sheet's row count).
"""
import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR, DEADLINE = 2021, datetime.date(2022, 5, 31)
OFFICES = 20
STATUSES = ("draft", "dept_review", "finance_review", "approved")
STATUS_LABELS = {"draft": "草稿", "dept_review": "部门审核", "finance_review": "财政审核", "approved": "已审定"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE_TIME = datetime.datetime(2022, 3, 1, 9, 0, tzinfo=datetime.UTC)
CENT = Decimal("0.01")
MEMORY_LIMIT_MB = 250
RATIO_LIMIT = 1.5


# --- Synthetic data (shared by the database seed and the baseline) ---------------------------
def synthetic(i, leaves):
    """Department i: its facts, 收支 figures and, per rubric leaf, (self, reason, review)."""
    status = STATUSES[i % 4]
    amount = Decimal(100 + i % 900) + Decimal(i % 100) * CENT
    public_use = (amount * Decimal("0.4")).quantize(CENT)
    scores = []
    for j, (_l1, _l2, _l3, points) in enumerate(leaves):
        full = Decimal(5) if points == 15 else points
        docked = j == i % len(leaves) and full >= 1
        self_score = full - 1 if docked else full
        review = self_score - Decimal("0.5") if status == "approved" and j == (i + 7) % len(leaves) else None
        scores.append((self_score, f"扣分原因{i}" if docked else "", review))
    return {
        "code": f"{100000 + i}", "name": f"测试单位{i:05d}", "office": f"业务科{i % OFFICES:02d}", "status": status,
        "submitted_at": None if status == "draft" else BASE_TIME + datetime.timedelta(minutes=i),
        "approved_at": BASE_TIME + datetime.timedelta(days=10, minutes=i) if status == "approved" else None,
        "contact": f"联系人{i}", "phone": f"0730-{i:07d}",
        "income": amount, "expenditure": amount, "basic": amount, "personnel": amount - public_use,
        "public_use": public_use, "three_public": Decimal(i % 500) * CENT, "fixed": Decimal(i % 1000) * Decimal("0.1"),
        "scores": scores,
    }


# --- Database seed (parent process) ------------------------------------------------------------
def seed(departments):
    from budgets.models import ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
    from departments.models import Bureau, Department, Office
    from reports.models import Report, ScoreEntry
    from scoring.services import rubric_get_or_create_default, year_create

    rubric = rubric_get_or_create_default()
    year = year_create(year=YEAR, rubric=rubric, deadline=DEADLINE)
    leaf_rows = list(rubric.indicators.filter(level=3).select_related("parent__parent", "shares_points_with"))
    leaves = [(r.parent.parent.label, r.parent.label, r.label, r.max_points) for r in leaf_rows]
    bureau = Bureau.objects.create(name="岳阳楼区财政局", region="岳阳楼区")
    offices = {o.name: o for o in Office.objects.bulk_create(
        Office(bureau=bureau, name=f"业务科{n:02d}") for n in range(OFFICES))}
    batch = 500
    for start in range(0, departments, batch):
        data = [synthetic(i, leaves) for i in range(start, min(start + batch, departments))]
        depts = Department.objects.bulk_create(
            Department(bureau=bureau, code=d["code"], name=d["name"], office=offices[d["office"]]) for d in data)
        # Synthetic fixtures: statuses and milestones are written directly, as a restored database would hold them.
        reports = Report.objects.bulk_create(
            Report(evaluation_year=year, department=dept, status=d["status"], submitted_at=d["submitted_at"],
                   approved_at=d["approved_at"], contact_name=d["contact"], contact_phone=d["phone"])
            for dept, d in zip(depts, data, strict=True))
        ids = dict(Report.objects.filter(department__in=depts).values_list("department_id", "pk"))
        ScoreEntry.objects.bulk_create(
            ScoreEntry(report_id=ids[dept.pk], indicator=leaf, self_score=s, deduction_reason=reason, review_score=rv)
            for dept, d in zip(depts, data, strict=True) for leaf, (s, reason, rv) in zip(leaf_rows, d["scores"], strict=True))
        for model, make in (
            (IncomeRow, lambda d: {"total": d["income"], "public_finance": d["income"]}),
            (ExpenditureRow, lambda d: {"total": d["expenditure"], "basic": d["basic"], "personnel": d["personnel"],
                                        "public_use": d["public_use"]}),
            (ThreePublicRow, lambda d: {"total": d["three_public"], "reception": d["three_public"]}),
            (FixedAssetRow, lambda d: {"total": d["fixed"], "in_use": d["fixed"]}),
        ):
            model.objects.bulk_create(model(report_id=ids[dept.pk], org_name=d["name"], order=1, **make(d))
                                      for dept, d in zip(depts, data, strict=True))
        del reports
    bands = [(b.label, str(b.min_score)) for b in year.grade_bands.order_by("-min_score")]
    return {"leaves": [[*leaf[:3], str(leaf[3])] for leaf in leaves], "bands": bands}


# --- Baseline: plain openpyxl write-only, the same cells from Python data ---------------------
def write_baseline(out, departments, *, leaves, bands, deadline, today, year, tz):
    """The export's workbook written directly from a list of `synthetic` departments: the same
    sheets, cells, number formats, styles, print set-up and chart."""
    from collections import Counter

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook(write_only=True)
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def sheet(title, heading, headers, widths, freeze):
        ws = workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = freeze
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", "9"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_title_rows = "1:2"
        cell = WriteOnlyCell(ws, value=heading)
        cell.font = Font(bold=True, size=14)
        ws.append([cell])
        cells = []
        for header in headers:
            cell = WriteOnlyCell(ws, value=header)
            cell.font, cell.fill, cell.alignment = header_font, header_fill, header_alignment
            cells.append(cell)
        ws.append(cells)
        return ws

    def fmt(ws, value, number_format):
        if value is None:
            return None
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell

    def finish(ws, columns, count):
        ws.auto_filter.ref = f"A2:{get_column_letter(columns)}{2 + count}"

    def local(moment):
        return None if moment is None else moment.astimezone(tz).replace(tzinfo=None)

    def grade_for(total):
        if total is None:
            return None
        return next((label for label, minimum in bands if total >= minimum), None)

    grades = Counter()
    money = "0.00"
    ws = sheet("汇总", f"{year}年度部门整体支出绩效自评汇总表",
               ["预算编码", "部门（单位）名称", "归口业务科室", "状态", "收入合计", "支出合计", "基本支出", "项目支出",
                "三公经费合计", "自评得分", "复核得分", "评价等次", "提交时间", "审定时间"],
               [12, 32, 14, 10, 12, 12, 12, 12, 12, 10, 10, 9, 17, 17], "C3")
    for d in departments:
        self_total = sum((s for s, _r, _v in d["scores"]), Decimal(0))
        reviewed = any(v is not None for _s, _r, v in d["scores"])
        review_total = sum((v if v is not None else s for s, _r, v in d["scores"]), Decimal(0)) if reviewed else None
        grade = grade_for(review_total if reviewed else self_total)
        grades[grade or "未评分"] += 1
        ws.append([d["code"], d["name"], d["office"], STATUS_LABELS[d["status"]], fmt(ws, d["income"], money),
                   fmt(ws, d["expenditure"], money), fmt(ws, d["basic"], money), None, fmt(ws, d["three_public"], money),
                   fmt(ws, self_total, money), fmt(ws, review_total, money), grade,
                   fmt(ws, local(d["submitted_at"]), "yyyy-mm-dd hh:mm"),
                   fmt(ws, local(d["approved_at"]), "yyyy-mm-dd hh:mm")])
    finish(ws, 14, len(departments))

    ws = sheet("评分明细", f"{year}年度评分明细",
               ["预算编码", "部门（单位）名称", "一级指标", "二级指标", "三级指标", "分值", "自评得分", "扣分原因和其他说明",
                "建议得分", "复核得分", "复核说明"], [12, 28, 8, 10, 22, 7, 9, 30, 9, 9, 30], "C3")
    for d in departments:
        for (first, second, third, points), (self_score, reason, review) in zip(leaves, d["scores"], strict=True):
            ws.append([d["code"], d["name"], first, second, third, fmt(ws, points, money), fmt(ws, self_score, money),
                       reason or None, None, fmt(ws, review, money), None])
    finish(ws, 11, len(departments) * len(leaves))

    labels = ["收入合计", "上年结转", "公共财政拨款", "政府基金拨款", "纳入专户管理的非税收入拨款", "其他收入", "支出合计",
              "基本支出", "人员支出", "公用支出", "项目支出", "当年结余", "累计结余", "三公经费合计", "公务接待费",
              "公务用车运维费", "公务用车购置费", "因公出国费", "固定资产合计", "在用固定资产", "出租固定资产", "其他固定资产"]
    ws = sheet("收支明细", f"{year}年度收支明细（万元）", ["预算编码", "部门（单位）名称", "机构名称", *labels],
               [12, 28, 28, *[12] * len(labels)], "D3")
    for d in departments:
        figures = [d["income"], None, d["income"], None, None, None, d["expenditure"], d["basic"], d["personnel"],
                   d["public_use"], None, None, None, d["three_public"], d["three_public"], None, None, None,
                   d["fixed"], d["fixed"], None, None]
        ws.append([d["code"], d["name"], d["name"], *[fmt(ws, f, money) for f in figures]])
    finish(ws, 25, len(departments))

    ws = sheet("进度", f"{year}年度未提交单位",
               ["预算编码", "部门（单位）名称", "归口业务科室", "状态", "截止日期", "距截止日期天数", "联系人", "联络电话"],
               [12, 32, 14, 12, 12, 10, 10, 14], "C3")
    pending = [d for d in departments if d["status"] == "draft"]
    for d in pending:
        ws.append([d["code"], d["name"], d["office"], "草稿", fmt(ws, deadline, "yyyy-mm-dd"), (deadline - today).days,
                   d["contact"], d["phone"]])
    finish(ws, 8, len(pending))

    ws = sheet("等次分布", f"{year}年度评价等次分布", ["评价等次", "单位数"], [12, 10], "A3")
    rows = [(label, grades[label]) for label, _minimum in bands] + [("未评分", grades["未评分"])]
    for row in rows:
        ws.append(list(row))
    finish(ws, 2, len(rows))
    chart = BarChart()
    chart.type, chart.title, chart.legend = "col", "评价等次分布", None
    chart.x_axis.title, chart.y_axis.title = "评价等次", "单位数"
    chart.add_data(Reference(ws, min_col=2, min_row=2, max_row=2 + len(rows)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + len(rows)))
    chart.width, chart.height = 16, 9
    ws.add_chart(chart, "D3")
    workbook.save(out)


# --- Children: each measured in its own process --------------------------------------------------
def peak_rss_mb():
    """This process's peak resident set (VmHWM). Unlike getrusage's ru_maxrss, which Linux carries
    across fork and exec from the parent, it starts afresh in each child."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_export(out):
    import django
    django.setup()
    from django.core.management import call_command

    import reports.management.commands.export_summary  # noqa: F401 (imports are not what is timed)
    start_rss = peak_rss_mb()
    start = time.perf_counter()
    call_command("export_summary", year=YEAR, out=out, stdout=open(os.devnull, "w"))  # noqa: SIM115 (devnull)
    return time.perf_counter() - start, start_rss


def child_baseline(out, plan_path, departments, today):
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    leaves = [(a, b, c, Decimal(p)) for a, b, c, p in plan["leaves"]]
    bands = [(label, Decimal(minimum)) for label, minimum in plan["bands"]]
    import gc

    import openpyxl  # noqa: F401 (imports are not what is timed)
    data = [synthetic(i, leaves) for i in range(departments)]  # made before the clock starts: only writing is timed
    gc.freeze()  # so that the collector does not rescan the baseline's own input while it writes
    start_rss = peak_rss_mb()
    start = time.perf_counter()
    write_baseline(out, data, leaves=leaves, bands=bands,
                   deadline=DEADLINE, today=datetime.date.fromisoformat(today), year=YEAR, tz=SHANGHAI)
    return time.perf_counter() - start, start_rss


def run_child(kind, env, *args):
    command = [sys.executable, __file__, "--child", kind, *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{kind} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def same_cells(first, second, rows=2000):
    """Whether two workbooks hold the same sheets, row counts and values in their first `rows` rows."""
    from openpyxl import load_workbook
    a, b = load_workbook(first, read_only=True), load_workbook(second, read_only=True)
    if a.sheetnames != b.sheetnames:
        return False
    for name in a.sheetnames:
        rows_a = list(a[name].iter_rows(values_only=True))
        rows_b = list(b[name].iter_rows(values_only=True))
        if len(rows_a) != len(rows_b) or rows_a[:rows] != rows_b[:rows]:
            print(f"sheet {name}: {len(rows_a)} vs {len(rows_b)} rows")
            for x, y in zip(rows_a, rows_b, strict=False):
                if x != y:
                    print("  export:  ", x)
                    print("  baseline:", y)
                    break
            return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, interleaved; the best time counts")
    parser.add_argument("--child", choices=["export", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "export":
        seconds, start_rss = child_export(*options.args)
        print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb(), "start_mb": start_rss}))
        return
    if options.child == "baseline":
        out, plan, departments, today = options.args
        seconds, start_rss = child_baseline(out, plan, int(departments), today)
        print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb(), "start_mb": start_rss}))
        return

    workdir = Path(tempfile.mkdtemp(prefix="summary-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evalsite.settings", "DJANGO_SQLITE_PATH": str(workdir / "db.sqlite3"),
           "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    import django
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    plan = seed(options.departments)
    (workdir / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    print(f"seeded {options.departments} departments in {time.perf_counter() - started:.1f} s ({workdir})")

    today = timezone.localdate().isoformat()
    exports, baselines = [], []
    for _run in range(options.repeat):  # interleaved, so that a noisy neighbour slows both alike
        exports.append(run_child("export", env, str(workdir / "export.xlsx")))
        baselines.append(run_child("baseline", env, str(workdir / "baseline.xlsx"), str(workdir / "plan.json"),
                                   str(options.departments), today))
    export = {"seconds": min(r["seconds"] for r in exports), "peak_mb": max(r["peak_mb"] for r in exports),
              "start_mb": exports[0]["start_mb"], "all": [r["seconds"] for r in exports]}
    baseline = {"seconds": min(r["seconds"] for r in baselines), "peak_mb": max(r["peak_mb"] for r in baselines),
                "start_mb": baselines[0]["start_mb"], "all": [r["seconds"] for r in baselines]}
    identical = same_cells(workdir / "export.xlsx", workdir / "baseline.xlsx")
    ratio = export["seconds"] / baseline["seconds"]
    size = (workdir / "export.xlsx").stat().st_size / 1024 / 1024
    print(f"departments: {options.departments}, score rows: {options.departments * len(plan['leaves'])}, "
          f"file {size:.1f} MiB, same cells: {'yes' if identical else 'NO'}")
    for label, result in (("export_summary:", export), ("openpyxl only: ", baseline)):
        runs = ", ".join(f"{seconds:.2f}" for seconds in result["all"])
        print(f"{label}  {result['seconds']:6.2f} s (runs: {runs})   peak RSS {result['peak_mb']:6.1f} MB "
              f"(process start {result['start_mb']:.1f} MB)")
    print(f"ratio: {ratio:.2f} (target < {RATIO_LIMIT}); export peak {export['peak_mb']:.0f} MB "
          f"(target < {MEMORY_LIMIT_MB} MB)")
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()
    if not identical or ratio >= RATIO_LIMIT or export["peak_mb"] >= MEMORY_LIMIT_MB:
        sys.exit(1)


if __name__ == "__main__":
    main()
