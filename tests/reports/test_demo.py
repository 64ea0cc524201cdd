import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.password_validation import validate_password

from accounts.models import User
from departments.models import Bureau, Department, Membership
from reports.demo import DEMO_PASSWORD, demo_load
from reports.interchange import document_blank, document_dumps, report_export
from reports.models import Report
from reports.narrative import OUTLINE
from reports.selectors import report_score_totals
from scoring.models import EvaluationYear

pytestmark = pytest.mark.django_db

SEED = Path("/work/shared/seed/000_e7a38e6b87d50f48.txt")
SEED_TEXT = SEED.read_text(encoding="utf-8") if SEED.exists() else None
needs_seed = pytest.mark.skipif(SEED_TEXT is None, reason="the seed text is not on this machine")
NAME = "岳阳市岳阳楼区融媒体中心"

# The 评分表 of the seed: 三级指标, 分值 (a shared 15 for the three 效益 rows) and 自评得分.
SEED_SCORES = [
    ("财政供养人员控制率", "5", "5"), ("“三公经费”变动率", "5", "5"), ("重点支出安排率", "5", "5"),
    ("预算调整率", "3", "3"), ("支付进度", "3", "3"), ("资金结余", "3", "2"), ("“三公经费”控制率", "6", "6"),
    ("管理制度健全性", "3", "3"), ("资金使用合规性", "3", "3"), ("预决算信息公开性和完善性", "3", "3"),
    ("政府采购执行率", "3", "3"), ("公务卡刷卡率", "3", "2"), ("管理制度健全性", "3", "3"),
    ("资产管理安全性", "4", "4"), ("固定资产利用率", "3", "3"),
    ("推进全面小康建设指标任务完成情况", "5", "5"), ("建设湖南新增极目标任务完成情况", "7", "7"),
    ("《政府工作报告》目标任务完成情况", "5", "5"), ("省市区民生实事完成情况", "2", "2"),
    ("省市区重点工程和重大项目建设完成情况", "2", "2"), ("其他工作实绩指标完成情况", "4", "4"),
    ("经济效益", "15", "5"), ("社会效益", "15", "5"), ("生态效益", "15", "5"), ("社会公众或服务对象满意度", "5", "5"),
]
TASKS = [
    "负责全区新闻报道计划的制定实施，组织协调全区重大新闻宣传报道；",
    "负责全区通联工作，抓好通讯员队伍建设；",
    "围绕区委、区政府中心工作，及时宣传报道区内经济、政治、文化、社会和生态文明建设中的大事；",
    "采编审发区内十大宣传平台的稿件；",
    "接待上级新闻单位来访，配合做好新闻采访工作。",
]


def normalise(text):
    """Drop every whitespace (Word's indentation, full-width spaces and the breaks inside table cells)."""
    return re.sub(r"\s+", "", text)


def row_counts():
    """Rows of every model of the domain apps."""
    return {
        model._meta.label: model.objects.count()
        for app in ("accounts", "departments", "scoring", "reports", "budgets")
        for model in apps.get_app_config(app).get_models()
    }


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


@pytest.fixture
def doc():
    demo_load()
    return report_export(Report.objects.get(evaluation_year__year=2021, department__code="106019"))


def test_cover_and_department_are_the_seeds(doc):
    assert (doc["year"], doc["department"], doc["status"]) == (2021, {"code": "106019", "name": NAME}, "draft")
    assert doc["cover"] == {
        "evaluation_method": "部门（单位）绩效自评", "evaluation_body": "部门（单位）评价组",
        "report_date": "2022-05-09", "issuer": "岳阳楼区财政局（制）",
    }


def test_overview_holds_contact_and_headcounts(doc):
    overview = {k: v for k, v in doc["overview"].items() if k not in ("functions", "achievements")}

    assert overview == {
        "contact_name": "孟庆红", "contact_phone": "8245359", "staff_quota": 13, "actual_headcount": 23,
        "in_service_count": 12, "retired_count": 3, "temporary_count": 8,
    }
    assert doc["overview"]["functions"].split("\n")[0] == "区融媒体中心是区委宣传部下设二级机构。主要职责有："
    assert len(doc["overview"]["functions"].split("\n")) == 6
    assert len(doc["overview"]["achievements"].split("\n")) == 5


