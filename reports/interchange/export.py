"""Writing one report as an interchange document (docs/report-format.md)."""
import json

from budgets.models import BaseData
from reports.interchange.fields import (
    BASE_DATA,
    BASE_DATA_SPECS,
    COVER,
    FORMAT_NAME,
    FORMAT_VERSION,
    LIST_SPECS,
    LISTS,
    NARRATIVE,
    NARRATIVE_SPECS,
    OVERVIEW,
    REPORT_SPECS,
    SCORE_SPECS,
    SCORE_VALUES,
    SIGNOFF,
    TABLE_SPECS,
    TABLES,
    Amount,
)
from reports.interchange.validate import rubric_rows_for
from reports.models import Narrative, Report, ScoreEntry
from reports.selectors import report_score_totals
from scoring.services import frozen_rubric_scored_rows

SCORE_AMOUNT = Amount(max_digits=5)


def _dump(obj, field_specs, names=None):
    """The named fields of model instance `obj`."""
    return {name: field_specs[name].dump(getattr(obj, name)) for name in names or field_specs}


def _blank(model, field_specs, names):
    """The named fields as a new, empty row of `model` holds them (model defaults)."""
    return {name: field_specs[name].dump(model._meta.get_field(name).get_default()) for name in names}


def _one_to_one(report, name):
    try:
        return getattr(report, name)
    except (BaseData.DoesNotExist, Narrative.DoesNotExist):
        return None


# The report's relations each top-level part of the document reads (prefetched only when the part is asked for).
PART_RELATIONS = {
    "tasks": "tasks",
    **{key: rel for key, _model, rel, _money in TABLES},
    **{key: rel for key, _model, rel, _names in LISTS},
    "scores": "scores",
}


def report_export(report, parts=None):
    """The whole report as a JSON-ready dict, keys in the documented order.

    Money and scores are strings with two decimals, blanks are null; `scores` lists every 三级
    row of the year's rubric in rubric order (a row never scored exports as blank); `status` and
    `derived` (totals and 评价等次 from reports.selectors.report_score_totals) are for reading only.

    `parts`: only these top-level parts (of cover, overview, tasks, the four tables, base_data, the lists,
    signoff, narrative and scores) after the header (format to status), each exactly as the whole document
    holds it, read with only the queries they need; no evidence, followup or derived. A section's save compares
    the parts it writes (reports.editing.SECTION_PARTS).
    """
    wanted = None if parts is None else frozenset(parts)

    def want(key):
        return wanted is None or key in wanted

    relations = [rel for key, rel in PART_RELATIONS.items() if want(key)]
    report = (
        Report.objects.select_related(
            "evaluation_year__rubric", "department", *(name for name in ("base_data", "narrative") if want(name)))
        .prefetch_related(*relations, *(("evaluation_year__grade_bands",) if wanted is None else ()))
        .get(pk=report.pk)
    )
    doc = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "year": report.evaluation_year.year,
        "department": {"code": report.department.code, "name": report.department.name},
        "status": report.status,
    }
    if want("cover"):
        doc["cover"] = _dump(report, REPORT_SPECS, COVER)
    if want("overview"):
        doc["overview"] = _dump(report, REPORT_SPECS, OVERVIEW)
    if want("tasks"):
        doc["tasks"] = [task.text for task in report.tasks.all()]
    for key, _model, rel, _money in TABLES:
        if want(key):
            doc[key] = [_dump(row, TABLE_SPECS[key]) for row in getattr(report, rel).all()]
    if want("base_data"):
        base_data = _one_to_one(report, "base_data")
        doc["base_data"] = (
            _dump(base_data, BASE_DATA_SPECS, BASE_DATA) if base_data else _blank(BaseData, BASE_DATA_SPECS, BASE_DATA)
        )
    for key, _model, rel, _names in LISTS:
        if want(key):
            doc[key] = [_dump(row, LIST_SPECS[key]) for row in getattr(report, rel).all()]
    if want("signoff"):
        doc["signoff"] = _dump(report, REPORT_SPECS, SIGNOFF)
    if want("narrative"):
        narrative = _one_to_one(report, "narrative")
        doc["narrative"] = (
            _dump(narrative, NARRATIVE_SPECS, NARRATIVE) if narrative else _blank(Narrative, NARRATIVE_SPECS, NARRATIVE)
        )
    if not want("scores"):
        return doc
    entries = {entry.indicator_id: entry for entry in report.scores.all()}
    if wanted is None:
        indicators = list(report.evaluation_year.rubric.indicators.filter(level=3).order_by("order"))
    else:  # a save's comparison: the report exists, so its year's rubric is frozen (scoring.services.frozen_rubric)
        indicators = frozen_rubric_scored_rows(report.evaluation_year.rubric)
    blank_score = _blank(ScoreEntry, SCORE_SPECS, SCORE_VALUES)
    doc["scores"] = [
        {"code": indicator.code, **(_dump(entry, SCORE_SPECS, SCORE_VALUES) if entry else blank_score)}
        for indicator in indicators
        for entry in [entries.get(indicator.pk)]
    ]
    if wanted is not None:
        return doc
    evidence = _evidence(report, indicators)
    if evidence:
        doc["evidence"] = evidence
    followup = _followup(report)
    if followup:
        doc["followup"] = followup
    totals = report_score_totals(report)
    doc["derived"] = {
        "self_total": SCORE_AMOUNT.dump(totals["self_total"]),
        "review_total": SCORE_AMOUNT.dump(totals["review_total"]),
        "grade": totals["grade"],
    }
    return doc


