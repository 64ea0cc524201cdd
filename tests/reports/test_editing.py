import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.enums import Event
from audit.models import AuditEvent
from budgets.models import BaseData, IncomeRow
from reports.editing import BASE_DATA_FIELDS, StaleRevision, report_copy_forward, report_previous, report_save_section
from reports.enums import Status
from reports.models import QualitativeGoal, Report, ScoreEntry
from reports.narrative import TEXT_FIELDS
from reports.workflow import move
from scoring.evaluate import report_score
from scoring.services import frozen_rubrics_forget
from tests.reports.editor_support import blank_report, clerk_of, seed_report
from tests.reports.review_support import make_people
from tests.targets.test_yearend import approved

pytestmark = pytest.mark.django_db

INCOME = {"org_name": "档案馆", "total": Decimal("10.00"), "carried_over": None, "public_finance": Decimal("10.00"),
          "government_fund": None, "special_account": None, "other": None}


def finance(*income):
    return {"income": list(income), "expenditure": [], "three_public": [], "fixed_asset": []}


def test_saving_a_section_writes_its_rows_and_moves_the_revision_on():
    report = blank_report()
    clerk = clerk_of(report.department)

    new_revision = report_save_section(report=report, section="finance", data=finance(INCOME),
                                       revision=report.revision, by=clerk)

    report.refresh_from_db()
    assert (new_revision, report.revision) == (2, 2)
    assert list(report.income_rows.values("org_name", "total", "public_finance", "other", "order")) == [
        {"org_name": "档案馆", "total": Decimal("10.00"), "public_finance": Decimal("10.00"), "other": None, "order": 1},
    ]


def test_a_stale_revision_is_refused_and_nothing_is_written():
    report = blank_report()
    clerk, other = clerk_of(report.department), clerk_of(report.department)
    report_save_section(report=report, section="finance", data=finance(INCOME), revision=1, by=other)

    with pytest.raises(StaleRevision) as caught:
        report_save_section(report=report, section="finance", data=finance({**INCOME, "org_name": "旧的"}),
                            revision=1, by=clerk)

    assert caught.value.current_revision == 2
    assert list(IncomeRow.objects.filter(report=report).values_list("org_name", flat=True)) == ["档案馆"]
    assert Report.objects.get(pk=report.pk).revision == 2


def test_rows_are_updated_in_place_reordered_and_removed():
    report = blank_report()
    clerk = clerk_of(report.department)
    report_save_section(report=report, section="finance",
                        data=finance(INCOME, {**INCOME, "org_name": "下属单位"}), revision=1, by=clerk)
    first, second = IncomeRow.objects.filter(report=report).order_by("order")

    report_save_section(report=report, section="finance",
                        data=finance({**INCOME, "id": second.pk, "org_name": "下属单位（改）"}), revision=2, by=clerk)

    assert list(IncomeRow.objects.filter(report=report).values_list("pk", "org_name", "order")) == [
        (second.pk, "下属单位（改）", 1),
    ]


def test_only_the_rows_and_fields_that_differ_are_written():
    report = blank_report()
    clerk = clerk_of(report.department)
    rows = [INCOME, {**INCOME, "org_name": "下属单位"}, {**INCOME, "org_name": "另一单位"}]
    report_save_section(report=report, section="finance", data=finance(*rows), revision=1, by=clerk)
    ids = list(IncomeRow.objects.filter(report=report).order_by("order").values_list("pk", flat=True))
    posted = [{**row, "id": pk} for row, pk in zip(rows, ids, strict=True)]
    posted[1] = {**posted[1], "other": Decimal("0.00"), "total": Decimal("10.00")}  # one cell typed: 0 for blank

    with CaptureQueriesContext(connection) as queries:
        report_save_section(report=report, section="finance", data=finance(*posted), revision=2, by=clerk)

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "budgets_incomerow"')]
    assert len(updates) == 1 and f"= {ids[1]}" in updates[0] and '"org_name"' not in updates[0]
    assert '"other"' in updates[0] and '"order"' not in updates[0]
    assert list(IncomeRow.objects.filter(report=report).values_list("pk", "org_name", "other", "order")) == [
        (ids[0], "档案馆", None, 1), (ids[1], "下属单位", Decimal("0.00"), 2), (ids[2], "另一单位", None, 3),
    ]