def test_tasks_and_qualitative_goals_are_the_five_texts_without_numbering(doc):
    assert doc["tasks"] == TASKS
    assert doc["qualitative_goals"] == [{"target": text, "actual": "已完成"} for text in TASKS]


def test_quantitative_targets_in_the_forms_order(doc):
    assert [(q["category"], q["target"], q["actual"]) for q in doc["quantitative"]] == [
        ("quality", "《城市旧貌换新颜，提升百姓幸福感》《老小区变身新家园》在人民日报要闻版刊发；"
                    "《岳阳楼区：小区改造“让幸福来敲门”》被新华社采用。", "已完成"),
        ("quality", "成为全国第一个上线“学习强国”实播中国栏目的区县级媒体", "已完成"),
        ("quantity", "在中央级主流党媒发稿 129篇", "已完成"),
        ("quantity", "省级主流党媒发稿364篇", "已完成"),
        ("quantity", "市级主流党媒发稿387条", "已完成"),
        ("quantity", "区级平台共发稿4366篇", "已完成"),
        ("quantity", "策划创作新媒体作品200余个", "已完成"),
        ("timeliness", "及时进行区内宣传报道", "已完成"),
        ("cost", "严格控制预算，严格控制“三公”经费支出，做到预算支出不超标", "已完成"),
        ("social", "1、反电诈宣传微视频《指尖陷阱》，荣获湖南省第六届网络原创视听节目大赛“网络视听专题节目”二等奖；\n"
                   "2、城市内湖保护公益宣传片《以水映城》获全国守护美丽呵护全国短视频公益大赛优秀奖；\n"
                   "3、获得《红网手机报》建设工作先进单位、县级融媒体中心建设工作先进单位等荣誉称号。", "98%"),
        ("economic", "无", "无"),
        ("ecological", "无", "无"),
        ("satisfaction", "正面宣传多角度、多平台推出社会反响良好", "98%"),
    ]


def test_money_tables_figure_by_figure_with_blank_cells_null(doc):
    assert doc["income"] == [{
        "org_name": NAME, "total": "260.48", "carried_over": None, "public_finance": "260.48",
        "government_fund": None, "special_account": None, "other": None,
    }]
    assert doc["expenditure"] == [{
        "org_name": NAME, "total": "260.48", "basic": "260.48", "personnel": "143.46", "public_use": "117.02",
        "project": None, "current_surplus": None, "accumulated_surplus": None,
    }]
    assert doc["three_public"] == [{
        "org_name": NAME, "total": "2.81", "reception": "2.81", "vehicle_operation": None,
        "vehicle_purchase": None, "overseas": None,
    }]
    assert doc["fixed_assets"] == [{"org_name": NAME, "total": "92.43", "in_use": "92.43", "rented": "0.00", "other": None}]


def test_money_is_stored_as_decimal_and_zero_differs_from_blank():
    demo_load()
    report = Report.objects.get(department__code="106019")

    row = report.fixed_asset_rows.get()
    expenditure = report.expenditure_rows.get()

    assert (row.total, row.in_use, row.rented, row.other) == (Decimal("92.43"), Decimal("92.43"), Decimal("0"), None)
    assert (expenditure.personnel, expenditure.public_use, expenditure.project) == (
        Decimal("143.46"), Decimal("117.02"), None,
    )


def test_base_data_is_blank_except_satisfaction(doc):
    assert {k: v for k, v in doc["base_data"].items() if v is not None} == {"satisfaction": "98.00"}


def test_evaluators_and_sign_off(doc):
    assert doc["evaluators"] == [
        {"name": "吴鹏翔", "title": "主任", "unit": "融媒体中心"}, {"name": "李磊", "title": "副主任", "unit": "融媒体中心"},
    ]
    assert doc["signoff"] == {
        "leader_name": "", "leader_signed_on": None, "dept_opinion": "", "dept_head_name": "", "dept_signed_on": None,
        "finance_opinion": "", "finance_head_name": "", "finance_signed_on": None,
        "filler_name": "孟庆红", "filler_phone": "8245359",
    }


def test_the_25_rubric_rows_with_points_and_self_scores():
    demo_load()
    report = Report.objects.get(department__code="106019")

    entries = report.scores.select_related("indicator__shares_points_with").order_by("indicator__order")

    assert [(e.indicator.label, e.indicator.max_points, e.self_score, e.deduction_reason) for e in entries] == [
        (label, Decimal(points), Decimal(score), "") for label, points, score in SEED_SCORES
    ]


