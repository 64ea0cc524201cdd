"""Importing one report from an interchange document: all or nothing."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from budgets.models import BaseData
from departments.models import Department
from departments.services import bureau_default
from reports.enums import Status
from reports.interchange.fields import LISTS, TABLES
from reports.interchange.validate import clean_document, not_draft_message
from reports.models import Narrative, Report, ScoreEntry, Task
from scoring.evaluate import report_score
from scoring.models import EvaluationYear
from scoring.services import rubric_get_or_create_default, year_create


def document_problems(doc):
    """Every problem of the document, in Chinese, each prefixed with its JSON path; [] when importable."""
    return clean_document(doc).problems


def report_import(*, document, username=None):
    """Create or replace the report the document describes (same year and 预算编码), in one transaction.

    The whole document is checked first; with any problem nothing is written and ValidationError
    lists them all. Creates the department (under departments.services.bureau_default()) and the
    evaluation year (default rubric and grade bands) when missing. Replaces only a 草稿 (a new
    report is one) and bumps its revision; a report under review or approved is refused.
    Stores the scoring suggestions (scoring.evaluate.report_score). Records an audit row for the
    import or its refusal (`username` names the caller when there is no request, e.g. a command).
    Returns the report.
    """
    try:
        cleaned = clean_document(document)
        if cleaned.problems:
            raise ValidationError(cleaned.problems)
        report, replaced = _write(cleaned, username=username)
    except ValidationError as error:
        audit_record(event=Event.IMPORT, username=username, success=False, detail=_(
            "导入报告被拒绝：%(count)s个问题（%(first)s）") % {"count": len(error.messages), "first": error.messages[0]})
        raise
    return report


@transaction.atomic
def _write(cleaned, *, username):
    data = cleaned.data
    year = EvaluationYear.objects.select_related("rubric").filter(year=data["year"]).first()
    if year is None:
        year = year_create(year=data["year"], rubric=rubric_get_or_create_default())
    department = Department.objects.filter(code=data["department"]["code"]).first()
    if department is None:
        department = Department.objects.create(bureau=bureau_default(), **data["department"])

    report = (
        Report.objects.filter(evaluation_year=year, department=department)
        .order_by("pk").select_for_update(of=("self",)).first()
    )
    replaced = report is not None
    if report is None:
        report = Report.objects.create(evaluation_year=year, department=department, **data["report"])
    else:
        if report.status != Status.DRAFT:  # it moved on between the check and the write
            raise ValidationError([not_draft_message(year.year, department.code, report.status)])
        for name, value in data["report"].items():
            setattr(report, name, value)
        report.revision += 1
        report.save(update_fields=[*data["report"], "revision", "updated_at"])
        _delete_rows(report)

    Task.objects.bulk_create(Task(report=report, order=i, text=text) for i, text in enumerate(data["tasks"], 1))
    for key, model, _rel, _money in TABLES:
        model.objects.bulk_create(model(report=report, order=i, **row) for i, row in enumerate(data["tables"][key], 1))
    for key, model, _rel, _names in LISTS:
        model.objects.bulk_create(model(report=report, order=i, **row) for i, row in enumerate(data["lists"][key], 1))
    BaseData.objects.update_or_create(report=report, defaults=data["base_data"])
    Narrative.objects.update_or_create(report=report, defaults=data["narrative"])

    indicators = {i.code: i for i in year.rubric.indicators.filter(level=3)}
    missing = sorted(set(data["scores"]) - set(indicators))
    if missing:  # the year appeared with another rubric between the check and the write
        raise ValidationError([_("评分表中没有指标代码“%(code)s”。") % {"code": code} for code in missing])
    ScoreEntry.objects.bulk_create(
        ScoreEntry(report=report, indicator=indicators[code], **{k: v for k, v in values.items() if k != "code"})
        for code, values in data["scores"].items()
    )
    report_score(report=report)
    audit_record(event=Event.IMPORT, obj=report, username=username, detail=(
        _("导入报告（交换文档），覆盖草稿，修订号%(revision)s") if replaced else _("导入报告（交换文档），新建草稿")
    ) % {"revision": report.revision})
    return report, replaced


def _delete_rows(report):
    """Remove the rows the document replaces (one query per table)."""
    report.tasks.all().delete()
    for _key, _model, rel, _money in TABLES:
        getattr(report, rel).all().delete()
    for _key, _model, rel, _names in LISTS:
        getattr(report, rel).all().delete()
    report.scores.all().delete()
