import pytest

from reports.changes import Change, described, path_label, path_sort_key, shown

LABELS = ["财政供养人员控制率", "“三公经费”变动率"]


@pytest.mark.parametrize(("path", "label"), [
    ("overview.contact_phone", "基本概况 · 联络电话"),
    ("signoff.leader_name", "签字和意见 · 评价组组长"),
    ("cover.report_date", "封面 · 报告日期"),
    ("income[1].total", "年度收入情况 第2行 · 收入合计"),
    ("base_data.card_due", "基础数据 · 公务卡应结算金额"),
    ("narrative.problems", "评价报告综述 · 存在的主要问题"),
    ("tasks[2]", "年度主要工作任务 · 任务3"),
    ("qualitative_goals[0].actual", "定性目标 目标1 · 实际完成"),
    ("evaluators[1].name", "评价人员 第2人 · 姓名"),
    ("scores[1].review_score", "评分表 · “三公经费”变动率 · 复核得分"),
    ("scores[0].inputs.checked[1]", "评分表 · 财政供养人员控制率 · 评分依据"),
    ("something_else", "something_else"),
])
def test_paths_are_named_with_the_forms_words(path, label):
    assert path_label(path, score_labels=LABELS) == label


def test_values_are_shown_as_people_read_them():
    assert [shown(v) for v in (None, "", [], True, False, "social", "260.48")] == [
        "（空）", "（空）", "（空）", "是", "否", "社会效益", "260.48"]


def test_paths_sort_in_the_documents_order_whatever_order_the_store_kept():
    paths = ["scores[0].deduction_reason", "overview.contact_phone", "scores[10].self_score", "scores[0].self_score",
             "income[0].other", "income[0].org_name", "cover.issuer", "tasks[1]"]

    assert sorted(paths, key=path_sort_key) == [
        "cover.issuer", "overview.contact_phone", "tasks[1]", "income[0].org_name", "income[0].other",
        "scores[0].self_score", "scores[0].deduction_reason", "scores[10].self_score"]


def test_described_keeps_the_order_and_formats_both_sides():
    changes = [{"path": "overview.contact_phone", "old": None, "new": "8245359"}]

    assert described(changes) == [Change(label="基本概况 · 联络电话", old="（空）", new="8245359")]


def test_scores_are_shown_as_the_form_prints_them_and_money_with_its_two_decimals():
    changes = [
        {"path": "scores[0].self_score", "old": "4.00", "new": "3.50"},
        {"path": "scores[1].review_score", "old": None, "new": "0.00"},
        {"path": "scores[1].deduction_reason", "old": "", "new": "4.00"},
        {"path": "income[0].total", "old": "260.48", "new": "250.00"},
    ]

    assert [(c.old, c.new) for c in described(changes, score_labels=LABELS)] == [
        ("4", "3.5"), ("（空）", "0"), ("（空）", "4.00"), ("260.48", "250.00")]