def test_total_is_98_and_grade_is_excellent(doc):
    report = Report.objects.get(department__code="106019")

    assert report_score_totals(report) == {"self_total": Decimal("98"), "review_total": None, "grade": "优秀"}
    assert doc["derived"] == {"self_total": "98.00", "review_total": None, "grade": "优秀"}


def test_narrative_maps_the_seeds_sections(doc):
    narrative = doc["narrative"]

    assert list(narrative) == [key for key, *_rest in OUTLINE if key not in ("management", "special_expenditure", "organization")]
    assert narrative["basic_info"] == "融媒体中心现有人数23人。其中：在职全额编制12人，退休3人，借调临聘人员8人。"
    assert narrative["special_oversight"] == (
        "在使用专项资金时，严格执行专项资使用制度和财务制度，同时对各项专项资金的使用流程进行监督，定时查看财务报表检查专项资金使用情况。"
    )
    assert narrative["special_allocation"] == "2021年专项资金共投入0万元，其中年初预算安排0万元，追加0万元。"
    assert narrative["problems"] == "主要存在问题财务管理方面的内部制度需进一步完善，成本有待进一步降低。"
    assert narrative["suggestions"] == "一是进一步完善机关财务制度。"
    assert narrative["performance"].count("\n") == 1
    assert narrative["performance"] == "\n".join(doc["overview"]["achievements"].split("\n")[3:])


@needs_seed
def test_every_text_of_the_document_comes_from_the_seed(doc):
    seed = normalise(SEED_TEXT)

    quantitative = [(q["target"], q["actual"]) for q in doc["quantitative"]]
    texts = [t for t in strings([doc[k] for k in ("overview", "tasks", "qualitative_goals", "evaluators", "signoff",
                                                  "narrative", "income")] + quantitative) if t]

    assert [t for t in texts if normalise(t) not in seed] == []
    assert all(t == t.strip() and "\n\n" not in t and "\u3000" not in t for t in texts)


@needs_seed
def test_every_long_text_of_the_seed_appears_in_the_document(doc):
    one = SEED_TEXT[SEED_TEXT.index("职能职责概述"):SEED_TEXT.index("二、部门（单位）收支情况")]
    five = SEED_TEXT[SEED_TEXT.index("五、评价报告综述（文字部分）"):SEED_TEXT.index("部门整体支出绩效评价评分表")]
    headings = {str(title) for *_rest, title in OUTLINE} | {"年度部门（单位）总体运行情况及取得的成绩", "评价报告综述（文字部分）"}
    document = normalise("".join(strings({k: doc[k] for k in ("overview", "tasks", "narrative")})))
    paragraphs = []
    for line in (one + five).splitlines():
        text = re.sub(r"^(任务|目标)\d+：", "", normalise(line))
        bare = re.sub(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)", "", text)
        if len(text) >= 10 and bare not in headings:
            paragraphs.append(text)

    assert len(paragraphs) == 30
    assert [p for p in paragraphs if p not in document] == []


def test_the_second_department_has_an_empty_draft():
    demo_load()

    report = Report.objects.get(department__code="106020")

    assert report_export(report) == {
        **document_blank(year=2021, code="106020", name="岳阳市岳阳楼区档案馆", issuer="岳阳楼区财政局（制）"),
        "status": "draft", "derived": {"self_total": None, "review_total": None, "grade": None},
    }
    assert (report.scores.count(), hasattr(report, "base_data"), hasattr(report, "narrative")) == (25, True, True)


def test_bureau_office_departments_and_year():
    demo_load()

    assert list(Bureau.objects.values_list("name", "region")) == [("岳阳楼区财政局", "岳阳楼区")]
    assert list(Department.objects.values_list("code", "name", "office__name", "bureau__name")) == [
        ("106019", NAME, "行政政法科", "岳阳楼区财政局"), ("106020", "岳阳市岳阳楼区档案馆", "行政政法科", "岳阳楼区财政局"),
    ]
    year = EvaluationYear.objects.get()
    assert (year.year, year.deadline, year.rubric.name) == (2021, datetime.date(2022, 5, 31), "2021年度部门整体支出绩效评价评分表")
    assert list(year.grade_bands.values_list("label", "min_score")) == [
        ("优秀", Decimal("90")), ("良好", Decimal("80")), ("中", Decimal("60")), ("差", Decimal("0")),
    ]
    assert list(Report.objects.order_by("department__code").values_list("department__code", "status")) == [
        ("106019", "draft"), ("106020", "draft"),
    ]


