"""Reading an interchange document: every problem at once, each with its JSON path, in Chinese.

`clean_document` walks the whole document, parses every value into what the models hold and
runs the shared validators (budgets.validators, reports.validators), collecting problems instead
of stopping at the first. It only reads the database (the year's rubric, an approved report).
"""
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from budgets.validators import (
    validate_base_data,
    validate_expenditure_row,
    validate_fixed_asset_row,
    validate_income_row,
    validate_three_public_row,
)
from departments.models import Department
from reports.enums import Category, Status
from reports.interchange.fields import (
    BASE_DATA_ADDED,
    BASE_DATA_SPECS,
    COVER,
    EXPORT_ONLY,
    FORMAT_NAME,
    FORMAT_VERSION,
    LIST_SPECS,
    NARRATIVE_SPECS,
    OVERVIEW,
    REPORT_SPECS,
    SCORE_SPECS,
    SIGNOFF,
    TABLE_SPECS,
    TASK_SPEC,
    TOP_LEVEL,
    Problem,
    specs,
)
from reports.limits import LIST_LIMITS, list_count_problem, narrative_total_problem, quantitative_count_problems
from reports.models import Report
from reports.validators import validate_group_total, validate_headcount, validate_score
from scoring.evaluate import row_suggestion
from scoring.inputs import figures_from_data
from scoring.models import EvaluationYear, Rubric
from scoring.services import DEFAULT_RUBRIC_FILE, rubric_nodes_from_data

TABLE_VALIDATORS = {
    "income": validate_income_row,
    "expenditure": validate_expenditure_row,
    "three_public": validate_three_public_row,
    "fixed_assets": validate_fixed_asset_row,
}
DEPARTMENT_SPECS = specs(Department, ("code", "name"))
MISSING = object()
TABLE_PREFIXES = {"fixed_assets": "fixed_asset"}  # document key -> scoring.inputs figure prefix
HEADCOUNT_PARTS = ("actual_headcount", "in_service_count", "retired_count", "temporary_count")


@dataclass
class RubricRow:
    """One 三级 row a document must score: its code, label, 分值 and the row it shares 分值 with."""

    code: str
    label: str
    max_points: object
    lead: str | None = None
    rule_kind: str = "manual"
    rule_params: dict = field(default_factory=dict)