def test_a_row_id_of_another_report_creates_a_new_row_and_leaves_the_other_report_alone():
    victim = seed_report()
    victim_row = victim.income_rows.get()
    report = blank_report()
    clerk = clerk_of(report.department)

    report_save_section(report=report, section="finance", data=finance({**INCOME, "id": victim_row.pk}),
                        revision=1, by=clerk)

    victim_row.refresh_from_db()
    assert victim_row.org_name == "岳阳市岳阳楼区融媒体中心"
    assert list(report.income_rows.values_list("org_name", flat=True)) == ["档案馆"]


def test_the_service_rechecks_the_identities_of_the_tables():
    report = blank_report()
    clerk = clerk_of(report.department)

    with pytest.raises(ValidationError) as caught:
        report_save_section(report=report, section="finance", data=finance({**INCOME, "total": Decimal("9.00")}),
                            revision=1, by=clerk)

    assert caught.value.message_dict == {"total": [
        "收入合计应等于上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、其他收入之和：填写为 9.00，各项之和为 10.00。"]}
    assert Report.objects.get(pk=report.pk).revision == 1
    assert report.income_rows.count() == 0


def test_a_clerk_of_another_department_cannot_save():
    report = blank_report()
    outsider = clerk_of(blank_report().department)

    with pytest.raises(PermissionDenied):
        report_save_section(report=report, section="finance", data=finance(INCOME), revision=1, by=outsider)


def test_a_submitted_report_cannot_be_saved_by_its_clerk():
    report = blank_report()
    clerk = clerk_of(report.department)
    report = move(report, Status.DEPT_REVIEW, by=clerk)

    with pytest.raises(PermissionDenied):
        report_save_section(report=report, section="finance", data=finance(INCOME), revision=report.revision,
                            by=clerk)


def test_saving_scores_creates_the_entries_and_stores_the_suggestions():
    report = blank_report()
    ScoreEntry.objects.filter(report=report).delete()
    clerk = clerk_of(report.department)
    fund_balance = report.evaluation_year.rubric.indicators.get(code="fund_balance")

    report_save_section(report=report, section="scores", revision=1, by=clerk, data={"scores": [
        {"indicator_id": fund_balance.pk, "self_score": Decimal("2"), "deduction_reason": "有结余"},
    ]})

    entry = ScoreEntry.objects.get(report=report, indicator=fund_balance)
    assert (entry.self_score, entry.deduction_reason) == (Decimal("2.00"), "有结余")
    assert ScoreEntry.objects.filter(report=report).count() == 25
    assert entry.suggestion_trace != ""


def test_each_save_is_in_the_audit_log_with_what_changed():
    report = blank_report()
    clerk = clerk_of(report.department)

    report_save_section(report=report, section="finance", data=finance(INCOME), revision=1, by=clerk,
                        changes=[("年度收入情况 第1行 · 收入合计", "", "10.00")])

    event = AuditEvent.objects.filter(event=Event.REPORT_EDIT).get()
    assert (event.user_id, event.object_id) == (clerk.pk, str(report.pk))
    assert event.detail == "保存“收支情况”（修订号 1 → 2）\n年度收入情况 第1行 · 收入合计：（空） → 10.00"


