import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from reports.models import ScoreEntry
from scoring.models import Rubric
from tests.scoring.conftest import make_report

pytestmark = pytest.mark.django_db

EXTERNAL = "人工评分：此项根据区综合绩效考核领导小组办公室对部门工作实绩的考核分数折算，由人工填报，系统不计算建议得分"
BENEFIT = "人工评分：效益指标由部门对照定量目标的完成情况自评，系统不计算建议得分"
SEED_TEXT = f"""2021年度 106019 岳阳市岳阳楼区融媒体中心 评分表
  [staff_control_rate] 财政供养人员控制率  分值5  建议得分5  自评得分5  复核得分—
      在职人数12 / 编制13 = 92.31%，不超过100%，得5分
  [three_public_change_rate] “三公经费”变动率  分值5  建议得分（数据不足）  自评得分5  复核得分—
      数据不足：缺少三公经费本年预算
  [key_expenditure_rate] 重点支出安排率  分值5  建议得分（数据不足）  自评得分5  复核得分—
      数据不足：缺少重点项目支出
  [budget_adjustment_rate] 预算调整率  分值3  建议得分（数据不足）  自评得分3  复核得分—
      数据不足：缺少预算调整数
  [payment_progress] 支付进度  分值3  建议得分（数据不足）  自评得分3  复核得分—
      数据不足：缺少未按进度下达的专项个数
  [fund_balance] 资金结余  分值3  建议得分3  自评得分2  复核得分—
      累计结余、当年结余均未填写，按收入合计260.48 − 支出合计260.48 = 0计算结余，无结余，得3分
  [three_public_control_rate] “三公经费”控制率  分值6  建议得分（数据不足）  自评得分6  复核得分—
      数据不足：缺少三公经费本年预算
  [budget_rules] 管理制度健全性  分值3  建议得分（数据不足）  自评得分3  复核得分—
      数据不足：尚未逐项勾选评分标准
  [fund_compliance] 资金使用合规性  分值3  建议得分（数据不足）  自评得分3  复核得分—
      数据不足：尚未填写不符合要求的例数
  [info_disclosure] 预决算信息公开性和完善性  分值3  建议得分（数据不足）  自评得分3  复核得分—
      数据不足：尚未逐项勾选评分标准
  [procurement_rate] 政府采购执行率  分值3  建议得分（数据不足）  自评得分3  复核得分—
      数据不足：缺少政府采购实际支出
  [card_payment_rate] 公务卡刷卡率  分值3  建议得分（数据不足）  自评得分2  复核得分—
      数据不足：缺少公务卡实际刷卡金额
  [asset_rules] 管理制度健全性  分值3  建议得分（数据不足）  自评得分3  复核得分—
      数据不足：尚未逐项勾选评分标准
  [asset_security] 资产管理安全性  分值4  建议得分（数据不足）  自评得分4  复核得分—
      数据不足：尚未填写不符合要求的例数
  [fixed_asset_utilization] 固定资产利用率  分值3  建议得分3  自评得分3  复核得分—
      在用固定资产92.43 / 固定资产合计92.43 = 100%，达到100%，得3分
  [duty_xiaokang] 推进全面小康建设指标任务完成情况  分值5  建议得分（人工评分）  自评得分5  复核得分—
      {EXTERNAL}
  [duty_growth_pole] 建设湖南新增极目标任务完成情况  分值7  建议得分（人工评分）  自评得分7  复核得分—
      {EXTERNAL}
  [duty_gov_report] 《政府工作报告》目标任务完成情况  分值5  建议得分（人工评分）  自评得分5  复核得分—
      {EXTERNAL}
  [duty_livelihood] 省市区民生实事完成情况  分值2  建议得分（人工评分）  自评得分2  复核得分—
      {EXTERNAL}
  [duty_key_projects] 省市区重点工程和重大项目建设完成情况  分值2  建议得分（人工评分）  自评得分2  复核得分—
      {EXTERNAL}
  [duty_other] 其他工作实绩指标完成情况  分值4  建议得分（人工评分）  自评得分4  复核得分—
      {EXTERNAL}
⚑ [benefit_economic] 经济效益  分值15  建议得分（人工评分）  自评得分5  复核得分—
      {BENEFIT}
      标记：定量目标中经济效益填报为“无”，自评得分却为5分。
  [benefit_social] 社会效益  分值15  建议得分（人工评分）  自评得分5  复核得分—
      {BENEFIT}
⚑ [benefit_ecological] 生态效益  分值15  建议得分（人工评分）  自评得分5  复核得分—
      {BENEFIT}
      标记：定量目标中生态效益填报为“无”，自评得分却为5分。
  [satisfaction] 社会公众或服务对象满意度  分值5  建议得分5  自评得分5  复核得分—
      满意度98%，属于“95%（含）以上”档，得5分
自评总分：98  复核总分：—  评价等次：优秀
一致性问题：
  - “资金结余”自评得分2分，低于分值3分，未填写扣分原因。
  - “公务卡刷卡率”自评得分2分，低于分值3分，未填写扣分原因。
"""


def run(*args, **options):
    out = io.StringIO()
    call_command("score_report", *args, stdout=out, **options)
    return out.getvalue()


