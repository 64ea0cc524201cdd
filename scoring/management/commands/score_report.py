"""python manage.py score_report --year 2021 --code 106019 [--json] [--save]"""
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.models import Report
from scoring.evaluate import report_evaluate, report_score
from scoring.rules import STATUS_LABELS, fmt


def _number(value):
    return None if value is None else fmt(value)


def sheet_as_dict(report, sheet):
    """The ScoreSheet as JSON-ready data: rows keyed by rubric code, numbers as strings."""
    return {
        "year": report.evaluation_year.year,
        "department": {"code": report.department.code, "name": report.department.name},
        "rows": {
            row.code: {
                "label": row.label,
                "points": _number(row.points),
                "suggestion": _number(row.suggestion),
                "status": row.result.status,
                "status_label": str(STATUS_LABELS[row.result.status]),
                "trace": row.trace,
                "self_score": _number(row.self_score),
                "review_score": _number(row.review_score),
                "deduction_reason": row.deduction_reason,
                "flagged": row.flagged,
                "flag_reasons": list(row.flag_reasons),
            }
            for row in sheet.rows
        },
        "self_total": _number(sheet.self_total),
        "review_total": _number(sheet.review_total),
        "total": _number(sheet.final_total),
        "grade": sheet.grade,
        "problems": list(sheet.problems),
    }


class Command(BaseCommand):
    help = "Print a report's 评分表: each row's suggested score and trace, 自评/复核得分, flags, total and grade."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="评价年度, e.g. 2021")
        parser.add_argument("--code", required=True, help="部门（单位）预算编码, e.g. 106019")
        parser.add_argument("--json", action="store_true", help="print JSON (rows keyed by rubric code)")
        parser.add_argument("--save", action="store_true", help="also store suggestions and flags on the report")

    def handle(self, *args, **options):
        year, code = options["year"], options["code"]
        report = (
            Report.objects.select_related("evaluation_year__rubric", "department")
            .filter(evaluation_year__year=year, department__code=code)
            .first()
        )
        if report is None:
            raise CommandError(_("没有找到%(year)s年度预算编码为%(code)s的自评报告。") % {"year": year, "code": code})
        sheet = report_score(report=report) if options["save"] else report_evaluate(report)
        if options["json"]:
            self.stdout.write(_dumps(sheet_as_dict(report, sheet)))
            return
        self.stdout.write(_("%(year)s年度 %(code)s %(name)s 评分表") % {
            "year": year, "code": code, "name": report.department.name,
        })
        for row in sheet.rows:
            if row.result.applicable:
                suggestion = _number(row.suggestion)
            else:
                suggestion = f"（{STATUS_LABELS[row.result.status]}）"
            self.stdout.write(
                _("%(flag)s[%(code)s] %(label)s  分值%(points)s  建议得分%(suggestion)s  自评得分%(self)s  复核得分%(review)s") % {
                    "flag": "⚑ " if row.flagged else "  ", "code": row.code, "label": row.label,
                    "points": fmt(row.points), "suggestion": suggestion,
                    "self": _number(row.self_score) or "—", "review": _number(row.review_score) or "—",
                }
            )
            self.stdout.write(f"      {row.trace}")
            for reason in row.flag_reasons:
                self.stdout.write(_("      标记：%(reason)s") % {"reason": reason})
        self.stdout.write(_("自评总分：%(self)s  复核总分：%(review)s  评价等次：%(grade)s") % {
            "self": _number(sheet.self_total) or "—", "review": _number(sheet.review_total) or "—",
            "grade": sheet.grade or "—",
        })
        if sheet.problems:
            self.stdout.write(_("一致性问题："))
            for problem in sheet.problems:
                self.stdout.write(f"  - {problem}")


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