@dataclass
class Cleaned:
    """The parsed document and what the import needs from the database."""

    data: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    rubric: list = field(default_factory=list)

    def add(self, path, message):
        self.problems.append(f"{path}：{message}" if path else message)

    def add_error(self, path, error):
        """Add a ValidationError's messages, each under path.<field>."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add(f"{path}.{name}" if path else name, message)
        else:
            for message in error.messages:
                self.add(path, message)


def rubric_rows_for(year):
    """The 三级 rows, in rubric order, and the score step of evaluation year `year`.

    A year not yet in the database will be created with the default rubric, so its rows are read
    from the default rubric (in the database if it exists, else from its data file).
    """
    evaluation_year = EvaluationYear.objects.select_related("rubric").filter(year=year).first()
    if evaluation_year is not None:
        rubric, step = evaluation_year.rubric, evaluation_year.score_step
    else:
        data = json.loads(DEFAULT_RUBRIC_FILE.read_text(encoding="utf-8"))
        rubric = Rubric.objects.filter(name=data["name"]).first()
        step = EvaluationYear._meta.get_field("score_step").default
        if rubric is None:
            nodes = rubric_nodes_from_data(data)
            points = {n["code"]: n["points"] for n in nodes}
            return [
                RubricRow(n["code"], n["label"], points[n["shares_points_with"] or n["code"]], n["shares_points_with"],
                          n["rule_kind"], n["rule_params"])
                for n in nodes if n["level"] == 3
            ], step
    rows = rubric.indicators.filter(level=3).select_related("shares_points_with").order_by("order")
    return [
        RubricRow(r.code, r.label, r.max_points, r.shares_points_with.code if r.shares_points_with else None,
                  r.rule_kind, r.rule_params or {})
        for r in rows
    ], step


def _object(cleaned, value, path, keys, optional=()):
    """The mapping at `path` if it is one; reports missing and unknown keys."""
    if value is MISSING:  # already reported as a missing key of the document
        return None
    if not isinstance(value, dict):
        cleaned.add(path, _("应为 JSON 对象。"))
        return None
    prefix = f"{path}." if path else ""
    for key in keys:
        if key not in value and key not in optional:
            cleaned.add(f"{prefix}{key}", _("缺少此字段。"))
    for key in value:
        if key not in keys:
            cleaned.add(f"{prefix}{key}", _("未知字段。"))
    return value


def _fields(cleaned, value, path, field_specs, optional=()):
    """Parse an object of plain fields; returns (values, complete) where complete means no problem.

    A key in `optional` may be left out; it then reads as None (blank).
    """
    obj = _object(cleaned, value, path, tuple(field_specs), optional=optional)
    if obj is None:
        return {}, False
    obj = {**{key: None for key in optional if key not in obj}, **obj}
    values, complete = {}, len(obj) == len(field_specs) and all(k in field_specs for k in obj)
    for name, spec in field_specs.items():
        if name not in obj:
            continue
        try:
            values[name] = spec.parse(obj[name])
        except Problem as problem:
            cleaned.add(f"{path}.{name}", str(problem))
            complete = False
    return values, complete


def _list(cleaned, value, path):
    if value is MISSING:
        return []
    if not isinstance(value, list):
        cleaned.add(path, _("应为数组（可为 []）。"))
        return []
    return value


def clean_document(doc):
    """Parse and check a whole document; returns a Cleaned with every problem found."""
    cleaned = Cleaned()
    if not isinstance(doc, dict):
        cleaned.add("", _("文档应为 JSON 对象。"))
        return cleaned
    if doc.get("format") != FORMAT_NAME:
        cleaned.add("format", _("应为“%(name)s”，这不是本系统的自评报告文档。") % {"name": FORMAT_NAME})
    elif isinstance(doc.get("version"), bool) or doc.get("version") != FORMAT_VERSION:
        cleaned.add("version", _("不支持的版本 %(got)s，本系统读取版本 %(version)s。") % {
            "got": json.dumps(doc.get("version"), ensure_ascii=False), "version": FORMAT_VERSION,
        })
    if cleaned.problems:
        return cleaned
    _object(cleaned, doc, "", TOP_LEVEL, optional=EXPORT_ONLY)
    data = cleaned.data

    year = doc.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        if "year" in doc:
            cleaned.add("year", _("应为2000至2100之间的整数年度。"))
        year = None
    data["year"] = year
    data["department"], department_ok = _fields(
        cleaned, doc.get("department", MISSING), "department", DEPARTMENT_SPECS
    )

    report = {}
    for section, names in (("cover", COVER), ("overview", OVERVIEW), ("signoff", SIGNOFF)):
        section_specs = {n: REPORT_SPECS[n] for n in names}
        values, _complete = _fields(cleaned, doc.get(section, MISSING), section, section_specs)
        report.update(values)
        if section == "overview" and all(n in values for n in HEADCOUNT_PARTS):
            try:
                validate_headcount({n: values[n] for n in HEADCOUNT_PARTS})
            except ValidationError as error:
                cleaned.add_error("overview", error)
    data["report"] = report

    for key in [k for k in LIST_LIMITS if k != "quantitative"]:  # the 定量 tree is counted per category below
        value = doc.get(key)
        if isinstance(value, list) and list_count_problem(key, len(value)):
            cleaned.add(key, list_count_problem(key, len(value)))

    data["tasks"] = []
    for index, text in enumerate(_list(cleaned, doc.get("tasks", MISSING), "tasks")):
        try:
            data["tasks"].append(TASK_SPEC.parse(text))
        except Problem as problem:
            cleaned.add(f"tasks[{index}]", str(problem))

    data["tables"] = {}
    for key, row_specs in TABLE_SPECS.items():
        rows = data["tables"][key] = []
        for index, row in enumerate(_list(cleaned, doc.get(key, MISSING), key)):
            values, complete = _fields(cleaned, row, f"{key}[{index}]", row_specs)
            rows.append(values)
            if complete:
                try:
                    TABLE_VALIDATORS[key](values)
                except ValidationError as error:
                    cleaned.add_error(f"{key}[{index}]", error)

    data["base_data"], complete = _fields(
        cleaned, doc.get("base_data", MISSING), "base_data", BASE_DATA_SPECS, optional=BASE_DATA_ADDED
    )
    if complete:
        try:
            validate_base_data(data["base_data"])
        except ValidationError as error:
            cleaned.add_error("base_data", error)

    data["lists"] = {}
    for key, row_specs in LIST_SPECS.items():
        rows = data["lists"][key] = []
        for index, row in enumerate(_list(cleaned, doc.get(key, MISSING), key)):
            values, _complete = _fields(cleaned, row, f"{key}[{index}]", row_specs)
            rows.append(values)
            category = values.get("category")
            if category is not None and category not in Category.values:
                cleaned.add(f"{key}[{index}].category", _("未知的指标类别“%(value)s”，应为 %(choices)s 之一。") % {
                    "value": category, "choices": "、".join(Category.values),
                })

    counts = {}
    for row in data["lists"]["quantitative"]:
        if row.get("category") in Category.values:
            counts[row["category"]] = counts.get(row["category"], 0) + 1
    for category, message in quantitative_count_problems(counts):
        cleaned.add("quantitative", f"{Category(category).label}：{message}" if category else message)

    data["narrative"], _complete = _fields(cleaned, doc.get("narrative", MISSING), "narrative", NARRATIVE_SPECS)
    problem = narrative_total_problem(v for v in data["narrative"].values() if isinstance(v, str))
    if problem:
        cleaned.add("narrative", problem)
    if year is not None:
        cleaned.rubric, step = rubric_rows_for(year)
        data["scores"] = _clean_scores(cleaned, doc.get("scores", MISSING), step, _figures(data))
    if year is not None and department_ok:
        _check_target(cleaned, year, data["department"]["code"])
    return cleaned


def _figures(data):
    """The document's figures as scoring reads a report's (scoring.inputs), for its exact suggestions."""
    tables = {TABLE_PREFIXES.get(key, key): rows for key, rows in data.get("tables", {}).items()}
    return figures_from_data(report=data.get("report", {}), base_data=data.get("base_data"), tables=tables,
                             quantitative=data.get("lists", {}).get("quantitative", []))


def _clean_scores(cleaned, value, step, figures):
    """The 评分表 rows by code: every 三级 code of the rubric exactly once, scores within 分值 and on the
    step unless equal to the row's exact suggested score (from the document's own figures and inputs)."""
    by_code = {row.code: row for row in cleaned.rubric}
    scores = {}
    for index, row in enumerate(_list(cleaned, value, "scores")):
        path = f"scores[{index}]"
        values, _complete = _fields(cleaned, row, path, SCORE_SPECS)
        code = values.get("code")
        if code is None:
            continue
        rubric_row = by_code.get(code)
        if rubric_row is None:
            cleaned.add(f"{path}.code", _("评分表中没有指标代码“%(code)s”。") % {"code": code})
            continue
        if code in scores:
            cleaned.add(f"{path}.code", _("指标代码“%(code)s”重复出现。") % {"code": code})
            continue
        scores[code] = values
        exact = (row_suggestion(rubric_row, values.get("inputs"), figures),)
        for name, label in (("self_score", _("自评得分")), ("review_score", _("复核得分"))):
            try:
                validate_score(values.get(name), rubric_row.max_points, step=step, field=name, label=label,
                               exact=exact)
            except ValidationError as error:
                cleaned.add_error(path, error)
    for row in cleaned.rubric:
        if row.code not in scores:
            cleaned.add("scores", _("缺少指标“%(label)s”（%(code)s）的评分行。") % {"label": row.label, "code": row.code})
    groups = {}
    for row in cleaned.rubric:
        if row.lead:
            groups.setdefault(row.lead, [by_code[row.lead]]).append(row)
    for lead, members in groups.items():
        for name in ("self_score", "review_score"):
            try:
                validate_group_total(
                    [m.label for m in members], [scores.get(m.code, {}).get(name) for m in members],
                    by_code[lead].max_points, field=name,
                )
            except ValidationError as error:
                for message in error.messages:
                    cleaned.add("scores", message)
    return scores


def not_draft_message(year, code, status):
    return _("%(year)s年度预算编码为%(code)s的报告处于“%(status)s”状态，只有草稿可以通过导入覆盖。") % {
        "year": year, "code": code, "status": Status(status).label,
    }


def _check_target(cleaned, year, code):
    """The report the document would replace must be a 草稿: one under review or approved is the
    reviewers' and the signers', and an import would change it behind their backs."""
    status = Report.objects.filter(evaluation_year__year=year, department__code=code).values_list(
        "status", flat=True).first()
    if status is not None and status != Status.DRAFT:
        cleaned.add("", not_draft_message(year, code, status))
