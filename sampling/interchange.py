"""A 抽评 as a JSON document (`evalsite-sampling`, version 1; docs/report-format.md): the seed, the
filters, the candidates and the sample, and each re-review with its scores and reasons. Anyone holding
the document can check the draw: draw_check repeats it from the document alone."""
from sampling import draw as sampling
from sampling.enums import SampleBy

FORMAT_NAME = "evalsite-sampling"
FORMAT_VERSION = 1


def _amount(value):
    return None if value is None else f"{value:.2f}"


def draw_export(draw):
    """The draw and its re-reviews as a JSON-ready dict (scores as strings with two decimals)."""
    from reports.models import Report

    codes = dict(Report.objects.filter(pk__in=draw.population).values_list("pk", "department__code"))
    sheets = draw.sheets.select_related("report__department", "scorer").prefetch_related("rows__indicator")
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "year": draw.evaluation_year.year,
        "seed": draw.seed,
        "sample_by": draw.sample_by,
        "count": draw.count,
        "share": _amount(draw.share),
        "filters": {"offices": draw.offices, "grades": draw.grades,
                    "expenditure_min": _amount(draw.expenditure_min), "expenditure_max": _amount(draw.expenditure_max),
                    "other_office": draw.other_office},
        "population": draw.population,
        "drawn": draw.drawn,
        "drawn_departments": [codes.get(pk) for pk in draw.drawn],
        "created_at": draw.created_at.isoformat(),
        "rereviews": [
            {
                "report": sheet.report_id, "department": sheet.report.department.code, "scorer": sheet.scorer.username,
                "submitted_at": sheet.submitted_at.isoformat() if sheet.submitted_at else None,
                "total": _amount(sheet.total),
                "scores": [{"code": row.indicator.code, "score": _amount(row.score), "reason": row.reason}
                           for row in sorted(sheet.rows.all(), key=lambda r: r.indicator.order)],
            }
            for sheet in sorted(sheets, key=lambda s: s.report_id)
        ],
    }


def draw_check(document):
    """Whether the document's sample is what its seed draws from its candidates (True/False); pure."""
    from decimal import Decimal

    population = document["population"]
    share = Decimal(document["share"]) if document.get("share") is not None else None
    count = document["count"] if document["sample_by"] == SampleBy.COUNT else None
    size = sampling.sample_size(len(population), count=count, share=share)
    return sampling.draw_sample(population, seed=document["seed"], size=size) == document["drawn"]
