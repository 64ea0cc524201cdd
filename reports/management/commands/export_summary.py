"""manage.py export_summary --year 2021 --out summary.xlsx: the year's summary workbook."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.exporters.summary import summary_workbook_write
from reports.models import Report
from reports.selectors import reports_visible_to
from scoring.models import EvaluationYear


class Command(BaseCommand):
    help = "Write the yearly summary workbook (汇总, 评分明细, 收支明细, 进度, 等次分布) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="evaluation year, e.g. 2021")
        parser.add_argument("--out", required=True, help="path of the .xlsx file to write")
        parser.add_argument(
            "--user", help="export what this user may see (default: every report, as the bureau's admin would)",
        )

    def handle(self, *args, year, out, user=None, **options):
        evaluation_year = EvaluationYear.objects.filter(year=year).first()
        if evaluation_year is None:
            raise CommandError(f"评价年度 {year} 不存在。")
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"用户 {user} 不存在。")
            reports = reports_visible_to(account)
            include_missing = account.has_perm("reports.administer")
        else:
            # Run from a shell by the operator: the whole bureau, like an admin's screen.
            reports = Report.objects.select_related("evaluation_year", "department", "department__office")
            include_missing = True
        summary_workbook_write(out, reports=reports, evaluation_year=evaluation_year, include_missing=include_missing)
        self.stdout.write(f"{out}")