def test_score_report_prints_every_row_with_its_suggestion_trace_scores_and_flags(seed_report):
    assert run("--year", "2021", "--code", "106019") == SEED_TEXT


def test_score_report_json_lists_rows_by_rubric_code(seed_report):
    data = json.loads(run("--year", "2021", "--code", "106019", "--json"))

    assert list(data["rows"]) == [
        "staff_control_rate", "three_public_change_rate", "key_expenditure_rate", "budget_adjustment_rate",
        "payment_progress", "fund_balance", "three_public_control_rate", "budget_rules", "fund_compliance",
        "info_disclosure", "procurement_rate", "card_payment_rate", "asset_rules", "asset_security",
        "fixed_asset_utilization", "duty_xiaokang", "duty_growth_pole", "duty_gov_report", "duty_livelihood",
        "duty_key_projects", "duty_other", "benefit_economic", "benefit_social", "benefit_ecological", "satisfaction",
    ]
    assert data["rows"]["fund_balance"] == {
        "label": "资金结余", "points": "3", "suggestion": "3", "status": "scored", "status_label": "已计算",
        "trace": "累计结余、当年结余均未填写，按收入合计260.48 − 支出合计260.48 = 0计算结余，无结余，得3分",
        "self_score": "2", "review_score": None, "deduction_reason": "", "flagged": False, "flag_reasons": [],
    }
    assert data["rows"]["benefit_ecological"] == {
        "label": "生态效益", "points": "15", "suggestion": None, "status": "manual", "status_label": "人工评分",
        "trace": BENEFIT, "self_score": "5", "review_score": None, "deduction_reason": "", "flagged": True,
        "flag_reasons": ["定量目标中生态效益填报为“无”，自评得分却为5分。"],
    }
    assert data["rows"]["payment_progress"]["status"] == "missing_data"
    assert {k: v for k, v in data.items() if k != "rows"} == {
        "year": 2021, "department": {"code": "106019", "name": "岳阳市岳阳楼区融媒体中心"},
        "self_total": "98", "review_total": None, "total": "98", "grade": "优秀",
        "problems": ["“资金结余”自评得分2分，低于分值3分，未填写扣分原因。", "“公务卡刷卡率”自评得分2分，低于分值3分，未填写扣分原因。"],
    }


def test_score_report_reads_without_storing_unless_asked(seed_report):
    # The import stored suggestions already; start from a report without them.
    ScoreEntry.objects.filter(report=seed_report).update(suggested_score=None, suggestion_trace="", flagged=False)
    run("--year", "2021", "--code", "106019")
    stored_before = ScoreEntry.objects.filter(report=seed_report, suggested_score__isnull=False).count()

    run("--year", "2021", "--code", "106019", "--save")

    assert stored_before == 0
    assert ScoreEntry.objects.filter(report=seed_report, suggested_score__isnull=False).count() == 4
    assert ScoreEntry.objects.filter(report=seed_report, flagged=True).count() == 2


def test_score_report_shows_review_scores_and_the_reviewed_grade(year_2021):
    report = make_report(year_2021, staff_quota=13, in_service_count=12, scores={
        "staff_control_rate": {"self_score": D(5), "review_score": D(4), "review_note": "复核"},
    })

    data = json.loads(run("--year", "2021", "--code", report.department.code, "--json"))

    assert data["rows"]["staff_control_rate"]["review_score"] == "4"
    assert (data["self_total"], data["review_total"], data["grade"]) == ("5", "4", "差")


def test_score_report_for_a_missing_report_is_a_clear_error(year_2021):
    with pytest.raises(CommandError) as error:
        run("--year", "2021", "--code", "999999")

    assert str(error.value) == "没有找到2021年度预算编码为999999的自评报告。"


def test_export_rubric_then_import_rubric_with_a_dry_run_first(year_2021, tmp_path):
    path = tmp_path / "评分表.xlsx"
    out = io.StringIO()
    call_command("export_rubric", "--year", "2021", str(path), stdout=out)

    call_command("import_rubric", str(path), "--name", "复制的评分表", "--dry-run", stdout=out)
    call_command("import_rubric", str(path), "--name", "复制的评分表", stdout=out)

    assert out.getvalue().splitlines() == [
        f"已将评分表“2021年度部门整体支出绩效评价评分表”（35行）写入 {path}",
        "检查通过：评分表“复制的评分表”共35行，未写入（--dry-run）。",
        "已导入评分表“复制的评分表”，共35行。",
    ]
    assert Rubric.objects.get(name="复制的评分表").indicators.count() == 35


def test_import_rubric_lists_every_problem_and_writes_nothing(tmp_path):
    path = tmp_path / "框架.xlsx"
    call_command("export_rubric", "--template", "framework_2013", str(path), stdout=io.StringIO())
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_rubric", str(path), stdout=io.StringIO(), stderr=err)

    assert str(error.value) == "评分表有1处问题，未导入。"
    assert err.getvalue() == "  已有名为“部门整体支出绩效评价共性指标体系框架（财预〔2013〕53号）”的评分表，请换一个名称。\n"
    assert Rubric.objects.count() == 1