def test_copy_forward_fills_blank_facts_goals_and_last_years_three_public_spending():
    department = seed_report().department
    BaseData.objects.filter(report__department=department).update(three_public_final=Decimal("2.81"))
    report = blank_report(department=department, year=2022)
    clerk = clerk_of(department)
    Report.objects.filter(pk=report.pk).update(contact_phone="0730-1234567")

    copied = report_copy_forward(report=report, revision=report.revision, by=clerk)

    report.refresh_from_db()
    assert copied == ["部门基本情况", "定性目标", "基础数据（三公经费上年决算数）"]
    assert (report.contact_name, report.contact_phone, report.staff_quota, report.actual_headcount) == (
        "孟庆红", "0730-1234567", 13, 23)
    assert report.functions.startswith("区融媒体中心是区委宣传部下设二级机构。")
    assert report.achievements == ""
    assert list(QualitativeGoal.objects.filter(report=report).values_list("actual", flat=True)) == [""] * 5
    assert QualitativeGoal.objects.filter(report=report).first().target == "负责全区新闻报道计划的制定实施，组织协调全区重大新闻宣传报道；"
    assert report.base_data.three_public_prev_final == Decimal("2.81")
    assert report.revision == 2


def test_copy_forward_twice_copies_nothing_the_second_time():
    department = seed_report().department
    report = blank_report(department=department, year=2022)
    clerk = clerk_of(department)
    report_copy_forward(report=report, revision=1, by=clerk)

    copied = report_copy_forward(report=report, revision=2, by=clerk)

    assert copied == []
    assert QualitativeGoal.objects.filter(report=report).count() == 5


