"""Archive the PDF of every approved report that has none yet (after a failure, or to catch up)."""
from django.core.management.base import BaseCommand

from reports.approval import archive_pdf, pdf_state
from reports.enums import Status
from reports.models import Report


class Command(BaseCommand):
    help = "为尚未生成审定版PDF的已审定报告生成PDF（失败的会重试）。"

    def handle(self, *args, **options):
        made = failed = 0
        approved = Report.objects.filter(status=Status.APPROVED).select_related("evaluation_year", "department")
        for report in approved.iterator(chunk_size=200):
            if pdf_state(report) is None:
                continue
            if archive_pdf(report.pk) is None:
                failed += 1
            else:
                made += 1
        self.stdout.write(f"已生成 {made} 份，失败 {failed} 份。")
        if failed:
            raise SystemExit(1)
