import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from audit.enums import Event
from audit.models import AuditEvent
from departments.enums import Role
from reports.demo import SEED_FILE, seed_document
from reports.enums import Status
from reports.models import Report
from reports.workflow import move
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

BROKEN_PROBLEMS = [
    "  income[0].total：收入合计应等于上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、其他收入之和："
    "填写为 260.00，各项之和为 260.48。",
    "  scores[0].self_score：自评得分须为0.5分的整数倍。",
]


def row_counts():
    """Rows of every model of the domain apps."""
    return {
        model._meta.label: model.objects.count()
        for app in ("accounts", "departments", "scoring", "reports", "budgets")
        for model in apps.get_app_config(app).get_models()
    }


def broken_file(tmp_path):
    doc = seed_document()
    doc["income"][0]["total"] = "260.00"
    doc["scores"][0]["self_score"] = "4.30"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_report_writes_the_document_to_stdout():
    run("load_demo")

    out, _err = run("export_report", "--year", "2021", "--code", "106019")

    assert out == SEED_FILE.read_text(encoding="utf-8")


def test_export_report_out_writes_the_file(tmp_path):
    run("load_demo")
    target = tmp_path / "report.json"

    out, err = run("export_report", "--year", "2021", "--code", "106019", "--out", str(target))

    assert target.read_text(encoding="utf-8") == SEED_FILE.read_text(encoding="utf-8")
    assert (out, err) == ("", f"已导出到 {target}\n")


def test_export_report_of_a_missing_report_fails_in_chinese():
    with pytest.raises(CommandError) as raised:
        run("export_report", "--year", "2021", "--code", "999999")

    assert str(raised.value) == "未找到2021年度预算编码为999999的报告。"


def test_import_report_imports_a_file(tmp_path):
    out, _err = run("import_report", str(SEED_FILE))

    assert out == "已导入：2021年度 岳阳市岳阳楼区融媒体中心（草稿）\n"
    assert Report.objects.get().department.code == "106019"


def test_import_report_is_an_audit_row_and_so_is_its_refusal(tmp_path):
    run("import_report", str(SEED_FILE))
    report = Report.objects.get()
    with pytest.raises(CommandError):
        call_command("import_report", str(broken_file(tmp_path)), stdout=StringIO(), stderr=StringIO())

    rows = AuditEvent.objects.filter(event=Event.IMPORT).order_by("id")
    assert [(r.username, r.object_id, r.success, r.detail) for r in rows] == [
        ("manage.py import_report", str(report.pk), True, "导入报告（交换文档），新建草稿"),
        ("manage.py import_report", "", False, f"导入报告被拒绝：2个问题（{BROKEN_PROBLEMS[0].strip()}）"),
    ]


def test_import_report_refuses_a_report_under_review(tmp_path):
    run("import_report", str(SEED_FILE))
    report = Report.objects.get()
    clerk = MembershipFactory(role=Role.CLERK, department=report.department).user
    move(report, Status.DEPT_REVIEW, by=clerk)
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_report", str(SEED_FILE), stdout=StringIO(), stderr=err)

    assert err.getvalue() == "  2021年度预算编码为106019的报告处于“部门审核”状态，只有草稿可以通过导入覆盖。\n"
    assert str(raised.value) == "导入被拒绝：共1个问题，未写入任何数据。"
    assert Report.objects.get().status == Status.DEPT_REVIEW


def test_import_report_of_a_broken_document_lists_every_problem_and_writes_nothing(tmp_path):
    path = broken_file(tmp_path)
    counts = row_counts()
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_report", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == BROKEN_PROBLEMS
    assert str(raised.value) == "导入被拒绝：共2个问题，未写入任何数据。"
    assert raised.value.returncode == 1
    assert row_counts() == counts


@pytest.mark.parametrize(("content", "message"), [
    ("{'year': 2021}", "不是有效的 JSON（第1行第2列附近有语法错误）。"),
    (b"\xff\xfe", "不是 UTF-8 编码的文本。"),
    ('{"report": {"title": "\\ud800"}}', "$.report.title 含有不成对的代理字符（如 \\ud800），不是有效的 Unicode 文本。"),
    ("[" * 100_000 + "]" * 100_000, "JSON 嵌套过深（超过32层），不是本系统的交换文档。"),
    ('{"year": ' + "9" * 5001 + "}", "数字过长（5001位）；金额应写成带两位小数的字符串。"),
    ('{"year": NaN}', "不允许 NaN：JSON 中的数字必须是有限值。"),
    ('{"year": -Infinity}', "不允许 -Infinity：JSON 中的数字必须是有限值。"),
    ('{"year": 1e999}', "数字“1e999”超出范围。"),
], ids=["syntax", "not-utf8", "lone-surrogate", "deep-nesting", "5001-digits", "nan", "infinity", "overflow"])
def test_import_report_of_a_file_that_is_not_json_fails_in_chinese(tmp_path, content, message):
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        run("import_report", str(path))

    assert str(raised.value) == f"文件 {path} {message}"


def test_import_report_of_a_missing_file_fails_in_chinese(tmp_path):
    with pytest.raises(CommandError) as raised:
        run("import_report", str(tmp_path / "none.json"))

    assert str(raised.value) == f"找不到文件 {tmp_path / 'none.json'}。"


def test_load_demo_prints_usernames_roles_and_passwords():
    out, _err = run("load_demo")

    assert out.splitlines() == [
        "演示数据已就绪。演示用户：",
        "  clerk      填报人 · 106019 岳阳市岳阳楼区融媒体中心 · 孟庆红 · 密码 Demo-2021-pass",
        "  head       部门负责人 · 106019 岳阳市岳阳楼区融媒体中心 · 吴鹏翔 · 密码 Demo-2021-pass",
        "  clerk2     填报人 · 106020 岳阳市岳阳楼区档案馆 · 周丽 · 密码 Demo-2021-pass",
        "  head2      部门负责人 · 106020 岳阳市岳阳楼区档案馆 · 钱志强 · 密码 Demo-2021-pass",
        "  reviewer   财政审核人 · 行政政法科 · 刘建国 · 密码 Demo-2021-pass",
        "  admin      管理员 · 绩效科管理员 · 密码 Demo-2021-pass",
        "  sysadmin   系统管理员 · 系统管理员 · 密码 Demo-2021-pass",
        "  secadmin   安全管理员 · 安全管理员 · 密码 Demo-2021-pass",
        "  auditor    审计管理员 · 审计管理员 · 密码 Demo-2021-pass",
    ]


def test_load_demo_again_says_the_users_exist():
    run("load_demo")

    out, _err = run("load_demo")

    assert out.splitlines()[1] == (
        "  clerk      填报人 · 106019 岳阳市岳阳楼区融媒体中心 · 孟庆红 · 密码 Demo-2021-pass（已存在，密码未修改）"
    )


def test_import_report_in_a_real_process_exits_non_zero_and_writes_nothing(tmp_path):
    """manage.py as an operator runs it, on a throwaway SQLite file (never the developer's database)."""
    database = tmp_path / "db.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evalsite.test_settings", "DJANGO_SQLITE_PATH": str(database)}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True)

    result = subprocess.run([*manage, "import_report", str(broken_file(tmp_path))], env=env, capture_output=True, text=True)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-3:] == [*BROKEN_PROBLEMS, "CommandError: 导入被拒绝：共2个问题，未写入任何数据。"]
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from reports_report").fetchone() == (0,)
        assert db.execute("select count(*) from departments_department").fetchone() == (0,)