def _evidence(report, indicators):
    """The report's current 佐证材料 (evidence.models.Evidence, read through its reverse relation so that
    reports does not import the evidence app), by place in document order, then upload order.

    A place is scores/<code>, quantitative/<n> (the n-th row of `quantitative`) or section/<editor page>.
    """
    positions = {row.pk: n for n, row in enumerate(report.quantitative_indicators.all(), start=1)}
    codes = {indicator.code: n for n, indicator in enumerate(indicators)}
    rows = (
        report.evidence_files.filter(removed_at__isnull=True).select_related("indicator", "quantitative")
        .order_by("uploaded_at", "pk")
    )
    entries = []
    for row in rows:
        if row.place == "score":
            place, order = f"scores/{row.indicator.code}", (1, codes.get(row.indicator.code, 0))
            label = f"评分表 · {row.indicator.label}"
        elif row.place == "quantitative":
            if row.quantitative_id not in positions:
                continue  # its indicator was deleted, and the file with it
            number = positions[row.quantitative_id]
            place, order, label = f"quantitative/{number}", (0, number), f"定量目标 · 第{number}项"
        else:
            place, order, label = f"section/{row.section}", (2, row.section), row.get_section_display()
        entries.append((order, {
            "place": place, "place_label": str(label), "name": row.name, "description": row.description,
            "type": row.kind, "size": row.size, "sha256": row.sha256,
        }))
    entries.sort(key=lambda item: item[0])
    return [entry for _order, entry in entries]


def _date(value):
    return value.isoformat() if value else None


def finding_dump(finding):
    """One 整改 item (followup.models.Finding) and the department's answer, its evidence by name and SHA-256."""
    return {
        "category": finding.category,
        "description": finding.description,
        "places": list(finding.places),
        "deadline": _date(finding.deadline),
        "status": finding.status,
        "reply": {
            "measures": finding.measures,
            "responsible": finding.responsible,
            "completed_on": _date(finding.completed_on),
            "evidence": [
                {"name": e.name, "type": e.kind, "size": e.size, "sha256": e.sha256}
                for e in finding.evidence_files.all()
            ],
        },
    }


def _followup(report):
    """The findings on the report and its 上年问题整改情况 (the follow-up app's rows, read through their
    reverse relations so that reports does not import it); {} when there are none."""
    part = {}
    findings = [finding_dump(f) for f in report.findings.prefetch_related("evidence_files").order_by("created_at", "pk")]
    if findings:
        part["findings"] = findings
    carried = [
        {"year": c.finding.report.evaluation_year.year, "finding": finding_dump(c.finding), "text": c.text}
        for c in report.carried_findings.select_related("finding__report__evaluation_year")
        .prefetch_related("finding__evidence_files").order_by("finding__deadline", "finding_id")
    ]
    if carried:
        part["carried"] = carried
    return part


def document_blank(*, year, code, name, issuer=""):
    """A document for an empty report (model defaults, no rows, every 三级 row unscored)."""
    rows, _step = rubric_rows_for(year)
    blank_score = _blank(ScoreEntry, SCORE_SPECS, SCORE_VALUES)
    doc = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "year": year,
        "department": {"code": code, "name": name},
        "cover": {**_blank(Report, REPORT_SPECS, COVER), "issuer": issuer},
        "overview": _blank(Report, REPORT_SPECS, OVERVIEW),
        "tasks": [],
        **{key: [] for key, *_rest in TABLES},
        "base_data": _blank(BaseData, BASE_DATA_SPECS, BASE_DATA),
        **{key: [] for key, *_rest in LISTS},
        "signoff": _blank(Report, REPORT_SPECS, SIGNOFF),
        "narrative": _blank(Narrative, NARRATIVE_SPECS, NARRATIVE),
        "scores": [{"code": row.code, **blank_score} for row in rows],
    }
    return doc


def document_dumps(doc):
    """The document as text: UTF-8 Chinese kept as is, two-space indent, final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