def test_copy_forward_without_a_previous_report_is_refused():
    report = blank_report()
    clerk = clerk_of(report.department)

    assert report_previous(report) is None
    with pytest.raises(ValueError):
        report_copy_forward(report=report, revision=1, by=clerk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
def test_two_concurrent_saves_from_the_same_revision_let_exactly_one_through():
    report = blank_report()
    clerks = [clerk_of(report.department), clerk_of(report.department)]
    barrier = threading.Barrier(2)
    results = []

    def save(clerk, name):
        try:
            barrier.wait(timeout=10)
            report_save_section(report=Report.objects.get(pk=report.pk), section="finance",
                                data=finance({**INCOME, "org_name": name}), revision=1, by=clerk)
            results.append("saved")
        except StaleRevision:
            results.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(clerk, f"单位{i}")) for i, clerk in enumerate(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["saved", "stale"]
    assert IncomeRow.objects.filter(report=report).count() == 1
    assert Report.objects.get(pk=report.pk).revision == 2


def overstaffed_report():
    """A blank report with 在职14 / 编制13, scored once: its 在职人员控制率 suggestion is 1.15.

    That first save changes nothing (the row was blank): it keeps revision 1 and stores the suggestions."""
    report = blank_report()
    Report.objects.filter(pk=report.pk).update(staff_quota=13, in_service_count=14, actual_headcount=14)
    report.refresh_from_db()
    clerk = clerk_of(report.department)
    staff = report.evaluation_year.rubric.indicators.get(code="staff_control_rate")
    report_save_section(report=report, section="scores", revision=1, by=clerk, data={"scores": [
        {"indicator_id": staff.pk, "self_score": None, "deduction_reason": ""},
    ]})
    return report, clerk, staff


def test_a_self_score_equal_to_the_exact_suggestion_saves_off_the_step_and_is_not_flagged():
    # 在职14 / 编制13 = 107.69…%: 7.69… points over × 0.5 = 3.85 deducted, 5 − 3.85 = 1.15 (not a multiple of 0.5).
    report, clerk, staff = overstaffed_report()

    report_save_section(report=report, section="scores", revision=1, by=clerk, data={"scores": [
        {"indicator_id": staff.pk, "self_score": Decimal("1.15"), "deduction_reason": "超编1人"},
    ]})

    entry = ScoreEntry.objects.get(report=report, indicator=staff)
    assert (entry.self_score, entry.suggested_score, entry.flagged) == (Decimal("1.15"), Decimal("1.15"), False)


def test_a_self_score_off_the_step_that_is_not_the_suggestion_is_refused():
    report, clerk, staff = overstaffed_report()

    with pytest.raises(ValidationError) as error:
        report_save_section(report=report, section="scores", revision=1, by=clerk, data={"scores": [
            {"indicator_id": staff.pk, "self_score": Decimal("1.2"), "deduction_reason": "超编1人"},
        ]})

    assert error.value.messages == ["自评得分须为0.5分的整数倍。"]


def test_an_exact_checklist_suggestion_from_the_answers_posted_with_it_saves():
    # Items 1 + 1 + 0.25 of a rubric whose items are not all whole halves: ticking ① and ③ suggests 1.25.
    report = blank_report()
    rules = report.evaluation_year.rubric.indicators.get(code="budget_rules")
    type(rules).objects.filter(pk=rules.pk).update(rule_params={"items": [
        {"label": "甲", "points": "1"}, {"label": "乙", "points": "1.75"}, {"label": "丙", "points": "0.25"}]})
    frozen_rubrics_forget()  # a change made outside the admin, which refuses any to a rubric in use
    clerk = clerk_of(report.department)

    report_save_section(report=report, section="scores", revision=1, by=clerk, data={"scores": [
        {"indicator_id": rules.pk, "self_score": Decimal("1.25"), "deduction_reason": "乙不符合",
         "inputs": {"checked": [True, False, True]}},
    ]})

    entry = ScoreEntry.objects.get(report=report, indicator=rules)
    assert (entry.self_score, entry.suggested_score, entry.flagged) == (Decimal("1.25"), Decimal("1.25"), False)


def test_copy_forward_takes_last_years_three_public_budget_and_carryover_as_this_years_previous_figures():
    department = seed_report().department
    BaseData.objects.filter(report__department=department).update(
        three_public_budget=Decimal("3.00"), carryover_total=Decimal("12.50"))
    report = blank_report(department=department, year=2022)
    BaseData.objects.filter(report=report).update(three_public_prev_final=Decimal("2.70"))

    copied = report_copy_forward(report=report, revision=report.revision, by=clerk_of(department))

    base = BaseData.objects.get(report=report)
    assert copied[-1] == "基础数据（三公经费上年预算数、上年结转结余总额）"
    assert (base.three_public_prev_budget, base.three_public_prev_final, base.carryover_prev_total) == (
        Decimal("3.00"), Decimal("2.70"), Decimal("12.50"))


def _stale_suggestions(report):
    """Mark every stored suggestion of `report` stale; returns how many rows there are."""
    return ScoreEntry.objects.filter(report=report).update(suggested_score=None, suggestion_trace="（旧）")


def test_a_save_of_a_section_scoring_does_not_read_leaves_the_suggestions_and_others_store_them_anew():
    report = seed_report()
    clerk = clerk_of(report.department)
    rows = _stale_suggestions(report)
    narrative = {"narrative": {name: f"{name}的内容" for name in TEXT_FIELDS}}

    revision = report_save_section(report=report, section="narrative", data=narrative, revision=report.revision,
                                   by=clerk)
    assert ScoreEntry.objects.filter(report=report, suggestion_trace="（旧）").count() == rows > 0

    report_save_section(report=report, section="base-data", revision=revision, by=clerk, data={
        "base_data": {name: getattr(report.base_data, name) for name in BASE_DATA_FIELDS}})
    assert ScoreEntry.objects.filter(report=report, suggestion_trace="（旧）").count() == 0


def test_approved_targets_store_the_suggestions_of_the_departments_report_being_filled_in(
        django_capture_on_commit_callbacks):
    people = make_people()
    report, other = blank_report(people.department), blank_report(people.other_department)
    report_score(report=report)
    report_score(report=other)
    _stale_suggestions(report), _stale_suggestions(other)

    with django_capture_on_commit_callbacks(execute=True):
        approved(people)

    assert ScoreEntry.objects.filter(report=report, suggestion_trace="（旧）").count() == 0
    assert ScoreEntry.objects.filter(report=other, suggestion_trace="（旧）").count() == other.scores.count() > 0