def test_one_demo_user_per_role_with_a_valid_password():
    users = demo_load()

    assert [(u.username, u.full_name, str(u.role), u.scope, u.password, u.created) for u in users] == [
        ("clerk", "孟庆红", "填报人", f"106019 {NAME}", DEMO_PASSWORD, True),
        ("head", "吴鹏翔", "部门负责人", f"106019 {NAME}", DEMO_PASSWORD, True),
        ("clerk2", "周丽", "填报人", "106020 岳阳市岳阳楼区档案馆", DEMO_PASSWORD, True),
        ("head2", "钱志强", "部门负责人", "106020 岳阳市岳阳楼区档案馆", DEMO_PASSWORD, True),
        ("reviewer", "刘建国", "财政审核人", "行政政法科", DEMO_PASSWORD, True),
        ("admin", "绩效科管理员", "管理员", "", DEMO_PASSWORD, True),
        ("sysadmin", "系统管理员", "系统管理员", "", DEMO_PASSWORD, True),
        ("secadmin", "安全管理员", "安全管理员", "", DEMO_PASSWORD, True),
        ("auditor", "审计管理员", "审计管理员", "", DEMO_PASSWORD, True),
    ]
    assert sorted(Membership.objects.values_list("user__username", "role", "department__code", "office__name")) == [
        ("admin", "admin", None, None), ("clerk", "clerk", "106019", None), ("clerk2", "clerk", "106020", None),
        ("head", "head", "106019", None), ("head2", "head", "106020", None), ("reviewer", "reviewer", None, "行政政法科"),
    ]
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
        assert validate_password(DEMO_PASSWORD, User(username=user.username, full_name=user.full_name)) is None
    # No superuser in the demo: the business admin is a plain user with the 管理员 membership.
    assert User.objects.filter(is_superuser=True).count() == 0
    assert User.objects.filter(username="admin").values_list("is_staff", "is_superuser").get() == (False, False)
    assert sorted(User.objects.exclude(admin_role="").values_list("username", "admin_role", "is_staff")) == [
        ("auditor", "audit", True), ("secadmin", "security", True), ("sysadmin", "system", True),
    ]


def test_load_demo_twice_changes_nothing():
    demo_load()
    counts = row_counts()
    documents = [document_dumps(report_export(r)) for r in Report.objects.order_by("pk")]
    passwords = list(User.objects.order_by("pk").values_list("username", "password"))

    users = demo_load()

    assert row_counts() == counts
    assert [document_dumps(report_export(r)) for r in Report.objects.order_by("pk")] == documents
    assert list(User.objects.order_by("pk").values_list("username", "password")) == passwords
    assert [u.created for u in users] == [False] * 9


def test_load_demo_again_keeps_edited_data():
    demo_load()
    Report.objects.filter(department__code="106019").update(contact_name="张三")
    Department.objects.filter(code="106020").update(name="档案馆")
    clerk = User.objects.get(username="clerk")
    clerk.set_password("Another-pass-2022")
    clerk.save()

    demo_load()

    assert Report.objects.get(department__code="106019").contact_name == "张三"
    assert Department.objects.get(code="106020").name == "档案馆"
    assert User.objects.get(username="clerk").check_password("Another-pass-2022")


def test_the_second_departments_head_can_decide_its_report(client):
    from django.urls import reverse

    from reports.enums import Status
    from reports.workflow import allowed_moves, move

    demo_load()
    report = Report.objects.get(department__code="106020")
    move(report, Status.DEPT_REVIEW, by=User.objects.get(username="clerk2"))
    head = User.objects.get(username="head2")
    client.force_login(head)

    html = client.get(reverse("home")).content.decode()

    assert allowed_moves(Report.objects.get(pk=report.pk), head) == [Status.DRAFT, Status.FINANCE_REVIEW]
    assert f'id="dept-review-{report.pk}" href="{reverse("report_dept_review", args=[report.pk])}"' in html
